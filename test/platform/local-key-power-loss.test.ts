import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { openDriver } from '../../core/queue/open.ts';
import { KeyStore } from '../../functions/api/keys.ts';
import { LOCAL_TENANT, localKey } from '../../functions/serve/local-key.ts';
import { type LazyFs, lazyFsMissing, mountLazyFs } from './lazyfs/lazyfs.ts';

/**
 * `noob serve` keeps the `local` tenant's key in a file so a restart prints the same key.
 * After a power loss that file must hold the key, not nothing: an empty file made the next
 * start mint another key and the one the user had stopped working.
 */

let missing: string | undefined;
// May make the FUSE layer's venv first (lazyfs.ts: two pip steps of at most 180 s each).
beforeAll(() => {
  missing = lazyFsMissing();
}, 400_000);

const cleanUps: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanUp of cleanUps.splice(0).reverse()) await cleanUp();
});

it('behavior: the local key file written by noob serve survives a power loss whole', async (context) => {
  if (missing) return context.skip(missing);
  const backing = mkdtempSync(join(tmpdir(), 'noob-key-disk-'));
  const mount = mkdtempSync(join(tmpdir(), 'noob-key-mount-'));
  const database = mkdtempSync(join(tmpdir(), 'noob-key-db-'));
  cleanUps.push(() => {
    for (const folder of [backing, mount, database])
      rmSync(folder, { recursive: true, force: true });
  });
  const layer: LazyFs = await mountLazyFs(backing, mount);
  cleanUps.push(async () => void (await layer.crash()));
  const driver = await openDriver(join(database, 'noob.db'));
  cleanUps.push(() => driver.close());

  const { key, created } = await localKey(new KeyStore(driver), join(mount, '.noob', 'local-key'));
  expect(created).toBe(true);
  await layer.crash();

  expect(readFileSync(join(backing, '.noob', 'local-key'), 'utf8').trim()).toBe(key);
  expect(await new KeyStore(driver).verify(key)).toBe(LOCAL_TENANT);
});
