/**
 * The one base error of noob. Every error a user can meet is a subclass with a literal
 * `name` to match on, a `shortMessage` that says what was wrong, and `details` that say
 * where (file, node id, field) and what to do.
 */
export interface NoobErrorOptions {
  /** What was wrong and where, in one or more lines. */
  details?: string | undefined;
  /** The underlying error, if any. */
  cause?: unknown;
}

/** Base class of noob's errors (callers match on `error.name`). */
export class NoobError extends Error {
  override name = 'NoobError';
  /** The message without details: one sentence. */
  readonly shortMessage: string;
  /** Where and what, for people; may be empty. */
  readonly details: string | undefined;

  constructor(shortMessage: string, options: NoobErrorOptions = {}) {
    super(options.details ? `${shortMessage}\n${options.details}` : shortMessage, {
      cause: options.cause,
    });
    this.shortMessage = shortMessage;
    this.details = options.details;
  }
}
