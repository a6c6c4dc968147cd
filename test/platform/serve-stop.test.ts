import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { api, cleanUpServes, startServe, tempDb } from './serve-process.ts';

afterEach(cleanUpServes);

/** Reads the stream until `until` matches what came so far, or it ends; all that came. */
async function readUntil(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  until: (text: string) => boolean,
): Promise<{ text: string; ended: boolean }> {
  const decoder = new TextDecoder();
  let text = '';
  while (!until(text)) {
    const { value, done } = await reader.read();
    if (done) return { text, ended: true };
    text += decoder.decode(value, { stream: true });
  }
  return { text, ended: false };
}

describe('noob serve stopping', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'behavior: %s with a client watching a job’s event stream ends the stream and exits 0',
    async (signal) => {
      const { child, url, key } = await startServe(tempDb());
      // Its calls need a worker tag no worker has: the job stays running, the stream open.
      const submitted = await api(url, key, '/v1/jobs', {
        method: 'POST',
        body: JSON.stringify({ tube: 'testing-basic', epochs: 5, tags: ['no-such-worker'] }),
      });
      expect(submitted.status).toBe(202);
      const response = await fetch(`${url}/v1/jobs/${submitted.body.id}/events`, {
        headers: { authorization: `Bearer ${key}` },
      });
      expect(response.status).toBe(200);
      const reader = response.body!.getReader();
      const first = await readUntil(reader, (text) => text.includes('\n\n'));
      expect(first.text).toMatch(/^event: job\.queued$/m);

      const exited = once(child, 'exit');
      child.kill(signal);
      // The server ends the stream itself (a clean end, not a cut connection), without a
      // final `done`: the job is not over, and a client reconnects with Last-Event-ID.
      const rest = await readUntil(reader, () => false);
      expect(rest.ended).toBe(true);
      expect(rest.text).not.toMatch(/^event: done$/m);
      const [code, killedBy] = await exited;
      expect({ code, killedBy }).toEqual({ code: 0, killedBy: null });
    },
  );
});
