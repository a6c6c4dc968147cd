import { defineNode } from '../../node/define.ts';
import { DeliberateError } from './errors.ts';

/** `error(value)`: always throws a {@link DeliberateError}, "This node just emits errors". */
export const error = defineNode({
  params: {},
  description: 'Always throws.',
  slots: { value: {} },
  process: () => {
    throw new DeliberateError('This node just emits errors');
  },
});

/** `async_error(value)`: an async node whose promise always rejects with a {@link DeliberateError}. */
export const asyncError = defineNode({
  params: {},
  description: 'Always rejects (async).',
  slots: { value: {} },
  process: async () => {
    throw new DeliberateError('This is the error that should be raised');
  },
});
