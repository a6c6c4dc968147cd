import { type Client, createClient, type InStatement, type ResultSet } from '@libsql/client/http';
import type {
  BatchMode,
  QueueDriver,
  SqlResult,
  SqlRow,
  SqlStatement,
  SqlTransaction,
} from '../backend.ts';
import { httpFetch } from './http-fetch.ts';

/**
 * The remote driver: a libSQL server (Turso, or `sqld`) through `@libsql/client`, for
 * deployments where workers do not share a disk (Lambda). A `batch` is one HTTP round
 * trip that the server runs as one write transaction, which is why the queue expresses
 * each operation as a batch.
 */

/** Options of {@link openRemoteDriver}. */
export interface RemoteDriverOptions {
  /** Turso's auth token (or a JWT for sqld started with a key). */
  authToken?: string;
}

/**
 * Connect to the libSQL server at `url`: over HTTP for `http(s)://` and `libsql://` (which
 * the client speaks over HTTPS), over a WebSocket for `ws(s)://`. The client's HTTP entry
 * is imported rather than its main one, which loads the native SQLite package too (a
 * worker Lambda's cold start paid for it); the WebSocket one only when a URL needs it.
 */
export async function openRemoteDriver(
  url: string,
  options: RemoteDriverOptions = {},
): Promise<QueueDriver> {
  const auth = options.authToken ? { authToken: options.authToken } : {};
  if (/^wss?:/i.test(url)) {
    const { createClient: createWsClient } = await import('@libsql/client/ws');
    return new RemoteDriver(createWsClient({ url, ...auth }));
  }
  const http = httpFetch();
  return new RemoteDriver(createClient({ url, fetch: http.fetch, ...auth }), http.close);
}

function toStatement(statement: SqlStatement): InStatement {
  return { sql: statement.sql, args: statement.params };
}

// @libsql/client rows are array-likes with column getters; the queue wants plain objects.
function toResult(result: ResultSet): SqlResult {
  const rows = result.rows.map((row) => {
    const plain: SqlRow = {};
    result.columns.forEach((column, i) => {
      plain[column] = row[i] as SqlRow[string];
    });
    return plain;
  });
  return { rows, changes: result.rowsAffected };
}

class RemoteDriver implements QueueDriver {
  readonly kind = 'remote' as const;
  readonly #client: Client;
  readonly #closeTransport: () => void;

  constructor(client: Client, closeTransport: () => void = () => {}) {
    this.#client = client;
    this.#closeTransport = closeTransport;
  }

  async execute(statement: SqlStatement): Promise<SqlResult> {
    return toResult(await this.#client.execute(toStatement(statement)));
  }

  async batch(
    statements: SqlStatement[],
    mode: BatchMode = 'write',
    onCommitted?: (results: SqlResult[]) => void,
  ): Promise<SqlResult[]> {
    // The server decides durability: relaxed reads and writes are ordinary ones there,
    // and its answer says committed and durable at once.
    const results = (
      await this.#client.batch(
        statements.map(toStatement),
        mode === 'read' || mode === 'read-relaxed' ? 'read' : 'write',
      )
    ).map(toResult);
    onCommitted?.(results);
    return results;
  }

  async transaction<T>(body: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    const tx = await this.#client.transaction('write');
    try {
      const value = await body({
        execute: async (s) => toResult(await tx.execute(toStatement(s))),
      });
      await tx.commit();
      return value;
    } finally {
      tx.close();
    }
  }

  async close(): Promise<void> {
    this.#client.close();
    this.#closeTransport();
  }
}
