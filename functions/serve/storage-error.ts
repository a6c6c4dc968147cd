/**
 * Whether an error, or one of its causes, is the database's own failure rather than the
 * job's: the disk full, an I/O error, a lock held too long, or a remote database (sqld,
 * Turso) that could not be reached for a moment (restarting, a connection refused or
 * reset). A run that meets one is not failed but left open, to run again once the
 * database takes writes (its calls already made are reused). The chaos matrix's full
 * disk found jobs failed for good by it, and so did a coordinator whose sqld restarted.
 */
export function isStorageError(error: unknown): boolean {
  let current = error as { name?: unknown; code?: unknown; message?: unknown; cause?: unknown };
  // Whether a database client's error was met further up the chain: a connection error
  // counts only there. A node's own (a stateful node's fetch to a service that is down)
  // is the job's, or its job would wait for good instead of failing.
  let fromDatabase = false;
  // Bounded: a cause chain is short, and could loop.
  for (let depth = 0; depth < 8 && current && typeof current === 'object'; depth++) {
    const code = typeof current.code === 'string' ? current.code : '';
    const message = typeof current.message === 'string' ? current.message : '';
    if (/^SQLITE_(FULL|IOERR|BUSY|LOCKED|CANTOPEN|READONLY|NOMEM)/.test(code)) return true;
    if (STORAGE_MESSAGE.test(message)) return true;
    fromDatabase ||= DATABASE_CLIENT_ERRORS.has(String(current.name));
    if (fromDatabase && (UNREACHABLE_CODE.test(code) || UNREACHABLE_MESSAGE.test(message)))
      return true;
    current = current.cause as typeof current;
  }
  return false;
}

const STORAGE_MESSAGE =
  /database or disk is full|disk I\/O error|database is locked|unable to open database file|attempt to write a readonly database|ENOSPC|no space left on device/i;

/**
 * The errors a remote database's clients throw: noob's own over HTTP
 * (drivers/hrana-http.ts), `@libsql/client`'s over a WebSocket (drivers/libsql-ws.ts).
 */
const DATABASE_CLIENT_ERRORS = new Set(['RemoteSqlError', 'LibsqlError']);

/**
 * A server not reachable, or unavailable, for now: refused, reset (Node's "socket hang
 * up"), silent past the client's timeout, its host unreachable; a WebSocket that failed
 * (`@libsql/client` says only that, with the reason in its message); a proxy's or
 * Turso's "unavailable" answers.
 */
const UNREACHABLE_CODE =
  /^(ECONNREFUSED|ECONNRESET|ECONNABORTED|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENETDOWN|EAI_AGAIN|UND_ERR_SOCKET|UND_ERR_CONNECT_TIMEOUT|HRANA_WEBSOCKET_ERROR|HTTP_50[234])$/;
const UNREACHABLE_MESSAGE =
  /\b(ECONNREFUSED|ECONNRESET|ECONNABORTED|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH)\b|socket hang up/;
