import { defineNode } from '../../node/define.ts';
import { splitVariadic } from './variadic.ts';

/** `concat(strings)` → `value`: the strings joined with nothing between them. */
export const concat = defineNode({
  params: {},
  description: 'Joins a list of strings.',
  slots: { strings: {} },
  process: ({ strings }) => Array.from(strings as Iterable<string>).join(''),
});

/**
 * `multi_concat(**kwargs)` → `value`: every keyword input is a word (a string or a list of
 * letters); the letters of all of them, in slot order, joined into one string.
 */
export const multiConcat = defineNode({
  description: 'Joins the letters of every keyword input.',
  variadic: true,
  process: (inputs) =>
    Object.values(splitVariadic(inputs).kwargs)
      .map((word) => Array.from(word as Iterable<string>).join(''))
      .join(''),
});

/** `exclaim(string, hype=1)` → `value`: the string followed by `hype` exclamation marks. */
export const exclaim = defineNode({
  params: {},
  description: 'Appends `hype` exclamation marks.',
  slots: { string: {}, hype: { default: 1 } },
  process: ({ string, hype = 1 }) => `${string}${'!'.repeat(Math.max(0, hype))}`,
});

/** `repeat(string, times)` → `value`: the string `times` times over. */
export const repeat = defineNode({
  params: {},
  description: 'Repeats a string.',
  slots: { string: {}, times: {} },
  process: ({ string, times }) => String(string).repeat(Math.max(0, times)),
});
