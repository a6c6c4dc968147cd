import { readFileSync } from 'node:fs';

// Linux reports a process's CPU time in clock ticks of 1/100 s (USER_HZ on every
// architecture Node supports).
const MICROSECONDS_PER_TICK = 10_000;

/**
 * CPU time (user + system, µs) another process has used since it started, from
 * `/proc/<pid>/stat` (10 ms resolution: enough over a run of seconds), or `undefined`
 * where there is no such file (not Linux, or the process is gone).
 */
export function processCpuMicroseconds(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces: count from after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
  return (Number(fields[11]) + Number(fields[12])) * MICROSECONDS_PER_TICK;
}
