/**
 * The commits one connection makes on behalf of another in the same process, counted in
 * memory both threads share: a submission writer thread's connection commits the job
 * API's submissions (see `core/queue/submission-writer.ts`), and the API's own
 * connection must still tell those commits from other processes' (a key revoked by
 * `noob keys revoke` is refused at once, see `functions/api/verified-keys.ts`, while the
 * writer's thousands of commits a second leave kept keys alone).
 *
 * SQLite's `data_version` cannot tell them apart: it moves once per look that finds any
 * change, however many commits made it. The WAL index's header can: its `iChange` counts
 * every commit to the file (see `WalIndex.commits`). The writer reads it right after
 * taking the write lock and again after its COMMIT (nobody else can commit in between)
 * and adds the difference to `writerCommits`; a reader takes `iChange − writerCommits`,
 * which then moves exactly when some other connection commits. A sequence number, odd
 * while the writer holds the lock, makes the two numbers a consistent pair: a reader that
 * sees it change across its reads, or sees the file's count move during a transaction
 * of the writer (its COMMIT, not yet added), cannot tell (it looks again, as after any
 * other commit).
 */
export class CommitTally {
  /** [sequence: 2 per transaction of the writer, odd during one; writerCommits; lost; begunAt] */
  readonly #counts: Int32Array;

  /** A new tally, or the writer's view of one made elsewhere (from {@link buffer}). */
  constructor(buffer: SharedArrayBuffer = new SharedArrayBuffer(16)) {
    this.#counts = new Int32Array(buffer);
  }

  /** The shared memory, for the other thread (a `workerData` field). */
  get buffer(): SharedArrayBuffer {
    return this.#counts.buffer as SharedArrayBuffer;
  }

  /**
   * Writer: run `transaction` (which holds the write lock and commits or rolls back),
   * counting the commits it made: `commits()` read before and after it.
   */
  around<T>(commits: () => number | undefined, transaction: () => T): T {
    const before = commits();
    if (before === undefined) Atomics.store(this.#counts, LOST, 1);
    // Published before the sequence turns odd: a reader meanwhile compares it (see read).
    else Atomics.store(this.#counts, BEGUN_AT, before | 0);
    Atomics.add(this.#counts, SEQUENCE, 1);
    try {
      return transaction();
    } finally {
      const after = commits();
      // Not readable: which of the file's commits were the writer's is lost for good.
      if (before === undefined || after === undefined) Atomics.store(this.#counts, LOST, 1);
      else Atomics.add(this.#counts, WRITER, (after - before) | 0);
      Atomics.add(this.#counts, SEQUENCE, 1);
    }
  }

  /**
   * Reader: `commits()` (the file's count) with the writer's taken out (`others`), and the
   * writer's transactions so far (`writer`); undefined when the writer was in one
   * meanwhile, or `commits()` could not be read.
   */
  read(commits: () => number | undefined): { others: number; writer: number } | undefined {
    const sequence = Atomics.load(this.#counts, SEQUENCE);
    if (Atomics.load(this.#counts, LOST) === 1) return undefined;
    const inTransaction = (sequence & 1) === 1;
    const begunAt = Atomics.load(this.#counts, BEGUN_AT);
    const writer = Atomics.load(this.#counts, WRITER);
    const all = commits();
    if (all === undefined || Atomics.load(this.#counts, SEQUENCE) !== sequence) return undefined;
    // In a transaction of the writer, which holds the write lock: nobody else can commit,
    // and while the count is still what it was when the writer took the lock, its own
    // COMMIT has not happened either, so the count holds no commit it has not counted.
    if (inTransaction && (all | 0) !== begunAt) return undefined;
    return { others: (all - writer) >>> 0, writer: sequence >>> 1 };
  }
}

const SEQUENCE = 0;
const WRITER = 1;
const LOST = 2;
/** The file's count when the writer's current transaction took the lock. */
const BEGUN_AT = 3;
