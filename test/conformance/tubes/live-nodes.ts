/** Nodes that make live objects, for the placement tubes (`./live-nodes.ts#name`). */
import { defineNode } from '../../../core/index.ts';

/**
 * A source that yields a fresh iterator every epoch (counting from the epoch's number):
 * a live object made by a node, not an asset. It works where its consumer runs beside it,
 * and cannot be sent anywhere else.
 */
export const iterators = defineNode({
  generate: () =>
    (function* () {
      for (let epoch = 0; ; epoch++) {
        yield (function* () {
          for (let i = epoch; ; i++) yield i;
        })();
      }
    })(),
});
