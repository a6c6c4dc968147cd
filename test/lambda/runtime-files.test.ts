import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DASHBOARD_FILES } from '../../functions/api/dashboard/files.ts';
import { runtimeFiles } from '../../infra/files.ts';

const ROOT = join(import.meta.dirname, '..', '..');

describe('runtime files of the bundles', () => {
  it('behavior: every file listed exists, and the dashboard’s page, style and every script are listed', () => {
    for (const { from } of runtimeFiles) expect(existsSync(join(ROOT, from)), from).toBe(true);
    const copied = runtimeFiles.map(({ to }) => to);
    expect(copied).toEqual(expect.arrayContaining([...DASHBOARD_FILES]));
  });
});
