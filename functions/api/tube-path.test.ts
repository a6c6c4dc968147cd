import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type ApiTestEnv, apiTestEnv, authed } from './test-env.ts';

let env: ApiTestEnv | undefined;
const dirs: string[] = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  await env?.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('tubes on NOOB_TUBE_PATH', () => {
  it('behavior: a tube in a NOOB_TUBE_PATH folder is submitted by its noob_id, as it is extended', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'noob-tube-path-'));
    dirs.push(dir);
    writeFileSync(
      join(dir, 'from-env.yaml'),
      'noob_id: from-env\nnodes:\n  a:\n    type: noob.testing.count_source\n  out:\n    type: return\n    depends: a.index\n',
    );
    vi.stubEnv('NOOB_TUBE_PATH', dir);
    env = await apiTestEnv();
    const byName = await env.app.request(
      '/v1/jobs',
      authed(env.acme, 'POST', { tube: 'from-env' }),
    );
    expect(byName.status).toBe(202);
    const extending = await env.app.request(
      '/v1/jobs',
      authed(env.acme, 'POST', { tube: 'noob_id: mine\nextends: [from-env]\n' }),
    );
    expect(extending.status).toBe(202);
  });
});
