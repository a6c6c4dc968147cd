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

/** The shipped migrations (beside the bundle, once bundled). */
const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);

/** The migration files of `dir`, in version order. */
function migrationFiles(dir: URL): string[] {
  return readdirSync(dir)
    .filter((file) => /^\d{4}_.+\.sql$/.test(file))
    .sort();
}

/** The migrations shipped with the queue, in version order. */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return migrationFiles(dir).map((file) => ({
    version: Number(file.slice(0, 4)),
    name: file,
    sql: stripComments(readFileSync(new URL(file, dir), 'utf8')).trim(),
  }));
}

/**
 * The shipped versions, from the files' names: an up-to-date database (every open but
 * the first) needs no more, so the files themselves are read only to apply them (a
 * worker Lambda's cold start read all of them for nothing).
 */
let versions: number[] | undefined;
const shippedVersions = () =>
  (versions ??= migrationFiles(MIGRATIONS_DIR).map((file) => Number(file.slice(0, 4))));

/** Apply the migrations not yet applied; returns the versions applied now. */
export async function migrate(driver: QueueDriver, now = Date.now()): Promise<number[]> {
  // Every open but the first finds them applied: one read, where the write transaction
  // below costs a remote server several round trips (a worker Lambda's cold start).
  if (await upToDate(driver)) return [];
  await driver.execute(sql('schema_migrations_create', {}));
  return driver.transaction(async (tx) => {
    const { rows } = await tx.execute(sql('schema_migrations_list', {}));
    const applied = new Set(rows.map((row) => Number(row.version)));
    const fresh = loadMigrations().filter((m) => !applied.has(m.version));
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
    return shippedVersions().every((version) => applied.has(version));
  } catch {
    return false;
  }
}
