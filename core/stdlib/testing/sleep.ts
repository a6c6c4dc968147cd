/** Longest delay one Node timer takes; a longer one (or a non-finite one) fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Waits `seconds` on a real timer (upstream's durations are in seconds), rejecting early with
 * the abort reason when `signal` fires so a cancelled run does not wait for slow nodes. A
 * wait longer than one timer can hold (about 24.8 days: `just_wait(wait_for: 1e9)`) is made
 * of several, instead of returning at once; an infinite one never ends (until aborted).
 */
export function sleep(seconds: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const until = Date.now() + seconds * 1000;
    let timer: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const wait = (): void => {
      const left = until - Date.now();
      if (left <= 0 || Number.isNaN(left)) {
        signal?.removeEventListener('abort', onAbort);
        resolve();
        return;
      }
      timer = setTimeout(wait, Math.min(left, MAX_TIMER_MS));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    wait();
  });
}
