import type { QueueDriver } from '../../core/queue/backend.ts';
import { sql } from '../../core/queue/sql.ts';
import { DatabaseCorruptError } from './errors.ts';

/**
 * Checks an embedded database's structure (SQLite's `quick_check`) before anything is
 * served from it: a damaged file must stop the start, not be found out by a tenant's job.
 * Throws {@link DatabaseCorruptError} naming the file and what SQLite found.
 */
export async function checkIntegrity(driver: QueueDriver, path: string): Promise<void> {
  let problems: string[];
  try {
    const { rows } = await driver.execute(sql('quick_check', {}));
    problems = rows.map((row) => String(Object.values(row)[0])).filter((line) => line !== 'ok');
  } catch (error) {
    problems = [(error as Error)?.message ?? String(error)];
  }
  if (problems.length === 0) return;
  throw new DatabaseCorruptError(
    `the database ${path} is damaged; noob serve will not start on it`,
    {
      details: `SQLite's check found: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? ` (and ${problems.length - 5} more)` : ''}. Restore it from a backup, or move it aside to start on a new one.`,
    },
  );
}
