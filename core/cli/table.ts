import { formatSeconds } from './progress-bar.ts';

/**
 * A plain-text table for the client commands: a header row and left-aligned columns, two
 * spaces apart, the last column unpadded (no trailing blanks). Cells are one line: a
 * newline in a cell would break the rows, so it is shown as `⏎`.
 *
 * @example
 * ```ts
 * formatTable(['ID', 'STATE'], [['j1', 'running']]); // "ID  STATE\nj1  running\n"
 * ```
 */
export function formatTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const cells = [header, ...rows].map((row) => row.map((cell) => cell.replace(/\r?\n/g, '⏎')));
  const widths = header.map((_, column) =>
    Math.max(...cells.map((row) => (row[column] ?? '').length)),
  );
  return cells
    .map((row) =>
      row
        .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!)))
        .join('  '),
    )
    .join('\n')
    .concat('\n');
}

/** An ISO time as `2026-12-06 07:10:02` (UTC, as the server gives it), `-` for none. */
export function shortTime(iso: string | null | undefined): string {
  if (!iso) return '-';
  return iso.replace('T', ' ').replace(/(\.\d+)?Z$/, '');
}

/** How long from one ISO time to another (or to now), as `1.2s`, `3m04s`, `1h02m`, `-` without a start. */
export function durationBetween(
  from: string | null | undefined,
  to: string | null | undefined,
  now: number = Date.now(),
): string {
  if (!from) return '-';
  const ms = (to ? Date.parse(to) : now) - Date.parse(from);
  if (!Number.isFinite(ms)) return '-';
  // Another machine's clock may run a little ahead: never a negative duration.
  return formatSeconds(Math.max(0, ms) / 1000);
}
