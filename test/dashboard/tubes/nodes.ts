/** Nodes of the dashboard's test tubes (`./nodes.ts#name`). */
import { defineNode } from '../../../core/index.ts';

/** Prints a line on stdout and one on stderr, then passes its value on. */
export const talk = defineNode({
  slots: { value: {} },
  process: ({ value }) => {
    console.log(`talking about ${value}`);
    console.error(`a warning about ${value}`);
    return value;
  },
});
