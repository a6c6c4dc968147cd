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
 * sees it odd, or changed across its reads, cannot tell (it looks again, as after any
 * other commit).
 */
export class CommitTally {
  /** [sequence: 2 per transaction of the writer, odd during one; writerCommits; lost] */
  readonly #counts: Int32Array;

  /** A new tally, or the writer's view of one made elsewhere (from {@link buffer}). */
  constructor(buffer: SharedArrayBuffer = new SharedArrayBuffer(12)) {
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
    if ((sequence & 1) === 1 || Atomics.load(this.#counts, LOST) === 1) return undefined;
    const writer = Atomics.load(this.#counts, WRITER);
    const all = commits();
    if (all === undefined || Atomics.load(this.#counts, SEQUENCE) !== sequence) return undefined;
    return { others: (all - writer) >>> 0, writer: sequence >>> 1 };
  }
}

const SEQUENCE = 0;
const WRITER = 1;
const LOST = 2;
