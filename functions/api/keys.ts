import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { QueueDriver } from '../../core/queue/backend.ts';
import { InvalidSubmissionError } from '../../core/queue/errors.ts';
import { sql } from '../../core/queue/sql.ts';
import { type VerifiedKeys, verifiedKeys } from './verified-keys.ts';

/**
 * API keys per tenant, on the queue's own database (table `api_keys`). A key reads
 * `noob_<id>_<secret>`: the id (8 random bytes, hex) finds the row, the secret (32 random
 * bytes, base64url) is never stored: only the SHA-256 of the whole key is, and it is
 * compared in constant time. A key is shown once, when it is created.
 */

/** A tenant name: letters, digits, `.`, `_`, `-`, `:`, `@`, 1 to 128 characters. */
const TENANT = /^[A-Za-z0-9._:@-]{1,128}$/;
const KEY = /^noob_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/** A key just created: `key` is the only time the secret is visible. */
export interface CreatedKey {
  /** The whole key, for `Authorization: Bearer …`. */
  key: string;
  /** Its public id (what {@link KeyStore.revoke} takes). */
  id: string;
  tenant: string;
  /** When it stops being accepted (ms since the epoch); absent: never. */
  expiresAt?: number;
}

/**
 * Creates, checks and revokes API keys. Holds no state besides the driver and the keys
 * verified lately on it ({@link VerifiedKeys}, shared by every KeyStore on the driver).
 */
export class KeyStore {
  readonly #driver: QueueDriver;
  readonly #now: () => number;
  readonly #verified: VerifiedKeys;

  /** `driver` is the queue's (`queue.driver`): keys live beside the jobs they guard. */
  constructor(driver: QueueDriver, options: { now?: () => number } = {}) {
    this.#driver = driver;
    this.#now = options.now ?? Date.now;
    this.#verified = verifiedKeys(driver);
  }

  /**
   * A new key for `tenant`; with `expiresInMs` it is refused from that long after now on
   * (default: it never expires).
   */
  async create(tenant: string, options: { expiresInMs?: number } = {}): Promise<CreatedKey> {
    if (typeof tenant !== 'string' || !TENANT.test(tenant)) {
      throw new InvalidSubmissionError(`invalid tenant name ${JSON.stringify(tenant)}`, {
        details: 'Use 1 to 128 letters, digits or . _ : @ -',
      });
    }
    const { expiresInMs } = options;
    if (expiresInMs !== undefined && !(Number.isSafeInteger(expiresInMs) && expiresInMs > 0)) {
      throw new InvalidSubmissionError(`invalid key lifetime ${JSON.stringify(expiresInMs)}`, {
        details:
          'Give the lifetime in whole milliseconds above 0, or none for a key that never expires.',
      });
    }
    const id = randomBytes(8).toString('hex');
    const now = this.#now();
    const key = `noob_${id}_${randomBytes(32).toString('base64url')}`;
    await this.#driver.execute(
      sql('api_key_insert', {
        key_id: id,
        tenant,
        hash: hashKey(key),
        expires_at: expiresInMs === undefined ? null : now + expiresInMs,
        now,
      }),
    );
    return {
      key,
      id,
      tenant,
      ...(expiresInMs === undefined ? {} : { expiresAt: now + expiresInMs }),
    };
  }

  /**
   * The tenant a key acts for, or undefined when it is malformed, unknown, revoked or
   * expired. A key verified lately is answered without reading its row again, for as
   * long as {@link VerifiedKeys} says that still holds (a revocation is seen at once).
   */
  async verify(key: string): Promise<string | undefined> {
    const match = KEY.exec(key);
    if (!match) return undefined;
    const digest = hashKey(key);
    const kept = this.#verified.get(digest, this.#now());
    if (kept !== undefined) return kept;
    const version = this.#verified.version();
    const readAt = performance.now();
    // Relaxed: the key is only checked, never shown, so the read need not wait for a flush
    // (every request reads it, and would otherwise queue behind the submissions' flushes).
    const [found] = await this.#driver.batch(
      [sql('api_key_get', { key_id: match[1]! })],
      'read-relaxed',
    );
    const row = found!.rows[0];
    if (!row) return undefined;
    const expiresAt = row.expires_at === null ? null : Number(row.expires_at);
    if (expiresAt !== null && expiresAt <= this.#now()) return undefined;
    const expected = Buffer.from(String(row.hash), 'hex');
    const actual = Buffer.from(digest, 'hex');
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return undefined;
    const tenant = String(row.tenant);
    this.#verified.keep(digest, { tenant, expiresAt }, version, readAt);
    return tenant;
  }

  /** Stop accepting a key, given the key or its id; returns whether one was revoked. */
  async revoke(keyOrId: string): Promise<boolean> {
    const id = KEY.exec(keyOrId)?.[1] ?? keyOrId;
    // Before and after: no verification of it made meanwhile outlives the revocation.
    this.#verified.forgetAll();
    const { changes } = await this.#driver.execute(
      sql('api_key_revoke', { key_id: id, now: this.#now() }),
    );
    this.#verified.forgetAll();
    return changes > 0;
  }
}

function hashKey(key: string): string {
  // One-shot: about half the cost of createHash's object, on every request.
  return hash('sha256', key, 'hex');
}
