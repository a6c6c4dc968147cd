import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { QueueDriver } from './backend.ts';
import { openEmbeddedDriver } from './drivers/embedded.ts';
import { loadMigrations, migrate } from './migrate.ts';

const dir = mkdtempSync(join(tmpdir(), 'noob-migrate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The driver, counting the write transactions opened through it. */
function counted(driver: QueueDriver): { driver: QueueDriver; transactions: () => number } {
  let transactions = 0;
  // A proxy (the driver keeps private fields): its own methods, transaction() counted.
  const wrapped = new Proxy(driver, {
    get(target, key) {
      if (key === 'transaction') {
        return (body: Parameters<QueueDriver['transaction']>[0]) => {
          transactions++;
          return target.transaction(body);
        };
      }
      const value = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { driver: wrapped, transactions: () => transactions };
}

describe('migrate', () => {
  it('behavior: a new database gets every migration; opening it again applies none and takes no write lock (one read)', async () => {
    const path = join(dir, 'queue.db');
    const first = counted(openEmbeddedDriver(path));
    const versions = loadMigrations().map((m) => m.version);
    expect(await migrate(first.driver)).toEqual(versions);
    expect(first.transactions()).toBe(1);
    await first.driver.close();
    const again = counted(openEmbeddedDriver(path));
    expect(await migrate(again.driver)).toEqual([]);
    expect(again.transactions()).toBe(0);
    await again.driver.close();
  });
});
