import {
  closeSync,
  fsyncSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type LazyFs, lazyFsMissing, mountLazyFs } from './lazyfs.ts';

/**
 * The layer the power-loss scenario stands on (test/platform/chaos.ts) must really lose
 * what was not fsync'd, or that scenario could not fail when the queue skipped a flush.
 */

let missing: string | undefined;
// May make the venv first: two pip steps of at most 180 s each (lazyfs.ts).
beforeAll(() => {
  missing = lazyFsMissing();
}, 400_000);

const folders: string[] = [];
const layers: LazyFs[] = [];
afterEach(async () => {
  // A test that failed midway leaves no mount behind.
  for (const layer of layers.splice(0)) await layer.crash();
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

async function mounted(backing = mkdtempSync(join(tmpdir(), 'noob-lazyfs-disk-'))) {
  const mount = mkdtempSync(join(tmpdir(), 'noob-lazyfs-mount-'));
  folders.push(backing, mount);
  const layer = await mountLazyFs(backing, mount);
  layers.push(layer);
  return layer;
}

/** Writes `text` at `offset` of `path` (at its end without one), fsync'd or not. */
function write(path: string, text: string, options: { offset?: number; fsync: boolean }) {
  const fd = openSync(path, options.offset === undefined ? 'a' : 'r+');
  try {
    writeSync(fd, text, options.offset);
    if (options.fsync) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

describe('lazyfs: a disk that loses unsynced writes', () => {
  it('behavior: a write without fsync is read back, then lost on crash; one with fsync survives', async (context) => {
    if (missing) return context.skip(missing);
    const fs = await mounted();
    write(join(fs.mount, 'synced'), 'kept', { fsync: true });
    write(join(fs.mount, 'unsynced'), 'lost', { fsync: false });
    // Before the crash, every reader sees both (the page cache would).
    expect(readFileSync(join(fs.mount, 'synced'), 'utf8')).toBe('kept');
    expect(readFileSync(join(fs.mount, 'unsynced'), 'utf8')).toBe('lost');
    const dropped = await fs.crash();
    expect(dropped.files).toBe(1);
    expect(readFileSync(join(fs.backing, 'synced'), 'utf8')).toBe('kept');
    // The name was created (metadata is durable at once); its contents were not.
    expect(readFileSync(join(fs.backing, 'unsynced'), 'utf8')).toBe('');
  });

  it('behavior: what a file held at its last fsync comes back after a crash (later writes and truncation dropped)', async (context) => {
    if (missing) return context.skip(missing);
    const fs = await mounted();
    const path = join(fs.mount, 'log');
    write(path, 'a'.repeat(5000), { fsync: true });
    write(path, 'b'.repeat(100), { offset: 4090, fsync: false });
    write(path, 'c'.repeat(3000), { fsync: false });
    expect(statSync(path).size).toBe(8000);
    expect(readFileSync(path, 'utf8').slice(4088, 4092)).toBe('aabb');
    truncateSync(path, 1000);
    expect(readFileSync(path, 'utf8')).toBe('a'.repeat(1000));
    // Grown again, what the disk still holds past the cut reads as zeros.
    truncateSync(path, 6000);
    expect(readFileSync(path, 'utf8')).toBe('a'.repeat(1000) + '\0'.repeat(5000));
    await fs.crash();
    expect(readFileSync(join(fs.backing, 'log'), 'utf8')).toBe('a'.repeat(5000));
    // Mounted again on the same disk, it reads the same.
    const again = await mounted(fs.backing);
    expect(readFileSync(join(again.mount, 'log'), 'utf8')).toBe('a'.repeat(5000));
  });
});
