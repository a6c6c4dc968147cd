import type { QueueDriver } from '../queue/backend.ts';
import { explainWait, type JobWait } from '../queue/waits.ts';

/** The waits a local queued run says: the ones that never end by themselves. */
const SAID: ReadonlySet<JobWait['reason']> = new Set(['no_workers', 'no_matching_workers']);

/**
 * While `noob run --runner queued` waits, says why on stderr once per cause (`waiting: no
 * worker is running on this queue …`) instead of hanging silently; says it again if the
 * cause comes back after the run moved. Looks every `everyMs` (default 2 s) while the run
 * has a job; returns the function that stops it.
 */
export function hintWaits(
  driver: QueueDriver,
  jobId: () => string | undefined,
  write: (line: string) => void,
  everyMs = 2_000,
): () => void {
  let said: JobWait['reason'] | undefined;
  let looking = false;
  const look = async () => {
    const id = jobId();
    if (id === undefined || looking) return;
    looking = true;
    try {
      const wait = await explainWait(driver, id);
      if (wait && SAID.has(wait.reason)) {
        if (wait.reason !== said) write(`noob run: waiting: ${wait.detail}\n`);
        said = wait.reason;
      } else said = undefined;
    } catch {
      // A hint only: a look that fails (the queue closing) says nothing.
    } finally {
      looking = false;
    }
  };
  const timer = setInterval(() => void look(), everyMs).unref();
  return () => clearInterval(timer);
}
