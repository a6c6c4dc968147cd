import { readdirSync, readFileSync } from 'node:fs';
import type { SqlParams, SqlStatement, SqlValue } from './backend.ts';

/**
 * The queue's SQL lives in `sql/*.sql`, one statement per file, with a header comment
 * naming each parameter (`-- :job_id  the job`). Each file is read and checked the first
 * time its statement is used, and kept: a file with two statements, or whose header and
 * body disagree on the parameters, fails loudly instead of binding null at run time (the
 * suite loads every file, so a bad one fails a test first). Read on first use, not all
 * at module load: a worker Lambda's cold start uses a few of them and read every one.
 */

/** One loaded statement: its text and the parameters it uses. */
export interface SqlFile {
  name: string;
  sql: string;
  params: string[];
  /**
   * For a statement with a row template (`VALUES (?, ?, …)`, see {@link sqlRows}): how many
   * values a row has, and the text for a given number of rows, made on first use.
   */
  rows?: { width: number; text: (count: number) => string };
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
    files.set(name, loadSqlFile(dir, name));
  }
  return files;
}

/** Read and check the statement of `dir`'s file `name`.sql. */
function loadSqlFile(dir: URL, name: string): SqlFile {
  const file = `${name}.sql`;
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
  const template = ROW_TEMPLATE.exec(codeOnly(body));
  const rows = template ? rowTemplate(body, params, template[1]!) : undefined;
  return { name, sql: body, params, ...(rows ? { rows } : {}) };
}

/** The row template of a statement: `VALUES` and a parenthesized row of `?` only. */
const ROW_TEMPLATE = /\bVALUES\s*(\(\s*\?(?:\s*,\s*\?)*\s*\))/i;

/** The body with its string literals emptied (what is code, where parameters can be). */
function codeOnly(body: string): string {
  return body.replace(/'[^']*'/g, (literal) => `'${' '.repeat(literal.length - 2)}'`);
}

/**
 * The texts of a row-template statement: every `:name` numbered `?1`… in first-use order
 * (positional binding cannot mix with names), then the row repeated `count` times, each
 * `?` numbered after them. Texts are kept by row count (a statement is prepared per text).
 */
function rowTemplate(body: string, params: string[], row: string): SqlFile['rows'] {
  const code = codeOnly(body);
  // Number the named parameters where the code has them (not inside string literals).
  let numbered = '';
  let last = 0;
  for (const match of code.matchAll(/(?<![:\w]):([a-z_][a-z0-9_]*)/gi)) {
    numbered += `${body.slice(last, match.index)}?${params.indexOf(match[1]!) + 1}`;
    last = match.index + match[0].length;
  }
  numbered += body.slice(last);
  const at = codeOnly(numbered).search(ROW_TEMPLATE);
  const values = codeOnly(numbered).slice(at).match(ROW_TEMPLATE)![0];
  const before = numbered.slice(0, at);
  const after = numbered.slice(at + values.length);
  const width = row.split('?').length - 1;
  const texts = new Map<number, string>();
  return {
    width,
    text(count) {
      let text = texts.get(count);
      if (!text) {
        const rows = Array.from({ length: count }, (_, r) => {
          const first = params.length + r * width + 1;
          return `(${Array.from({ length: width }, (_, i) => `?${first + i}`).join(', ')})`;
        });
        text = `${before}VALUES ${rows.join(', ')}${after}`;
        texts.set(count, text);
      }
      return text;
    },
  };
}

/** The queue's statements folder (beside the bundle, once bundled). */
const SQL_DIR = new URL('./sql/', import.meta.url);
/** Statements read so far, by name. */
const STATEMENTS = new Map<string, SqlFile>();

/**
 * The statement `name` (a file of `sql/`) bound to exactly the parameters it uses.
 * `values` may carry more (shared context such as `now`); a missing one is an error.
 */
export function sql(name: string, values: Record<string, SqlValue | undefined>): SqlStatement {
  const file = statementFile(name);
  if (file.rows) throw new Error(`statement ${name} has a row template: use sqlRows`);
  const params: SqlParams = {};
  file.params.forEach((param, i) => {
    params[param] = named(file, values, i);
  });
  return { sql: file.sql, params };
}

/** Most rows in one statement of {@link sqlRows} (SQLite allows 32,766 parameters). */
const ROWS_PER_STATEMENT = 256;

/**
 * The statements of `name`, a file whose row template (`VALUES (?, ?, …)`) is repeated
 * once per row of `rows`, each row giving its `?` values in order; named parameters come
 * from `values`. Bound values are read by SQLite as they are: no JSON to write and parse
 * per row. One statement per {@link ROWS_PER_STATEMENT} rows, the rest in statements of
 * power-of-two sizes (a few texts to prepare, whatever the counts); in row order.
 */
export function sqlRows(
  name: string,
  values: Record<string, SqlValue | undefined>,
  rows: readonly (readonly SqlValue[])[],
): SqlStatement[] {
  const file = statementFile(name);
  const template = file.rows;
  if (!template) throw new Error(`statement ${name} has no row template: use sql`);
  const fixed = file.params.map((_, i) => named(file, values, i));
  const statements: SqlStatement[] = [];
  for (let start = 0; start < rows.length; ) {
    const left = rows.length - start;
    const count =
      left >= ROWS_PER_STATEMENT ? ROWS_PER_STATEMENT : 2 ** Math.floor(Math.log2(left));
    const params = [...fixed];
    for (const row of rows.slice(start, start + count)) {
      if (row.length !== template.width) {
        throw new Error(
          `statement ${name} takes rows of ${template.width} values, got ${row.length}`,
        );
      }
      params.push(...row);
    }
    statements.push({ sql: template.text(count), params });
    start += count;
  }
  return statements;
}

function statementFile(name: string): SqlFile {
  let file = STATEMENTS.get(name);
  if (file) return file;
  // Names come from the queue's code; one that is no file name is a bug, as is a missing file.
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`no SQL statement ${name} in core/queue/sql`);
  try {
    file = loadSqlFile(SQL_DIR, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new Error(`no SQL statement ${name} in core/queue/sql`);
  }
  STATEMENTS.set(name, file);
  return file;
}

/** The value of the file's `index`th parameter; a missing one is a bug in the queue. */
function named(
  file: SqlFile,
  values: Record<string, SqlValue | undefined>,
  index: number,
): SqlValue {
  const param = file.params[index]!;
  const value = values[param];
  if (value === undefined) {
    // A bug in the queue, not in the caller's input.
    throw new Error(`statement ${file.name} is missing parameter :${param}`);
  }
  return value;
}
