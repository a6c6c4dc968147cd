import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatSeconds, ProgressBar, renderProgress } from './progress-bar.ts';

describe('renderProgress', () => {
  it('default: the bar, the count, the rate and the time left at that rate', () => {
    expect(renderProgress({ completed: 40, total: 100, elapsedMs: 3_200, unit: 'epochs' })).toBe(
      `[${'#'.repeat(12)}${'-'.repeat(18)}] 40/100 epochs  12.5/s  ETA 4.8s`,
    );
  });

  it('behavior: before anything finished there is no rate and the ETA is unknown', () => {
    expect(renderProgress({ completed: 0, total: 10, elapsedMs: 1_500, unit: 'tasks' })).toMatch(
      /\] 0\/10 tasks {2}–\/s {2}ETA \?$/,
    );
  });

  it('behavior: once done it says how long it took instead of an ETA', () => {
    const line = renderProgress({ completed: 300, total: 300, elapsedMs: 125_000, unit: 'epochs' });
    expect(line).toBe(`[${'#'.repeat(30)}] 300/300 epochs  2.4/s  in 2m05s`);
  });

  it('behavior: a narrow terminal keeps the facts and drops the bar', () => {
    const line = renderProgress({
      completed: 1,
      total: 2,
      elapsedMs: 1_000,
      unit: 'epochs',
      columns: 30,
    });
    expect(line).toBe('1/2 epochs  1/s  ETA 1s');
  });

  it('behavior: a total that grows past the count never shows more done than there is', () => {
    expect(renderProgress({ completed: 12, total: 5, elapsedMs: 1_000, unit: 'tasks' })).toMatch(
      / 12\/12 tasks /,
    );
  });

  it('behavior: long durations read in minutes and hours', () => {
    expect(formatSeconds(42.4)).toBe('42s');
    expect(formatSeconds(3_725)).toBe('1h02m');
  });
});

describe('ProgressBar', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  function terminal() {
    const writes: string[] = [];
    return { writes, stream: { columns: 80, write: (text: string) => writes.push(text) } };
  }

  it('behavior: a run shorter than showAfterMs draws nothing at all', () => {
    vi.useFakeTimers();
    const { writes, stream } = terminal();
    const bar = new ProgressBar(stream, { showAfterMs: 1_000 });
    bar.update(0, 3);
    bar.update(3, 3);
    bar.stop();
    vi.advanceTimersByTime(5_000);
    expect(writes).toEqual([]);
  });

  it('behavior: a longer run shows the bar even before the first news, then ends its line', () => {
    vi.useFakeTimers();
    const { writes, stream } = terminal();
    let clock = 0;
    const bar = new ProgressBar(stream, { showAfterMs: 1_000, now: () => clock });
    bar.update(0, 4);
    clock = 1_000;
    vi.advanceTimersByTime(1_000);
    expect(bar.shown).toBe(true);
    expect(writes.at(-1)).toMatch(/0\/4 epochs .*ETA \?/);
    clock = 2_000;
    bar.update(2, 4);
    expect(writes.at(-1)).toMatch(/2\/4 epochs {2}1\/s {2}ETA 2s/);
    bar.stop();
    expect(writes.slice(-2)).toEqual([expect.stringMatching(/2\/4 epochs/), '\n']);
  });

  it('behavior: clear wipes the line so that other output starts clean', () => {
    vi.useFakeTimers();
    const { writes, stream } = terminal();
    const bar = new ProgressBar(stream, { showAfterMs: 0 });
    vi.advanceTimersByTime(1);
    bar.clear();
    expect(writes.at(-1)).toBe('\r\x1b[K');
    bar.stop({ clear: true });
    expect(writes.at(-1)).toBe('\r\x1b[K');
  });
});
