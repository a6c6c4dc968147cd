import { describe, expect, it } from 'vitest';
import { FinishedCalls, MAX_REPORT } from './finished-calls.ts';

describe('FinishedCalls', () => {
  it('default: due at once when nothing else waits, else once a batch is full or the delay is up', async () => {
    const calls = new FinishedCalls(20);
    expect(calls.due(false)).toBe(false);
    calls.add({ taskId: 1, json: '1' });
    expect(calls.due(false)).toBe(true);
    expect(calls.due(true)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(calls.due(true)).toBe(true);
    for (let id = 2; id <= MAX_REPORT; id++) calls.add({ taskId: id, json: 'x' });
    expect(calls.full).toBe(true);
  });

  it('behavior: a batch given back goes first again; accepted ones are counted', () => {
    const calls = new FinishedCalls(1_000);
    for (let id = 1; id <= MAX_REPORT + 2; id++) calls.add({ taskId: id, json: 'x' });
    const first = calls.take();
    expect(first.batch).toHaveLength(MAX_REPORT);
    expect(calls.taskIds()).toEqual([MAX_REPORT + 1, MAX_REPORT + 2]);
    first.giveBack();
    expect(calls.taskIds().slice(0, 2)).toEqual([1, 2]);
    calls.count([true, false, true]);
    expect(calls.reported).toBe(2);
  });
});
