/**
 * Resolves on the first SIGTERM or SIGINT, or, for a process started by `noob serve`, once
 * that parent is gone (even killed with SIGKILL): no worker or coordinator outlives its
 * server. Call it before printing the line that tells a parent it may signal.
 */
export function untilSignalled(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
    if (process.connected) process.once('disconnect', () => resolve());
  });
}
