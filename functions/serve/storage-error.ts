/**
 * Whether an error, or one of its causes, is the database's own failure (the disk full,
 * an I/O error, a lock held too long) rather than the job's: a run that meets one is not
 * failed but left open, to run again once the database takes writes (its calls already
 * made are reused). The chaos matrix's full disk found jobs failed for good by it.
 */
export function isStorageError(error: unknown): boolean {
  let current = error as { name?: unknown; code?: unknown; message?: unknown; cause?: unknown };
  // Bounded: a cause chain is short, and could loop.
  for (let depth = 0; depth < 8 && current && typeof current === 'object'; depth++) {
    const code = typeof current.code === 'string' ? current.code : '';
    const message = typeof current.message === 'string' ? current.message : '';
    if (/^SQLITE_(FULL|IOERR|BUSY|LOCKED|CANTOPEN|READONLY|NOMEM)/.test(code)) return true;
    if (STORAGE_MESSAGE.test(message)) return true;
    current = current.cause as typeof current;
  }
  return false;
}

const STORAGE_MESSAGE =
  /database or disk is full|disk I\/O error|database is locked|unable to open database file|attempt to write a readonly database|ENOSPC|no space left on device/i;
