/**
 * A reader of the Server-Sent Events wire format (the WHATWG "event stream"
 * interpretation): lines ending in LF, CR or CRLF; `data` lines joined with LF; a blank
 * line dispatches; `:` lines are comments; `id` persists to later messages.
 */

/** One dispatched message. */
export interface SseMessage {
  /** The last event id seen so far (what a reconnect sends as Last-Event-ID). */
  id: string | undefined;
  /** `message` unless the server named it. */
  event: string;
  data: string;
}

/**
 * The messages of an event stream body, as they arrive. The body is locked at once, not
 * at the first `next()` (a generator's body runs only then): fetch cancels the unlocked
 * body of a Response that is garbage collected, so a stream opened, then read after
 * another await, ended at random with no message.
 */
export function readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseMessage> {
  return messagesOf(body.getReader());
}

async function* messagesOf(
  reader: ReadableStreamDefaultReader<Uint8Array>,
): AsyncGenerator<SseMessage> {
  const decoder = new TextDecoder();
  let buffer = '';
  let id: string | undefined;
  let event = '';
  let data: string[] = [];
  try {
    for (;;) {
      const { value, done } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      // A lone CR at the end may be the first half of CRLF: wait for more unless done.
      for (;;) {
        const match = /\r\n|\r|\n/.exec(buffer);
        if (!match || (match[0] === '\r' && match.index === buffer.length - 1 && !done)) break;
        const line = buffer.slice(0, match.index);
        buffer = buffer.slice(match.index + match[0].length);
        if (line === '') {
          if (data.length > 0) yield { id, event: event || 'message', data: data.join('\n') };
          event = '';
          data = [];
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? '' : line.slice(colon + 1);
        if (value.startsWith(' ')) value = value.slice(1);
        if (field === 'data') data.push(value);
        else if (field === 'event') event = value;
        else if (field === 'id' && !value.includes('\0')) id = value;
      }
      if (done) return;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
