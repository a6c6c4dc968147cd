import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadMigrations } from './migrate.ts';
import { loadSqlDir, paramsOf, sql, sqlRows } from './sql.ts';

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
    expect(statement.sql).toMatch(/^SELECT state, total FROM jobs/);
  });

  it('behavior: parameters are found in code, not in string literals', () => {
    expect(paramsOf("SELECT ':not_me', :a, :b, :a, x ->> '$.c' FROM t")).toEqual(['a', 'b']);
  });

  it('behavior: migrations are numbered and in order', () => {
    const versions = loadMigrations().map((m) => m.version);
    expect(versions[0]).toBe(1);
    expect(versions).toEqual(versions.map((_, i) => i + 1));
  });

  it('behavior: every shipped statement reads and passes the checks (each is read on first use)', () => {
    const files = loadSqlDir(new URL('./sql/', import.meta.url));
    expect(files.size).toBeGreaterThan(50);
    const values = { tenant: 't', job_id: 'j' };
    expect(sql('job_exists', values).sql).toBe(files.get('job_exists')!.sql);
  });

  it('error: an unknown statement is named', () => {
    expect(() => sql('no_such_statement', {})).toThrow(/no SQL statement no_such_statement/);
    expect(() => sql('../migrations/0001_jobs', {})).toThrow(/no SQL statement/);
  });

  it('error: a file with two statements is refused', () => {
    const dir = folder({ 'two.sql': 'SELECT 1;\nSELECT 2;\n' });
    expect(() => loadSqlDir(dir)).toThrow(/one statement per file/);
  });

  it('error: a parameter missing from the header is refused', () => {
    const dir = folder({ 'p.sql': '-- :a  first\nSELECT :a, :b\n' });
    expect(() => loadSqlDir(dir)).toThrow(/undeclared: b/);
  });

  it('behavior: a row template becomes statements of up to 256 rows, numbered in order', () => {
    const row = (i: number) => [`c${i}`, '{}', null, null, null, null, null, null];
    const rows = Array.from({ length: 1000 }, (_, i) => row(i));
    const values = { job_id: 'j', max_attempts: 3, max_tasks: 10, aging_ms: 60_000, now: 5 };
    const statements = sqlRows('tasks_insert', values, rows);
    const sizes = statements.map((s) => (s.params as unknown[]).length / 8);
    // The named parameters come first, in first-use order (5 of them, under a row), then
    // the rows: 256 × 3, then powers of two.
    expect(sizes.map(Math.floor)).toEqual([256, 256, 256, 128, 64, 32, 8]);
    const last = statements.at(-1)!;
    expect((last.params as unknown[]).slice(0, 6)).toEqual(['j', 60_000, 5, 3, 10, 'c992']);
    expect(last.sql).toMatch(/VALUES \(\?6, \?7, \?8, \?9, \?10, \?11, \?12, \?13\), \(\?14,/);
    expect(last.sql).not.toMatch(/:[a-z]/);
  });

  it('error: a row of the wrong width, or a row template used as one statement, is refused', () => {
    const values = { job_id: 'j', max_attempts: 3, max_tasks: 10, aging_ms: 60_000, now: 5 };
    expect(() => sqlRows('tasks_insert', values, [['c0', '{}']])).toThrow(
      /rows of 8 values, got 2/,
    );
    expect(() => sql('tasks_insert', values)).toThrow(/row template: use sqlRows/);
    expect(() => sqlRows('job_exists', values, [])).toThrow(/no row template/);
  });

  it('error: binding without a parameter the statement needs', () => {
    expect(() => sql('job_exists', { tenant: 't' })).toThrow(/missing parameter :job_id/);
  });
});
