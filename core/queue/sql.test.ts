import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadMigrations } from './migrate.ts';
import { loadSqlDir, paramsOf, sql } from './sql.ts';

const root = mkdtempSync(join(tmpdir(), 'noob-sql-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

/** A fresh folder holding these files, as a URL the loader takes. */
function folder(files: Record<string, string>): URL {
  const dir = join(root, `d${n++}`);
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return pathToFileURL(`${dir}/`);
}

describe('SQL files', () => {
  it('default: a statement is bound to exactly the parameters it names', () => {
    const statement = sql('job_exists', { tenant: 't', job_id: 'j', now: 1, extra: 'x' });
    expect(statement.params).toEqual({ tenant: 't', job_id: 'j' });
    expect(statement.sql).toMatch(/^SELECT state FROM jobs/);
  });

  it('behavior: parameters are found in code, not in string literals', () => {
    expect(paramsOf("SELECT ':not_me', :a, :b, :a, x ->> '$.c' FROM t")).toEqual(['a', 'b']);
  });

  it('behavior: migrations are numbered and in order', () => {
    const versions = loadMigrations().map((m) => m.version);
    expect(versions[0]).toBe(1);
    expect(versions).toEqual(versions.map((_, i) => i + 1));
  });

  it('error: a file with two statements is refused', () => {
    const dir = folder({ 'two.sql': 'SELECT 1;\nSELECT 2;\n' });
    expect(() => loadSqlDir(dir)).toThrow(/one statement per file/);
  });

  it('error: a parameter missing from the header is refused', () => {
    const dir = folder({ 'p.sql': '-- :a  first\nSELECT :a, :b\n' });
    expect(() => loadSqlDir(dir)).toThrow(/undeclared: b/);
  });

  it('error: binding without a parameter the statement needs', () => {
    expect(() => sql('job_exists', { tenant: 't' })).toThrow(/missing parameter :job_id/);
  });
});
