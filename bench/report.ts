/** The one line every benchmark ends with: a figure and the baseline it was measured against. */
export interface BenchResult {
  /** The benchmark's name, as given to `npm run bench -- NAME`. */
  bench: string;
  /** What `value` and `baseline` measure, with units (e.g. `node calls/s`). */
  metric: string;
  /** noob's figure. */
  value: number;
  /** The named baseline's figure, measured in the same run. */
  baseline: number;
  /** What the baseline is (e.g. `upstream Python noob SynchronousRunner`). */
  baselineName: string;
  /** `value / baseline` for rates, `baseline / value` for costs: above 1 means noob is better. */
  ratio: number;
  /** Any further figures worth keeping (per-call overhead, other sizes, …). */
  details?: Record<string, unknown>;
}

/** Prints the result as the benchmark's last line of output: one JSON object. */
export function printResult(result: BenchResult): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
