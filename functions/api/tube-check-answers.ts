import { statSync } from 'node:fs';
import { isJson } from './json-key.ts';
import { KeptBySize } from './kept-by-size.ts';
import type { TubeChecker, TubeCheckSummary } from './tube-check-protocol.ts';

/** Sizes and ages of {@link TubeCheckAnswers}. */
export interface TubeCheckAnswersOptions {
  /** Most answers kept (default 256); the least recently used goes first. */
  maxEntries?: number;
  /** Most characters kept over all answers, their questions' and tube texts (default 16 Mi). */
  maxTextChars?: number;
  /**
   * How long an answer is given again before the checker is asked anew (ms, default
   * 1,000, the age after which a check thread lists its tube folders again): a tube file
   * added to the folders is seen within it of the threads seeing it.
   */
  maxAgeMs?: number;
  /** Longest tube text answered from here (default 64 Ki characters); longer is checked each time. */
  maxTubeChars?: number;
  /** Most values in the inputs of a check answered from here (default 1,024). */
  maxInputValues?: number;
}

/**
 * How long before the question a registered file must have last changed for its answer
 * to be kept (ms): file times move with the kernel's coarse clock tick, so an edit of the
 * same size within a tick of the read could leave `stat` alike ("racily clean").
 */
const SETTLED_MS = 1_000;

interface Answer {
  summary: TubeCheckSummary;
  /** Characters it holds: its key's and its text's. */
  chars: number;
  /** `Date.now()` when the checker answered. */
  answeredAt: number;
  /** The registered file's `stat` signature when the answer was kept. */
  signature?: string;
}

/**
 * Answers of a {@link TubeChecker} given again on the job API's own thread: a submission
 * of a tube already checked (same tenant, text or noob_id, inputs and NOOB_TUBE_PATH) is a
 * hash lookup and, for a registered tube, a `stat` of its file, instead of a trip to a
 * check thread and back (about 150 µs, and a tenant's checks take turns on the threads).
 * Nothing of the tenant's runs here: a question not answered from here (new, changed,
 * large, refused) goes to the checker as before.
 *
 * Only answers the checker marks {@link TubeCheckSummary.reusable} are kept, each for at
 * most {@link TubeCheckAnswersOptions.maxAgeMs}; a registered tube's only while its file's
 * `stat` stays what it was (an edit is seen at once), and only if the file had not changed
 * for a second when the question was asked. Errors are never kept. Answers are per tenant:
 * one tenant's submissions neither answer nor time another's. A kept summary is shared by
 * every hit: read it, do not change it.
 */
export class TubeCheckAnswers implements TubeChecker {
  readonly #checker: TubeChecker;
  readonly #maxAgeMs: number;
  readonly #maxTubeChars: number;
  readonly #maxInputValues: number;
  readonly #answers: KeptBySize<Answer>;
  // Questions sent to the checker and not answered yet, by key.
  readonly #asking = new Map<string, Promise<TubeCheckSummary>>();

  constructor(checker: TubeChecker, options: TubeCheckAnswersOptions = {}) {
    this.#checker = checker;
    this.#answers = new KeptBySize(
      options.maxEntries ?? 256,
      options.maxTextChars ?? 16 * 1024 * 1024,
      (answer) => answer.chars,
    );
    this.#maxAgeMs = options.maxAgeMs ?? 1_000;
    this.#maxTubeChars = options.maxTubeChars ?? 64 * 1024;
    this.#maxInputValues = options.maxInputValues ?? 1_024;
  }

  /** How many answers are kept. */
  get size(): number {
    return this.#answers.size;
  }

  async check(
    tenant: string,
    tube: string,
    inputs: Record<string, unknown>,
  ): Promise<TubeCheckSummary> {
    const key = this.#key(tenant, tube, inputs);
    if (key === undefined) return this.#checker.check(tenant, tube, inputs);
    const kept = this.#answer(key);
    if (kept) return kept;
    // The same question asked meanwhile (a kept answer just aged out under load) waits for
    // this one's answer, or its error, instead of taking another turn on the threads.
    const pending = this.#asking.get(key);
    if (pending) return pending;
    const askedAt = Date.now();
    const asking = this.#checker.check(tenant, tube, inputs).then((summary) => {
      if (summary.reusable) this.#keep(key, summary, askedAt);
      return summary;
    });
    this.#asking.set(key, asking);
    const forget = () => this.#asking.delete(key);
    asking.then(forget, forget);
    return asking;
  }

  close(): Promise<void> {
    this.#answers.clear();
    return this.#checker.close();
  }

  /**
   * The question as one string (each part after its length, so no two questions read
   * alike), or `undefined` for one not answered from here. Not hashed: the map hashes it,
   * and a SHA-256 cost more than the rest of a hit together.
   */
  #key(tenant: string, tube: string, inputs: Record<string, unknown>): string | undefined {
    if (tube.length > this.#maxTubeChars || !isJson(inputs, this.#maxInputValues)) return;
    const tubePath = process.env.NOOB_TUBE_PATH ?? '';
    const json = JSON.stringify(inputs);
    return `${tenant.length}:${tenant}${tubePath.length}:${tubePath}${json.length}:${json}${tube}`;
  }

  /** The kept answer under `key` if it still holds (made the most recently used). */
  #answer(key: string): TubeCheckSummary | undefined {
    const answer = this.#answers.get(key);
    if (!answer) return undefined;
    const file = answer.summary.registered?.path;
    const holds =
      Date.now() - answer.answeredAt <= this.#maxAgeMs &&
      (file === undefined || signatureOf(file)?.signature === answer.signature);
    if (!holds) {
      this.#answers.delete(key, answer);
      return undefined;
    }
    this.#answers.touch(key, answer);
    return answer.summary;
  }

  #keep(key: string, summary: TubeCheckSummary, askedAt: number): void {
    const answer: Answer = {
      summary,
      chars: key.length + summary.text.length,
      answeredAt: Date.now(),
    };
    const file = summary.registered?.path;
    if (file !== undefined) {
      const stat = signatureOf(file);
      // Changed lately, or since the question: the answer may be of another text.
      if (!stat || stat.changedAt > askedAt - SETTLED_MS) return;
      answer.signature = stat.signature;
    }
    this.#answers.set(key, answer);
  }
}

/** What `stat` says of a file (size, inode, change and modification times), or undefined. */
function signatureOf(file: string): { signature: string; changedAt: number } | undefined {
  try {
    const stats = statSync(file);
    return {
      signature: `${stats.size}:${stats.ino}:${stats.ctimeMs}:${stats.mtimeMs}`,
      changedAt: stats.ctimeMs,
    };
  } catch {
    return undefined;
  }
}
