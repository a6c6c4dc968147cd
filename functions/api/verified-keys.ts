import type { QueueDriver } from '../../core/queue/backend.ts';

/** How long a verified key is trusted without reading its row again (ms). */
export const VERIFIED_KEY_MAX_AGE_MS = 1_000;

/** Most keys kept; past it, the longest kept goes first. */
const MAX_KEYS = 10_000;

interface Verified {
  tenant: string;
  /** When the key expires (ms since the epoch), or null: never. */
  expiresAt: number | null;
  /** `performance.now()` when its row was read. */
  readAt: number;
}

/**
 * Keys verified lately, by the SHA-256 of the whole key, so that a request's key check is
 * a hash and a lookup instead of a read of its row (which every request made). A kept
 * verification is given again only while all of this holds:
 * - no other connection has committed to the database since the row was read (SQLite's
 *   `data_version`, see `QueueDriver.commitCounts`): a key revoked by another process
 *   (`noob keys revoke`) is refused from its very next request;
 * - no key was revoked through a `KeyStore` on the same driver in this process since (see
 *   {@link forgetAll});
 * - the row was read at most {@link VERIFIED_KEY_MAX_AGE_MS} ago (a bound on anything
 *   else, such as a row changed by hand on this connection);
 * - the key has not expired.
 * A driver that cannot tell other connections' commits (a remote server) keeps nothing.
 */
export class VerifiedKeys {
  readonly #driver: QueueDriver;
  // Map order is insertion order: the first key was kept longest.
  readonly #kept = new Map<string, Verified>();
  /** {@link version} when the kept rows were read. */
  #version: string | undefined;
  /** Revocations through a KeyStore on the driver in this process (see forgetAll). */
  #revocations = 0;

  constructor(driver: QueueDriver) {
    this.#driver = driver;
  }

  /**
   * Call before reading a key's row: what {@link keep} needs to know whether the row it
   * read may be kept (`undefined`: it may not). Other connections' commits and this
   * process's revocations so far.
   */
  version(): string | undefined {
    const counts = this.#driver.commitCounts?.();
    return counts ? `${counts.others}:${this.#revocations}` : undefined;
  }

  /** The tenant of the key whose hash is `digest`, if its verification still holds. */
  get(digest: string, now: number): string | undefined {
    if (this.#kept.size === 0) return undefined;
    if (this.version() !== this.#version) {
      this.#kept.clear();
      return undefined;
    }
    const verified = this.#kept.get(digest);
    if (!verified) return undefined;
    const fresh = performance.now() - verified.readAt <= VERIFIED_KEY_MAX_AGE_MS;
    if (!fresh || (verified.expiresAt !== null && verified.expiresAt <= now)) {
      this.#kept.delete(digest);
      return undefined;
    }
    return verified.tenant;
  }

  /** Keep a key found valid by a read that began at `version` (from {@link version}). */
  keep(
    digest: string,
    verified: Omit<Verified, 'readAt'>,
    version: string | undefined,
    readAt: number,
  ): void {
    // Another commit or a revocation since the read began: the row may be stale already.
    if (version === undefined || this.version() !== version) return;
    // The kept rows were read at another version: they go (they may be stale).
    if (version !== this.#version) {
      this.#kept.clear();
      this.#version = version;
    }
    this.#kept.delete(digest);
    this.#kept.set(digest, { ...verified, readAt });
    if (this.#kept.size > MAX_KEYS) this.#kept.delete(this.#kept.keys().next().value!);
  }

  /**
   * Forget every kept verification, and keep none read before now (a key is being
   * revoked: a check under way may have read its row before the revocation).
   */
  forgetAll(): void {
    this.#revocations++;
    this.#kept.clear();
  }
}

// One per driver: a key revoked through any KeyStore on it is refused by every other at once.
const byDriver = new WeakMap<QueueDriver, VerifiedKeys>();

/** The {@link VerifiedKeys} of `driver` in this process. */
export function verifiedKeys(driver: QueueDriver): VerifiedKeys {
  let kept = byDriver.get(driver);
  if (!kept) {
    kept = new VerifiedKeys(driver);
    byDriver.set(driver, kept);
  }
  return kept;
}
