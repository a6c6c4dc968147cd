/** Nodes that make and read values too large to ride inline in a gossip message (`./large.ts#name`). */
import { defineNode } from '../../../core/index.ts';

/** A string of `size` characters that starts with the value (the same on every peer). */
function padded(value: number, size: number): string {
  return `${value}:`.padEnd(size, String.fromCharCode(97 + (value % 26)));
}

/** 64 KiB made from its input: a result, and then a task input, past the 8 KiB inline limit. */
export const pad64k = defineNode({
  slots: { value: {} },
  process: ({ value }) => padded(value, 64 * 1024),
});

/** 1 MiB made from its input. */
export const pad1m = defineNode({
  slots: { value: {} },
  process: ({ value }) => padded(value, 1024 * 1024),
});

/** What a large text was: its length and how it starts and ends (small). */
export const measure = defineNode({
  slots: { text: {} },
  process: ({ text }) => `${text.length}:${text.slice(0, 3)}:${text.at(-1)}`,
});

/** Two small values as one. */
export const pair = defineNode({
  slots: { left: {}, right: {} },
  process: ({ left, right }) => `${left}|${right}`,
});
