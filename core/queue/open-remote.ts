import type { QueueDriver } from './backend.ts';
import type { QueueOptions } from './context.ts';
import { openRemoteDriver, type RemoteDriverOptions } from './drivers/remote.ts';
import { migrate } from './migrate.ts';
import { Queue } from './queue.ts';

/**
 * Opening a queue on a remote libSQL server alone, apart from core/queue/open.ts: what
 * imports only this (the worker Lambda) loads neither the embedded driver nor the native
 * SQLite package it needs, a cost every cold start would pay for nothing.
 */

/** Applies the migrations, closing the driver if that fails. */
export async function migrated(driver: QueueDriver): Promise<QueueDriver> {
  try {
    await migrate(driver);
  } catch (error) {
    await driver.close();
    throw error;
  }
  return driver;
}

/**
 * Open a queue on the libSQL server at `url` (`libsql://` Turso, `http(s)://` sqld,
 * `ws(s)://`), its migrations applied.
 *
 * @example
 * const queue = await openRemoteQueue('libsql://my-db.turso.io', { authToken });
 */
export async function openRemoteQueue(
  url: string,
  options: RemoteDriverOptions & QueueOptions = {},
): Promise<Queue> {
  const { authToken, ...queueOptions } = options;
  const driver = await openRemoteDriver(url, authToken ? { authToken } : {});
  return new Queue(await migrated(driver), queueOptions);
}
