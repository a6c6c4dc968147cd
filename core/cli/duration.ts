import { UsageError } from './usage.ts';

const UNITS: Record<string, number> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/**
 * A duration as people write it on a command line: a number and a unit (`s`, `m`, `h`,
 * `d`, `w`), several in a row adding up (`1h30m`). Whole milliseconds above 0, or a
 * usage error naming `option` and what was given.
 *
 * @example
 * ```ts
 * parseDuration('30d', '--expires'); // 2_592_000_000
 * parseDuration('1h30m', '--expires'); // 5_400_000
 * ```
 */
export function parseDuration(text: string, option: string): number {
  const parts = [...text.trim().matchAll(/(\d+(?:\.\d+)?)([smhdw])/g)];
  const whole = parts.map((part) => part[0]).join('');
  const ms = Math.round(parts.reduce((sum, [, n, unit]) => sum + Number(n) * UNITS[unit!]!, 0));
  if (parts.length === 0 || whole !== text.trim() || !Number.isSafeInteger(ms) || ms <= 0) {
    throw new UsageError(
      `${option} takes a duration such as 90s, 15m, 12h, 30d, 2w or 1h30m, got "${text}"`,
    );
  }
  return ms;
}
