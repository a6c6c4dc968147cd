import { encodeBatches } from './batch.ts';
import { type MessageBody, TOPIC_OF } from './messages.ts';
import { soon } from './soon.ts';

/** Sends gossip data on a topic. */
export type Send = (topic: string, data: Uint8Array) => Promise<void>;

interface Waiting {
  body: MessageBody;
  done: (error?: unknown) => void;
}

/**
 * Gathers what a peer says within one turn of the event loop, per topic, and sends it as
 * batches ({@link encodeBatches}): an executor that finishes a whole epoch's tasks in one
 * turn answers them in one message. A message said alone waits for nothing but the end of
 * the turn.
 */
export class Batcher {
  readonly #send: Send;
  readonly #waiting = new Map<string, Waiting[]>();

  constructor(send: Send) {
    this.#send = send;
  }

  /** Resolves once the message went out (in a batch or alone); rejects if sending failed. */
  publish(body: MessageBody): Promise<void> {
    const topic = TOPIC_OF[body.kind];
    return new Promise((resolve, reject) => {
      let list = this.#waiting.get(topic);
      if (!list) {
        list = [];
        this.#waiting.set(topic, list);
        soon(() => void this.#flush(topic));
      }
      list.push({ body, done: (error) => (error === undefined ? resolve() : reject(error)) });
    });
  }

  async #flush(topic: string): Promise<void> {
    const list = this.#waiting.get(topic) ?? [];
    this.#waiting.delete(topic);
    let error: unknown;
    try {
      for (const data of encodeBatches(list.map((waiting) => waiting.body)))
        await this.#send(topic, data);
    } catch (failed) {
      error = failed ?? new Error('publishing failed');
    }
    for (const waiting of list) waiting.done(error);
  }
}
