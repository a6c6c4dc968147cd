import { describe, expect, it } from 'vitest';
import { readSse } from './sse.ts';

/** A body delivering `chunks` as they are (so field and line boundaries fall anywhere). */
function body(...chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

async function all(stream: ReadableStream<Uint8Array>) {
  const messages = [];
  for await (const message of readSse(stream)) messages.push(message);
  return messages;
}

describe('readSse', () => {
  it('default: event, id and data of each message', async () => {
    expect(await all(body('event: job.queued\ndata: {"a":1}\nid: 7\n\n'))).toEqual([
      { id: '7', event: 'job.queued', data: '{"a":1}' },
    ]);
  });

  it('behavior: chunks split anywhere, CRLF and CR line ends, multi-line data', async () => {
    const text = 'data: one\r\ndata: two\r\n\r\nevent: x\rdata:three\r\r';
    const chunked = [...text].map((c) => c);
    expect(await all(body(...chunked))).toEqual([
      { id: undefined, event: 'message', data: 'one\ntwo' },
      { id: undefined, event: 'x', data: 'three' },
    ]);
  });

  it('behavior: comments are skipped and the last id carries over', async () => {
    expect(await all(body(': keep-alive\n\nid: 3\ndata: a\n\ndata: b\n\n'))).toEqual([
      { id: '3', event: 'message', data: 'a' },
      { id: '3', event: 'message', data: 'b' },
    ]);
  });

  it('behavior: a message without a blank line after it at the end is not dispatched', async () => {
    expect(await all(body('data: complete\n\ndata: cut'))).toEqual([
      { id: undefined, event: 'message', data: 'complete' },
    ]);
  });

  it('error: a message without data is not dispatched', async () => {
    expect(await all(body('event: nothing\n\n'))).toEqual([]);
  });
});
