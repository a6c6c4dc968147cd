import { describe, expect, it } from 'vitest';
import { cidOf } from '../core/cid.ts';
import { decodeMessages, encodeBatches } from './batch.ts';
import { MAX_INLINE_BYTES, MAX_MESSAGE_BYTES, type MessageBody } from './messages.ts';

const EXECUTOR = '12D3KooWEpKdM3XWZxFnYhCvHcWrUozZAdpDdFbCZsQxzfbU4VZN';
const result = (i: number, block?: string): MessageBody => ({
  kind: 'result',
  task: cidOf({ task: i }).toString(),
  executor: EXECUTOR,
  result: cidOf({ result: i }).toString(),
  ...(block ? { block } : {}),
});

describe('batches', () => {
  it('behavior: messages said at once travel in as few batches as fit 16 KiB, and decode to themselves with one envelope each batch', () => {
    const bodies = Array.from({ length: 40 }, (_, i) =>
      result(i, i % 4 === 0 ? 'A'.repeat(Math.ceil(MAX_INLINE_BYTES / 3) * 4) : undefined),
    );
    const data = encodeBatches(bodies);
    expect(data.length).toBeGreaterThan(1);
    expect(data.length).toBeLessThan(bodies.length);
    for (const one of data) expect(one.byteLength).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    const decoded = data.map((one) => decodeMessages(one)!);
    expect(decoded.flat().map(({ v: _v, ts: _ts, nonce: _nonce, ...body }) => body)).toEqual(
      bodies,
    );
    for (const batch of decoded) expect(new Set(batch.map((m) => m.nonce)).size).toBe(1);
  });

  it('behavior: a message said alone is sent as itself, not as a batch of one', () => {
    const [data] = encodeBatches([result(1)]);
    expect(JSON.parse(new TextDecoder().decode(data)).kind).toBe('result');
    expect(decodeMessages(data!)).toHaveLength(1);
  });

  it('error: a batch with a malformed message, or empty, is no message at all', () => {
    const [data] = encodeBatches([result(1), result(2)]);
    const batch = JSON.parse(new TextDecoder().decode(data));
    const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
    expect(decodeMessages(encode({ ...batch, items: [] }))).toBeUndefined();
    expect(
      decodeMessages(encode({ ...batch, items: [...batch.items, { kind: 'result' }] })),
    ).toBeUndefined();
    expect(
      decodeMessages(encode({ ...batch, items: [{ ...batch.items[0], v: 1 }] })),
    ).toBeUndefined();
    expect(decodeMessages(new TextEncoder().encode('{"kind": "batch"'))).toBeUndefined();
  });

  it('behavior: the validator and the handler decode a gossip message once: the same data gives the same messages', () => {
    const [data] = encodeBatches([result(1), result(2)]);
    const first = decodeMessages(data!);
    expect(decodeMessages(data!)).toBe(first);
    // Equal bytes in another array are decoded on their own.
    expect(decodeMessages(data!.slice())).not.toBe(first);
    expect(decodeMessages(data!.slice())).toEqual(first);
  });
});
