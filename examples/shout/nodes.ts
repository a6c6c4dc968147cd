/** The example's own node, written with noob's authoring API. */
import { defineNode } from 'noob';

/** Upper-cases a letter and adds `hype` exclamation marks. */
export const shout = defineNode({
  slots: { letter: {}, hype: { default: 1 } },
  description: 'Upper-cases a letter and adds exclamation marks',
  process: ({ letter, hype }) => `${String(letter).toUpperCase()}${'!'.repeat(hype)}`,
});
