import { readdirSync, readFileSync } from 'node:fs';
import type { SqlParams, SqlStatement, SqlValue } from './backend.ts';

/**
 * The queue's SQL lives in `sql/*.sql`, one statement per file, with a header comment
 * naming each parameter (`-- :job_id  the job`). They are read once at module load and
 * checked then: a file with two statements, or whose header and body disagree on the
 * parameters, fails loudly instead of binding null at run time.
 */

/** One loaded statement: its text and the parameters it uses. */
export interface SqlFile {
  name: string;
  sql: string;
  params: string[];
}

/** The body without `--` comments (parameters are only looked for in code). */
export function stripComments(text: string): string {
  return text.replace(/--[^\n]*/g, '');
}

/** Parameter names used in a statement body, in first-use order. */
export function paramsOf(body: string): string[] {
  // String literals ('$.id', '[]') may contain colons that are not parameters.
  const code = body.replace(/'[^']*'/g, "''");
  return [...new Set([...code.matchAll(/(?<![:\w]):([a-z_][a-z0-9_]*)/gi)].map((m) => m[1]!))];
}

/** Read and check every `.sql` file of a folder, by file name without extension. */
export function loadSqlDir(dir: URL): Map<string, SqlFile> {
  const files = new Map<string, SqlFile>();
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()) {
    const name = file.slice(0, -4);
    const text = readFileSync(new URL(file, dir), 'utf8');
    const body = stripComments(text).trim().replace(/;$/, '');
    if (body.includes(';')) throw new Error(`${file}: one statement per file`);
    const params = paramsOf(body);
    const declared = [...text.matchAll(/^--\s*:([a-z_][a-z0-9_]*)/gim)].map((m) => m[1]!);
    const missing = params.filter((p) => !declared.includes(p));
    const extra = declared.filter((p) => !params.includes(p));
    if (missing.length || extra.length) {
      throw new Error(
        `${file}: header and statement disagree on parameters (undeclared: ${missing.join(', ') || '-'}; unused: ${extra.join(', ') || '-'})`,
      );
    }
    files.set(name, { name, sql: body, params });
  }
  return files;
}

const STATEMENTS = loadSqlDir(new URL('./sql/', import.meta.url));

/**
 * The statement `name` (a file of `sql/`) bound to exactly the parameters it uses.
 * `values` may carry more (shared context such as `now`); a missing one is an error.
 */
export function sql(name: string, values: Record<string, SqlValue | undefined>): SqlStatement {
  const file = STATEMENTS.get(name);
  if (!file) throw new Error(`no SQL statement ${name} in core/queue/sql`);
  const params: SqlParams = {};
  for (const param of file.params) {
    const value = values[param];
    if (value === undefined) {
      // A bug in the queue, not in the caller's input.
      throw new Error(`statement ${name} is missing parameter :${param}`);
    }
    params[param] = value;
  }
  return { sql: file.sql, params };
}
