import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { currentPids, type Fault, killQuietly } from './chaos.ts';
import { type LazyFs, lazyFsMissing, mountLazyFs } from './lazyfs/lazyfs.ts';
import { type ServeProcess, startServe } from './serve-process.ts';

/**
 * The power-loss scenario of the chaos matrix: the queue's database on a disk that loses
 * every write not yet fsync'd (test/platform/lazyfs), and a crash that stops every process
 * of `noob serve` at once and drops those writes, as a power cut does. The machine comes
 * back: the disk is mounted again and `noob serve` started on what it holds. The matrix's
 * invariant then says whether every job the API acknowledged survived.
 */

/** A database folder on a fresh layer, and the fault that cuts its power. */
export interface PowerLossDisk {
  /** The queue database, inside the mount. */
  db: string;
  fault: Fault;
  /** Bytes the crashes dropped (unsynced pages): above 0 shows a crash lost something. */
  dropped(): number;
  /** Unmounts (if mounted) and removes the folders. */
  remove(): Promise<void>;
}

/**
 * Mounts a layer for the scenario, or says why this machine cannot (no /dev/fuse, no
 * fusermount3, no python3 venv).
 */
export async function powerLossDisk(): Promise<PowerLossDisk | { reason: string }> {
  const reason = lazyFsMissing();
  if (reason) return { reason };
  const backing = mkdtempSync(join(tmpdir(), 'noob-power-disk-'));
  const mount = mkdtempSync(join(tmpdir(), 'noob-power-mount-'));
  let layer: LazyFs = await mountLazyFs(backing, mount);
  let dropped = 0;
  const db = join(mount, 'noob.db');
  const fault: Fault = {
    name: 'power loss (unsynced writes dropped)',
    async inject(serve: ServeProcess, dbPath: string) {
      await stopAllAtOnce(serve);
      dropped += (await layer.crash()).droppedBytes;
      layer = await mountLazyFs(backing, mount);
      return startServe(dbPath);
    },
  };
  return {
    db,
    fault,
    dropped: () => dropped,
    async remove() {
      await layer.crash();
      rmSync(mount, { recursive: true, force: true });
      rmSync(backing, { recursive: true, force: true });
    },
  };
}

/**
 * SIGKILL to `noob serve`, its coordinator and its workers in one go (none outlives the
 * others to write more, as none would in a power cut), then waits until all are gone.
 */
async function stopAllAtOnce(serve: ServeProcess): Promise<void> {
  const { coordinator, workers } = currentPids(serve);
  const pids = [serve.child.pid!, coordinator, ...workers];
  for (const pid of pids) killQuietly(pid);
  for (let i = 0; i < 200 && !pids.every(gone); i++) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  if (!pids.every(gone)) throw new Error(`processes ${pids.join(', ')} outlived SIGKILL for 5 s`);
}

/** The process is gone, or a zombie (dead, not yet reaped). */
function gone(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return true;
  try {
    return / Z /.test(readFileSync(stat, 'utf8').replace(/^.*\)/, ''));
  } catch {
    return true;
  }
}
