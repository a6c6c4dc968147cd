import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { CallOutput, captureCall, captureOutput, MAX_LOG_ENTRIES } from './output-capture.ts';

/** A call's output with its echoed lines collected. */
function output(label: string, maxBytes = 64 * 1024) {
  const echoed: string[] = [];
  const call = new CallOutput({ maxBytes, label, echo: (_stream, line) => echoed.push(line) });
  return { call, echoed };
}

describe('captureOutput', () => {
  it('default: console.log and console.error of a call are kept as its entries, with their stream, and echoed labelled', async () => {
    const { call, echoed } = output('[job j node add #3]');
    await captureOutput(call, async () => {
      console.log('hello', 42);
      console.error('oh no');
      process.stdout.write('raw');
    });
    expect(call.close().map(({ stream, text }) => ({ stream, text }))).toEqual([
      { stream: 'stdout', text: 'hello 42\n' },
      { stream: 'stderr', text: 'oh no\n' },
      { stream: 'stdout', text: 'raw' },
    ]);
    expect(echoed).toEqual([
      '[job j node add #3] hello 42',
      '[job j node add #3] oh no',
      '[job j node add #3] raw',
    ]);
  });

  it('behavior: calls running at once keep their own output, awaited work included', async () => {
    const a = output('[a]');
    const b = output('[b]');
    const chatty = (name: string) => async () => {
      for (let i = 0; i < 3; i++) {
        console.log(`${name} ${i}`);
        await sleep(1);
      }
    };
    await Promise.all([captureOutput(a.call, chatty('a')), captureOutput(b.call, chatty('b'))]);
    expect(a.call.close().map((c) => c.text)).toEqual(['a 0\n', 'a 1\n', 'a 2\n']);
    expect(b.call.close().map((c) => c.text)).toEqual(['b 0\n', 'b 1\n', 'b 2\n']);
  });

  it('behavior: writes made outside any call, while one runs, are not its own and reach the stream', async () => {
    const { call } = output('[x]');
    let release = () => {};
    const running = captureOutput(call, () => new Promise<void>((resolve) => (release = resolve)));
    const written = new Promise<void>((resolve) =>
      process.stdout.write('outside\n', () => resolve()),
    );
    await written;
    release();
    await running;
    expect(call.close()).toEqual([]);
  });

  it('behavior: past the bound the rest is dropped and a last entry says how much', async () => {
    const { call, echoed } = output('[big]', 10);
    await captureOutput(call, async () => {
      process.stdout.write('12345678');
      process.stdout.write('abcdef');
      process.stderr.write('more');
    });
    const chunks = call.close();
    expect(chunks.map((c) => c.text)).toEqual([
      '12345678',
      'ab',
      '[noob: 8 more bytes of output dropped: a call keeps 10 (NOOB_MAX_LOG_BYTES)]\n',
    ]);
    expect(chunks.at(-1)!.stream).toBe('stderr');
    expect(echoed.at(-1)).toContain('8 more bytes of output dropped');
  });

  it('behavior: a multi-byte character is never cut in half', async () => {
    const { call } = output('[utf8]', 5);
    await captureOutput(call, async () => {
      process.stdout.write('ééé');
    });
    expect(call.close()[0]!.text).toBe('éé');
  });

  it('behavior: many small writes join the last entry past the entry bound, within the bytes', async () => {
    const { call } = output('[many]');
    await captureOutput(call, async () => {
      for (let i = 0; i < MAX_LOG_ENTRIES + 5; i++) process.stdout.write('x');
    });
    const chunks = call.close();
    expect(chunks).toHaveLength(MAX_LOG_ENTRIES);
    expect(chunks.map((c) => c.text).join('')).toHaveLength(MAX_LOG_ENTRIES + 5);
  });

  it('behavior: output after the call ended (a timer it left) is echoed as such, not kept', async () => {
    const { call, echoed } = output('[late]');
    await captureOutput(call, async () => {
      setTimeout(() => console.log('too late'), 5);
    });
    const kept = call.close();
    await sleep(30);
    expect(kept).toEqual([]);
    expect(echoed).toEqual(['[late] (after its call ended) too late']);
  });
});

describe('captureCall (a worker’s calls)', () => {
  /** A node's code: writes `now` at once, then `later` after an await (if given). */
  const node = (now: string, later?: string) => async () => {
    console.log(now);
    if (later === undefined) return;
    await sleep(1);
    console.log(later);
  };
  const texts = (call: CallOutput) => call.close().map((c) => c.text.trim());

  it('behavior: calls at once keep their own output, what they write after an await included', async () => {
    const a = output('[a]');
    const b = output('[b]');
    const run = (out: CallOutput, name: string) =>
      captureCall(out, 'test.both', async (enter) => {
        for (let i = 0; i < 3; i++) await enter(node(`${name} ${i}`, `${name} ${i} later`));
      });
    await Promise.all([run(a.call, 'a'), run(b.call, 'b')]);
    expect(texts(a.call)).toEqual(['a 0', 'a 0 later', 'a 1', 'a 1 later', 'a 2', 'a 2 later']);
    expect(texts(b.call)).toEqual(['b 0', 'b 0 later', 'b 1', 'b 1 later', 'b 2', 'b 2 later']);
  });

  it('behavior: a type seen writing only in its own code runs unwatched; its first write after an await passes by, and it is watched again', async () => {
    const run = async (later?: string) => {
      const { call } = output('[q]');
      await captureCall(call, 'test.quiet-then-not', (enter) => enter(node('now', later)));
      return texts(call);
    };
    expect(await run()).toEqual(['now']); // watched: its type is new
    expect(await run()).toEqual(['now']); // unwatched: its own code's writes are still its own
    expect(await run('later')).toEqual(['now']); // `later` reached the process's stdout
    expect(await run('later')).toEqual(['now', 'later']); // watched again, for good
    expect(await run('later')).toEqual(['now', 'later']);
  });
});
