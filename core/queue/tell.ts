/**
 * Call back code outside the queue (a worker's deliver or start, a group rider, a
 * submission's watcher) where it must not throw: a throw is that code's bug, reported as
 * a process warning instead of spreading into the queue's own work. Returns what the
 * callback returned, or undefined when it threw.
 */
export function tell<T>(callback: () => T): T | undefined {
  try {
    return callback();
  } catch (error) {
    process.emitWarning(error as Error);
    return undefined;
  }
}
