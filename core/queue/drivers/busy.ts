/**
 * Whether `error` is SQLite's "database is locked" (SQLITE_BUSY), however it came: the
 * embedded driver's native error (with or without a code), a remote server's answer.
 * Kept in a file of its own so the remote driver can use it without loading the embedded
 * one (and the native SQLite package a worker Lambda's cold start would pay for).
 */
export function isBusy(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === 'SQLITE_BUSY' || /database is locked|SQLITE_BUSY/i.test(String(message));
}
