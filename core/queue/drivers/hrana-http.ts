import type { SqlResult, SqlRow, SqlStatement, SqlValue } from '../backend.ts';
import { RemoteSqlError } from '../errors.ts';
import { type HttpAnswer, httpPoster, type PostOptions } from './http-post.ts';

/**
 * The remote driver's client: the part of the Hrana protocol over HTTP (version 2, JSON:
 * `POST /v2/pipeline`) the queue uses, which sqld and Turso both speak. A statement, or a
 * batch run as one transaction, is one round trip; an interactive transaction keeps its
 * server-side stream between round trips by the `baton` each answer carries.
 *
 * Why not `@libsql/client`'s HTTP client: it builds a `Request` and `Headers` for every
 * call, which loads undici, and it imports the `ws` package (with tls and https) even for
 * HTTP: together about 45 ms of CPU at a worker Lambda's cold start, for a protocol
 * this small. `ws://` URLs still go through `@libsql/client` (see drivers/remote.ts).
 */

/** A protocol value as JSON carries it. */
type Value =
  | { type: 'null' }
  | { type: 'integer'; value: string }
  | { type: 'float'; value: number }
  | { type: 'text'; value: string }
  | { type: 'blob'; base64: string };

interface StmtResult {
  cols: { name: string | null }[];
  rows: Value[][];
  affected_row_count: number;
}
interface ProtoError {
  message: string;
  code?: string | null;
}
type StreamResult =
  | { type: 'ok'; response: { type: string; result?: unknown } }
  | { type: 'error'; error: ProtoError };
interface PipelineAnswer {
  baton: string | null;
  base_url: string | null;
  results: StreamResult[];
}

function toValue(value: SqlValue): Value {
  if (value === null) return { type: 'null' };
  if (typeof value === 'string') return { type: 'text', value };
  if (typeof value === 'bigint') return { type: 'integer', value: String(value) };
  // Numbers go as floats, as @libsql/client sends them: SQLite stores an integral float
  // in an INTEGER column as an integer.
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`cannot bind ${value} to a statement`);
    return { type: 'float', value };
  }
  return { type: 'blob', base64: Buffer.from(value).toString('base64') };
}

function fromValue(value: Value): SqlValue {
  switch (value.type) {
    case 'null':
      return null;
    case 'integer': {
      const number = Number(value.value);
      if (!Number.isSafeInteger(number))
        throw new RangeError(`the server sent ${value.value}, past a JavaScript number's range`);
      return number;
    }
    case 'float':
    case 'text':
      return value.value;
    case 'blob':
      return Buffer.from(value.base64, 'base64');
  }
}

function toStmt(statement: SqlStatement, wantRows = true) {
  const { sql, params } = statement;
  return Array.isArray(params)
    ? { sql, args: params.map(toValue), want_rows: wantRows }
    : {
        sql,
        named_args: Object.entries(params).map(([name, value]) => ({
          name,
          value: toValue(value),
        })),
        want_rows: wantRows,
      };
}

function toResult(result: StmtResult): SqlResult {
  const names = result.cols.map((col, i) => col.name ?? String(i));
  const rows = result.rows.map((values) => {
    const row: SqlRow = {};
    names.forEach((name, i) => {
      row[name] = fromValue(values[i]!);
    });
    return row;
  });
  return { rows, changes: result.affected_row_count };
}

function refused(error: ProtoError, sql?: string): RemoteSqlError {
  const code = error.code ?? 'UNKNOWN';
  return new RemoteSqlError(
    `${code}: ${error.message}`,
    code,
    sql ? `statement: ${sql}` : undefined,
  );
}

/** How a batch starts its transaction (`write` takes the write lock up front). */
const BEGIN = { write: 'BEGIN IMMEDIATE', read: 'BEGIN TRANSACTION READONLY' } as const;

/** One server-side stream: a pipeline of requests per round trip, continued by its baton. */
class Stream {
  readonly #client: HranaHttpClient;
  #baton: string | null = null;
  #base: URL;

  constructor(client: HranaHttpClient, base: URL) {
    this.#client = client;
    this.#base = base;
  }

  /**
   * Send `requests` (closing the stream after them if `close`); their responses.
   * `resendStale`: the requests only read, and may go again on a stale connection (see
   * {@link PostOptions.resendStale}).
   */
  async send(
    requests: object[],
    close: boolean,
    resendStale: PostOptions['resendStale'] = false,
  ): Promise<StreamResult[]> {
    const all = close ? [...requests, { type: 'close' }] : requests;
    const answer = await this.#client.pipeline(
      new URL('v2/pipeline', this.#base),
      JSON.stringify({ baton: this.#baton, requests: all }),
      { resendStale },
    );
    this.#baton = answer.baton;
    if (answer.base_url) this.#base = withSlash(answer.base_url);
    if (answer.results.length !== all.length)
      throw new RemoteSqlError('the libSQL server answered a pipeline out of step', 'PROTOCOL');
    return answer.results.slice(0, requests.length);
  }
}

/** An interactive write transaction: one round trip per statement. */
export interface HranaTransaction {
  execute(statement: SqlStatement): Promise<SqlResult>;
  commit(): Promise<void>;
  /** Roll back if not committed, and end the stream. */
  close(): Promise<void>;
}

/** A client for one libSQL server (see the module's comment). */
export class HranaHttpClient {
  readonly #base: URL;
  readonly #headers: Record<string, string>;
  readonly #http: ReturnType<typeof httpPoster>;

  /**
   * `url`: `http(s)://` (sqld) or `libsql://` (Turso, spoken over HTTPS). `timeoutMs`: how
   * long a request may wait without a byte of the answer (default 60 s), then it fails.
   */
  constructor(url: string, options: { authToken?: string; timeoutMs?: number } = {}) {
    this.#http = httpPoster(options.timeoutMs);
    this.#base = withSlash(url.replace(/^libsql:/i, 'https:'));
    this.#headers = {
      'content-type': 'application/json',
      ...(options.authToken ? { authorization: `Bearer ${options.authToken}` } : {}),
    };
  }

  /**
   * Run one statement in its own transaction. One found its kept-alive connection stale
   * is sent again, once, on a new one if the server's SQLite judges it a read (see
   * `#readsOnly`), as a `read` batch is: the queue's reads of one statement (event
   * feeds, worker and key lists, a start's `quick_check`) get through, a write does not.
   */
  async execute(statement: SqlStatement): Promise<SqlResult> {
    const [result] = await new Stream(this, this.#base).send(
      [{ type: 'execute', stmt: toStmt(statement) }],
      true,
      () => this.#readsOnly(statement.sql),
    );
    return executed(result!, statement.sql);
  }

  /**
   * Whether the server's SQLite judges `sql` read-only (Hrana's `describe`, which answers
   * `sqlite3_stmt_readonly`): asked only once a statement's connection was found stale,
   * so the hot path pays nothing, and the server's own parser decides, not a guess at the
   * text (`WITH … INSERT` writes; `PRAGMA quick_check` reads). Transaction control counts
   * as read-only there, which is harmless here: `execute` closes its stream after the
   * one statement. Not known (refused, unreachable): not a read, so not sent again.
   */
  async #readsOnly(sql: string): Promise<boolean> {
    try {
      const [answer] = await new Stream(this, this.#base).send(
        [{ type: 'describe', sql }],
        true,
        true,
      );
      if (answer?.type !== 'ok') return false;
      return (answer.response.result as { is_readonly?: unknown }).is_readonly === true;
    } catch {
      return false;
    }
  }

  /**
   * Run statements in one transaction, in one round trip: each runs only if the one
   * before succeeded, then COMMIT, or ROLLBACK if anything failed. The first failure is
   * thrown. A `read` batch found its kept-alive connection stale is sent again, once, on
   * a new one: it cannot change anything (its transaction is read-only), so the server
   * getting it twice does no harm. A write is not: a reset does not say the server did
   * not get it.
   */
  async batch(statements: SqlStatement[], mode: 'read' | 'write'): Promise<SqlResult[]> {
    const steps: object[] = [{ stmt: { sql: BEGIN[mode], want_rows: false } }];
    const ok = (step: number) => ({ type: 'ok', step });
    for (const statement of statements) {
      steps.push({ condition: ok(steps.length - 1), stmt: toStmt(statement) });
    }
    const commit = steps.length;
    steps.push({ condition: ok(commit - 1), stmt: { sql: 'COMMIT', want_rows: false } });
    steps.push({
      condition: { type: 'not', cond: ok(commit) },
      stmt: { sql: 'ROLLBACK', want_rows: false },
    });
    const [answer] = await new Stream(this, this.#base).send(
      [{ type: 'batch', batch: { steps } }],
      true,
      mode === 'read',
    );
    if (answer!.type === 'error') throw refused(answer!.error);
    const { step_results: results, step_errors: errors } = answer!.response.result as {
      step_results: (StmtResult | null)[];
      step_errors: (ProtoError | null)[];
    };
    // The first error is the cause; later steps were skipped or are the ROLLBACK.
    for (let step = 0; step < commit + 1; step++) {
      const error = errors[step];
      if (error)
        throw refused(error, step >= 1 && step < commit ? statements[step - 1]!.sql : undefined);
    }
    return statements.map((_, i) => toResult(results[i + 1]!));
  }

  /** Start an interactive write transaction (`BEGIN IMMEDIATE`). */
  async transaction(): Promise<HranaTransaction> {
    const stream = new Stream(this, this.#base);
    const run = async (statement: SqlStatement, close = false) =>
      executed(
        (await stream.send([{ type: 'execute', stmt: toStmt(statement) }], close))[0]!,
        statement.sql,
      );
    await run({ sql: 'BEGIN IMMEDIATE', params: [] });
    let open = true;
    return {
      execute: (statement) => run(statement),
      async commit() {
        await run({ sql: 'COMMIT', params: [] }, true);
        open = false;
      },
      async close() {
        if (!open) return;
        open = false;
        await run({ sql: 'ROLLBACK', params: [] }, true).catch(() => {});
      },
    };
  }

  /** Close the connections (the client is unusable afterwards). */
  close(): void {
    this.#http.close();
  }

  /** One round trip of a stream (used by {@link Stream}). */
  async pipeline(url: URL, body: string, options: PostOptions = {}): Promise<PipelineAnswer> {
    let answer: HttpAnswer;
    try {
      answer = await this.#http.post(url, body, this.#headers, options);
    } catch (error) {
      // Down, restarting, or a connection dropped: said with the server's address.
      const { code, message } = error as NodeJS.ErrnoException;
      throw new RemoteSqlError(
        `the libSQL server at ${url.origin} could not be reached (${message})`,
        code ?? 'NETWORK',
        undefined,
        error,
      );
    }
    if (answer.status !== 200) throw httpError(url, answer);
    return JSON.parse(answer.body) as PipelineAnswer;
  }
}

function executed(result: StreamResult, sql: string): SqlResult {
  if (result.type === 'error') throw refused(result.error, sql);
  return toResult(result.response.result as StmtResult);
}

function httpError(url: URL, answer: HttpAnswer): RemoteSqlError {
  let message = answer.body.trim().slice(0, 500);
  try {
    message = (JSON.parse(answer.body) as { message?: string }).message ?? message;
  } catch {
    // not JSON: the text as it came
  }
  return new RemoteSqlError(
    `the libSQL server at ${url.origin} answered HTTP ${answer.status}: ${message}`,
    `HTTP_${answer.status}`,
  );
}

/** A base URL that relative paths extend (`http://h/db` + `v2/pipeline`). */
function withSlash(url: string): URL {
  return new URL(url.endsWith('/') ? url : `${url}/`);
}
