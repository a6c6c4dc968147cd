import type { QueueDriver } from '../queue/backend.ts';
import { sql } from '../queue/sql.ts';

/** An API key as `noob keys list` shows it: never its secret (only its hash is stored). */
export interface KeyInfo {
  /** The public id, what `noob keys revoke` takes. */
  id: string;
  tenant: string;
  /** ms since the epoch. */
  createdAt: number;
  /** When it stops being accepted (ms since the epoch), or null: never. */
  expiresAt: number | null;
  /** When it was revoked (ms since the epoch), or null. */
  revokedAt: number | null;
}

/** The keys on a queue's database, newest first; only `tenant`'s when given. */
export async function listKeys(driver: QueueDriver, tenant?: string): Promise<KeyInfo[]> {
  const { rows } = await driver.execute(sql('api_key_list', { tenant: tenant ?? null }));
  const time = (value: unknown) => (value === null || value === undefined ? null : Number(value));
  return rows.map((row) => ({
    id: String(row.id),
    tenant: String(row.tenant),
    createdAt: Number(row.created_at),
    expiresAt: time(row.expires_at),
    revokedAt: time(row.revoked_at),
  }));
}

/** A key's state at `now`: `active`, `expired` or `revoked`. */
export function keyState(key: KeyInfo, now: number = Date.now()): 'active' | 'expired' | 'revoked' {
  if (key.revokedAt !== null) return 'revoked';
  return key.expiresAt !== null && key.expiresAt <= now ? 'expired' : 'active';
}
