/**
 * Runs `task` once what is already queued (I/O callbacks, promises settled this turn) has
 * run: the end of this turn of the event loop. A browser peer has no `setImmediate`.
 */
export const soon: (task: () => void) => void =
  globalThis.setImmediate ?? ((task: () => void) => setTimeout(task, 0));
