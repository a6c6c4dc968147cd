import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The SST app (sst.config.ts and infra/*.ts) type-checked offline against the component
 * types `sst install` writes (.sst/platform), in a copy of the app so the checkout gets
 * no .sst folder. `sst deploy` itself needs an AWS account and cannot run here.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const run = promisify(execFile);
/** Files outside infra/ that infra/*.ts import (each with no imports of its own). */
const INFRA_IMPORTS = ['functions/api/dashboard/files.ts'];
const dir = mkdtempSync(join(tmpdir(), 'noob-sst-'));

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('SST app', () => {
  it('behavior: sst.config.ts and infra/*.ts type-check against the installed SST platform', async () => {
    cpSync(join(ROOT, 'sst.config.ts'), join(dir, 'sst.config.ts'));
    for (const file of readdirSync(join(ROOT, 'infra'))) {
      if (file.endsWith('.ts') || file === 'tsconfig.sst.json')
        cpSync(join(ROOT, 'infra', file), join(dir, 'infra', file));
    }
    // What infra/ imports from beyond it (the dashboard's file list, for the API's bundle).
    for (const file of INFRA_IMPORTS) cpSync(join(ROOT, file), join(dir, file));
    cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
    const env = {
      ...process.env,
      SST_NO_BUN: '1',
      SST_SKIP_DEPENDENCY_CHECK: '1',
      SST_TELEMETRY_DISABLED: '1',
    };
    await run(join(ROOT, 'node_modules', '.bin', 'sst'), ['install', '--stage', 'ci'], {
      cwd: dir,
      env,
      timeout: 800_000,
    });
    const tsc = join(ROOT, 'node_modules', '.bin', 'tsc');
    const checked = await run(tsc, ['-p', 'infra/tsconfig.sst.json'], { cwd: dir }).then(
      () => '',
      (error: { stdout?: string }) => error.stdout ?? String(error),
    );
    expect(checked).toBe('');
  }, 900_000);
});
