/** What ended the wait: a signal, or the parent `noob serve` going away. */
export type StopReason = 'SIGTERM' | 'SIGINT' | 'disconnect';

/**
 * Resolves on the first SIGTERM or SIGINT, or, for a process started by `noob serve`, once
 * that parent is gone (even killed with SIGKILL): no worker or coordinator outlives its
 * server. Call it before printing the line that tells a parent it may signal.
 *
 * Started by `noob serve` (an IPC channel to it), SIGINT is ignored: Ctrl-C in the
 * server's terminal reaches the whole process group, and a child stopping on it would die
 * under its supervisor while the server shuts down (said as a crash, and restarted). The
 * server stops its children itself, in order, with SIGTERM. Once the server is gone, SIGINT
 * ends the process again: no one else would stop it in order.
 */
export function untilSignalled(): Promise<StopReason> {
  return new Promise((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    // Started with a channel that is closed already: the server died (or was killed) while
    // this process was still starting, before any disconnect listener could hear it.
    if (typeof process.send === 'function' && !process.connected) {
      resolve('disconnect');
      return;
    }
    if (process.connected) {
      // A listener, so that SIGINT does not end the process either.
      const ignore = () => {};
      process.on('SIGINT', ignore);
      process.once('disconnect', () => {
        // No parent left to stop it in order: Ctrl-C ends it again, though it is still
        // stopping (a long call running).
        process.off('SIGINT', ignore);
        resolve('disconnect');
      });
    } else {
      process.once('SIGINT', () => resolve('SIGINT'));
    }
  });
}
