/**
 * The progress bar `noob run` and `noob jobs watch` draw on a terminal: how far, how fast,
 * and how long is left. {@link renderProgress} is the pure part (what one frame reads);
 * {@link ProgressBar} decides when to draw it.
 */

/** One frame's facts. */
export interface ProgressFrame {
  completed: number;
  total: number;
  /** Since the run started (ms). */
  elapsedMs: number;
  /** What is counted, plural: `epochs`, `tasks`. */
  unit: string;
  /** Characters the frame may take (the terminal's width); the bar shrinks to fit. */
  columns?: number;
}

/**
 * One line: `[#######-------] 40/100 epochs  12.5/s  ETA 5s`. The rate is the mean since the
 * start; the ETA is what is left at that rate (`ETA ?` before anything finished, none once
 * done). The bar part is dropped on a terminal too narrow for it.
 *
 * @example
 * ```ts
 * renderProgress({ completed: 40, total: 100, elapsedMs: 3_200, unit: 'epochs' });
 * // "[############------------------] 40/100 epochs  12.5/s  ETA 4.8s"
 * ```
 */
export function renderProgress(frame: ProgressFrame): string {
  const { completed, elapsedMs, unit } = frame;
  const total = Math.max(frame.total, completed);
  const seconds = elapsedMs / 1000;
  const rate = seconds > 0 ? completed / seconds : 0;
  const facts = [`${completed}/${total} ${unit}`, completed > 0 ? `${formatRate(rate)}/s` : '–/s'];
  if (completed < total)
    facts.push(`ETA ${rate > 0 ? formatSeconds((total - completed) / rate) : '?'}`);
  else facts.push(`in ${formatSeconds(seconds)}`);
  const text = facts.join('  ');
  const room = (frame.columns ?? 80) - text.length - 4;
  if (room < 10) return text;
  const width = Math.min(30, room);
  const filled = total === 0 ? width : Math.round((completed / total) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${text}`;
}

/** `12.5`, `3`, `0.25`: three significant figures at most, no trailing zeros. */
function formatRate(rate: number): string {
  return rate >= 100 ? String(Math.round(rate)) : String(Number(rate.toPrecision(3)));
}

/** `4.8s`, `2m05s`, `1h02m`. */
export function formatSeconds(seconds: number): string {
  if (seconds < 10) return `${Number(seconds.toFixed(1))}s`;
  if (seconds < 60) return `${Math.round(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** What a {@link ProgressBar} draws on: a terminal stream. */
export interface ProgressStream {
  write(text: string): unknown;
  columns?: number;
}

/** Options of a {@link ProgressBar}. */
export interface ProgressBarOptions {
  unit?: string;
  /** Draw nothing before this long (ms, default 1000): a quick run stays clean. */
  showAfterMs?: number;
  /** Redraw at most this often (ms, default 100), and at least this often while shown (ETA). */
  redrawMs?: number;
  now?: () => number;
}

/**
 * A progress bar on a terminal. It appears once the run has lasted `showAfterMs` (even if
 * nothing was counted yet: a slow first epoch still shows the bar), redraws on news and on
 * a timer (so the rate and ETA move), and is wiped by {@link clear} (before other output
 * on the same terminal) and {@link stop}.
 */
export class ProgressBar {
  readonly #stream: ProgressStream;
  #unit: string;
  readonly #redrawMs: number;
  readonly #now: () => number;
  readonly #started: number;
  #completed = 0;
  #total = 0;
  #shown = false;
  #lastDraw = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(stream: ProgressStream, options: ProgressBarOptions = {}) {
    this.#stream = stream;
    this.#unit = options.unit ?? 'epochs';
    this.#redrawMs = options.redrawMs ?? 100;
    this.#now = options.now ?? Date.now;
    this.#started = this.#now();
    // Unref'd: a bar never keeps the process alive.
    this.#timer = setTimeout(() => {
      this.#shown = true;
      this.#draw();
      this.#timer = setInterval(() => this.#draw(), Math.max(this.#redrawMs, 250)).unref();
    }, options.showAfterMs ?? 1000).unref();
  }

  /** Whether the bar is on the terminal (the run has lasted long enough). */
  get shown(): boolean {
    return this.#shown;
  }

  /** News: `completed` of `total` done (counting `unit` from now on, when given). */
  update(completed: number, total: number, unit?: string): void {
    this.#completed = completed;
    this.#total = total;
    if (unit !== undefined) this.#unit = unit;
    if (this.#shown && this.#now() - this.#lastDraw >= this.#redrawMs) this.#draw();
  }

  /** Wipe the bar's line (it is drawn again at the next news or tick). */
  clear(): void {
    if (this.#shown) this.#stream.write('\r\x1b[K');
  }

  /** Draw the last frame and end its line, or wipe it with `clear`; no more drawing. */
  stop(options: { clear?: boolean } = {}): void {
    clearTimeout(this.#timer);
    clearInterval(this.#timer);
    if (!this.#shown) return;
    if (options.clear) this.clear();
    else {
      this.#draw();
      this.#stream.write('\n');
    }
    this.#shown = false;
  }

  #draw(): void {
    this.#lastDraw = this.#now();
    const frame = renderProgress({
      completed: this.#completed,
      total: this.#total,
      elapsedMs: this.#lastDraw - this.#started,
      unit: this.#unit,
      ...(this.#stream.columns ? { columns: this.#stream.columns } : {}),
    });
    this.#stream.write(`\r\x1b[K${frame}`);
  }
}
