import { readdirSync, readFileSync } from 'node:fs';
import type { QueueDriver } from './backend.ts';
import { sql, stripComments } from './sql.ts';

/**
 * Numbered migrations (`migrations/0001_jobs.sql`, …), one statement each, applied in
 * order inside one write transaction and recorded in `schema_migrations`. Opening a queue
 * runs this; it is idempotent, and concurrent openers serialize on the write lock, so
 * the second sees what the first applied.
 */

/** One migration file. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The migrations shipped with the queue, in version order. */
export function loadMigrations(dir = new URL('./migrations/', import.meta.url)): Migration[] {
  return readdirSync(dir)
    .filter((file) => /^\d{4}_.+\.sql$/.test(file))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 4)),
      name: file,
      sql: stripComments(readFileSync(new URL(file, dir), 'utf8')).trim(),
    }));
}

const MIGRATIONS = loadMigrations();

/** Apply the migrations not yet applied; returns the versions applied now. */
export async function migrate(driver: QueueDriver, now = Date.now()): Promise<number[]> {
  // Every open but the first finds them applied: one read, where the write transaction
  // below costs a remote server several round trips (a worker Lambda's cold start).
  if (await upToDate(driver)) return [];
  await driver.execute(sql('schema_migrations_create', {}));
  return driver.transaction(async (tx) => {
    const { rows } = await tx.execute(sql('schema_migrations_list', {}));
    const applied = new Set(rows.map((row) => Number(row.version)));
    const fresh = MIGRATIONS.filter((m) => !applied.has(m.version));
    for (const migration of fresh) {
      await tx.execute({ sql: migration.sql, params: {} });
      await tx.execute(
        sql('schema_migrations_record', {
          version: migration.version,
          name: migration.name,
          now,
        }),
      );
    }
    return fresh.map((m) => m.version);
  });
}

/** Whether every migration is applied already (false if that cannot be read, a new database). */
async function upToDate(driver: QueueDriver): Promise<boolean> {
  try {
    const { rows } = await driver.execute(sql('schema_migrations_list', {}));
    const applied = new Set(rows.map((row) => Number(row.version)));
    return MIGRATIONS.every((m) => applied.has(m.version));
  } catch {
    return false;
  }
}
