import { statSync } from 'node:fs';
import type { ReadinessCheck } from '../api/health.ts';

/**
 * Watches an embedded database's write-ahead log (`DB-wal`). While the server runs, its
 * connections write commits into that file until a checkpoint copies them into the
 * database. If someone deletes (or replaces) it meanwhile, the processes go on writing
 * into their open but unlinked file: every commit since the last checkpoint is lost when
 * they close, and a process that opens the database now sees none of them. SQLite says
 * nothing, so this looks: the file must still be the one seen at startup.
 */
export class LogFileWatch {
  readonly path: string;
  readonly #inode: number | undefined;
  #reported = false;

  /** `databasePath` is the database file's (its log is `databasePath-wal`). */
  constructor(databasePath: string) {
    this.path = `${databasePath}-wal`;
    this.#inode = inodeOf(this.path);
  }

  /** The readiness check: fine while the log is the file seen at startup. */
  check(): ReadinessCheck {
    const now = inodeOf(this.path);
    if (this.#inode === undefined || now === this.#inode) return { ok: true };
    return {
      ok: false,
      message: `the database's write-ahead log ${this.path} was ${now === undefined ? 'deleted' : 'replaced'} while the server was running: commits since the last checkpoint are only in the server's processes and will be lost when they close. Stop the server, keep a copy of the database, and restore it from a backup or start again accepting the loss`,
    };
  }

  /** Checks now; the first time the log is found wrong, `report` is told (once). */
  watch(report: (message: string) => void): void {
    const check = this.check();
    if (check.ok || this.#reported) return;
    this.#reported = true;
    report(check.message!);
  }
}

function inodeOf(path: string): number | undefined {
  try {
    return statSync(path).ino;
  } catch {
    return undefined;
  }
}
