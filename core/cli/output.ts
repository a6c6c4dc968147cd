/**
 * Turning results into JSON text: Sets and Maps become lists and objects, BigInts strings,
 * `undefined` null, so every result a node can produce prints.
 */
export function toJson(value: unknown, indent?: number): string {
  return JSON.stringify(
    value,
    (_key, item) => {
      if (item instanceof Set) return [...item];
      if (item instanceof Map) return Object.fromEntries(item);
      if (typeof item === 'bigint') return item.toString();
      if (typeof item === 'symbol') return null;
      return item === undefined ? null : item;
    },
    indent,
  );
}

/**
 * `noob run`'s results on stdout as each epoch finishes: one JSON value per line, or with
 * `--json` one JSON array written piece by piece, closed by {@link finish} (also after an
 * interruption, so that what was printed is still one valid array).
 */
export class ResultPrinter {
  readonly #stream: NodeJS.WritableStream;
  readonly #json: boolean;
  #count = 0;

  constructor(stream: NodeJS.WritableStream, json: boolean) {
    this.#stream = stream;
    this.#json = json;
  }

  /** Results printed so far. */
  get count(): number {
    return this.#count;
  }

  print(result: unknown): void {
    if (this.#json) this.#stream.write(`${this.#count === 0 ? '[' : ','}${toJson(result)}`);
    else this.#stream.write(`${toJson(result)}\n`);
    this.#count++;
  }

  finish(): void {
    if (this.#json) this.#stream.write(this.#count === 0 ? '[]\n' : ']\n');
  }
}
