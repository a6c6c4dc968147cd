import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openQueue } from '../../core/queue/open.ts';
import { noob } from '../../test/fixtures/noob-cli.ts';
import { createApiApp } from './app.ts';

const root = mkdtempSync(join(tmpdir(), 'noob-keys-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

describe('noob keys create', () => {
  it('default: prints one key alone on stdout, and it authenticates as the tenant', async () => {
    const db = join(root, `k${n++}`, 'noob.db');
    const { code, stdout, stderr } = noob('keys', 'create', '--tenant', 'acme', '--db', db);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/^noob_[0-9a-f]{16}_[A-Za-z0-9_-]{43}\n$/);
    expect(stderr).toMatch(/tenant acme/);
    const key = stdout.trim();
    const queue = await openQueue(db);
    try {
      const app = createApiApp({ queue });
      const authed = await app.request('/v1/workers', {
        headers: { authorization: `Bearer ${key}` },
      });
      expect(authed.status).toBe(200);
      const submitted = await app.request('/v1/jobs', {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          tube: 'noob_id: t\nnodes:\n  a:\n    type: noob.testing.count_source\n',
        }),
      });
      expect(submitted.status).toBe(202);
      const { id } = (await submitted.json()) as { id: string };
      expect((await queue.getJob('acme', id)).tenant).toBe('acme');
    } finally {
      await queue.close();
    }
  });

  it('behavior: each call makes a new key', () => {
    const db = join(root, `k${n++}`, 'noob.db');
    const first = noob('keys', 'create', '--tenant', 'acme', '--db', db).stdout;
    const second = noob('keys', 'create', '--tenant', 'acme', '--db', db).stdout;
    expect(first).not.toBe(second);
  });

  it('error: a missing tenant, a bad tenant name or an unknown action exits 2', () => {
    const db = join(root, `k${n++}`, 'noob.db');
    for (const args of [
      ['keys', 'create', '--db', db],
      ['keys', 'create', '--tenant', 'a b', '--db', db],
      ['keys', 'create', '--tenant', 'acme', '--bogus', '--db', db],
      ['keys', 'delete', '--tenant', 'acme'],
      ['keys'],
    ]) {
      const { code, stdout, stderr } = noob(...args);
      expect(code, args.join(' ')).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/noob: .*(tenant|action|bogus|keys)/);
    }
  });
});
