import type {
  BatchMode,
  QueueDriver,
  SqlResult,
  SqlStatement,
  SqlTransaction,
} from '../backend.ts';
import { isBusy } from './busy.ts';
import { HranaHttpClient, type HranaTransaction } from './hrana-http.ts';

/**
 * The remote driver: a libSQL server (Turso, or `sqld`), for deployments where workers do
 * not share a disk (Lambda). A `batch` is one HTTP round trip that the server runs as one
 * write transaction, which is why the queue expresses each operation as a batch.
 */

/** Options of {@link openRemoteDriver}. */
export interface RemoteDriverOptions {
  /** Turso's auth token (or a JWT for sqld started with a key). */
  authToken?: string;
}

/** What the driver needs of a client of the server (HTTP or WebSocket). */
export interface RemoteClient {
  execute(statement: SqlStatement): Promise<SqlResult>;
  /** Statements in one transaction (`write`: the write lock taken up front). */
  batch(statements: SqlStatement[], mode: 'read' | 'write'): Promise<SqlResult[]>;
  transaction(): Promise<HranaTransaction>;
  close(): void;
}

/**
 * Connect to the libSQL server at `url`: over HTTP for `http(s)://` and `libsql://` (which
 * is spoken over HTTPS) with noob's own small client (drivers/hrana-http.ts), over a
 * WebSocket for `ws(s)://` with `@libsql/client`, imported only then.
 */
export async function openRemoteDriver(
  url: string,
  options: RemoteDriverOptions = {},
): Promise<QueueDriver> {
  const auth = options.authToken ? { authToken: options.authToken } : {};
  if (/^wss?:/i.test(url)) {
    const { libsqlWsClient } = await import('./libsql-ws.ts');
    return new RemoteDriver(libsqlWsClient(url, auth));
  }
  return new RemoteDriver(new HranaHttpClient(url, auth));
}

/** How many times a statement or batch the server found locked is sent again. */
const BUSY_ATTEMPTS = 8;

/**
 * Run `send` again while the server answers SQLITE_BUSY (its write lock held by another
 * connection past its busy timeout, or a checkpoint), with jittered backoff from 5 ms to
 * 320 ms. Safe to repeat: a statement or batch refused with SQLITE_BUSY was not committed
 * (a batch's ROLLBACK step runs when any step before its COMMIT, or the COMMIT itself,
 * fails). Interactive transactions are not retried here: their body already ran.
 */
export async function whileBusy<T>(send: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      if (!isBusy(error) || attempt >= BUSY_ATTEMPTS) throw error;
      const delayMs = 5 * 2 ** (attempt - 1);
      await new Promise((wake) => setTimeout(wake, delayMs / 2 + Math.random() * (delayMs / 2)));
    }
  }
}

class RemoteDriver implements QueueDriver {
  readonly kind = 'remote' as const;
  readonly #client: RemoteClient;

  constructor(client: RemoteClient) {
    this.#client = client;
  }

  execute(statement: SqlStatement): Promise<SqlResult> {
    return whileBusy(() => this.#client.execute(statement));
  }

  async batch(
    statements: SqlStatement[],
    mode: BatchMode = 'write',
    onCommitted?: (results: SqlResult[]) => void,
  ): Promise<SqlResult[]> {
    // The server decides durability: relaxed reads and writes are ordinary ones there,
    // and its answer says committed and durable at once (as far as the server makes a
    // commit durable: docs/lambda-performance.md, "The remote queue against BullMQ").
    const results = await whileBusy(() =>
      this.#client.batch(statements, mode === 'read' || mode === 'read-relaxed' ? 'read' : 'write'),
    );
    onCommitted?.(results);
    return results;
  }

  async transaction<T>(body: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    const tx = await this.#client.transaction();
    try {
      const value = await body({ execute: (statement) => tx.execute(statement) });
      await tx.commit();
      return value;
    } finally {
      await tx.close();
    }
  }

  async close(): Promise<void> {
    this.#client.close();
  }
}
