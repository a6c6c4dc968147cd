import { afterEach, describe, expect, it, vi } from 'vitest';
import { Epoch } from '../../epoch.ts';
import {
  justWait,
  longAdd,
  NumberToLetterCls,
  numberToLetter,
  numberToLetterCls,
} from './async.ts';

afterEach(() => {
  vi.useRealTimers();
});

const ctx = () => ({ nodeId: 'async', epoch: new Epoch(0), signal: new AbortController().signal });

describe('number_to_letter', () => {
  it('default', async () => {
    expect(await numberToLetter.process!({ number: 0 }, ctx())).toBe('a');
  });

  it('behavior: offset and wrap-around', async () => {
    expect(await numberToLetter.process!({ number: 25, offset: 2 }, ctx())).toBe('b');
  });

  it('behavior: the class form takes offset at construction', async () => {
    expect(numberToLetterCls.kind).toBe('class');
    const node = new NumberToLetterCls({ offset: 1 });
    expect(await node.process({ number: 2 }, ctx())).toBe('d');
  });
});

describe('long_add and just_wait', () => {
  it('behavior: long_add adds one after sleeping', async () => {
    expect(await longAdd.process!({ value: 1, sleep_for: 0.01 }, ctx())).toBe(2);
  });

  it('behavior: just_wait(wait_for: 1e9) waits its time (a timer past 2^31 ms would fire at once)', async () => {
    vi.useFakeTimers();
    let done = false;
    const call = justWait.process!({ value: 'x', wait_for: 1e9 }, ctx()) as Promise<unknown>;
    const waiting = call.then((value) => {
      done = true;
      return value;
    });
    await vi.advanceTimersByTimeAsync(2 ** 31);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1e12);
    expect(await waiting).toBe('x');
  });

  it('behavior: just_wait returns its value', async () => {
    expect(await justWait.process!({ value: 'x', wait_for: 0.01 }, ctx())).toBe('x');
  });

  it('error: an aborted run stops the wait', async () => {
    const controller = new AbortController();
    const pending = justWait.process!(
      { value: 'x', wait_for: 60 },
      { nodeId: 'wait', epoch: new Epoch(0), signal: controller.signal },
    );
    controller.abort(new Error('cancelled'));
    await expect(pending).rejects.toThrow('cancelled');
  });
});
