import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createNoobClient, type NoobClient } from '../../functions/api/client.ts';
import { UsageError } from './usage.ts';

/** Where `noob serve` listens by default: what the job commands talk to unless told. */
export const DEFAULT_API_URL = 'http://127.0.0.1:8787';

/** Where `noob serve` on its default database keeps the key it prints for tenant `local`. */
export const LOCAL_KEY_FILE = '.noob/noob.db.local-key';

/** `--url` and `--key` as given (either may be absent). */
export interface ConnectionArguments {
  url?: string | undefined;
  key?: string | undefined;
}

/** A client and the URL it talks to (messages name it). */
export interface Connection {
  client: NoobClient;
  url: string;
}

/**
 * The job API the client commands talk to: `--url`, else `NOOB_URL`, else the local
 * `noob serve`; with the key from `--key`, else `NOOB_KEY`, else (for a server on this
 * machine only) the key `noob serve` keeps for tenant `local` in this folder's
 * {@link LOCAL_KEY_FILE}, so that `npm start` then `noob jobs list` works with no setup.
 * A key is never read from that file for a remote server: it would be sent to it.
 */
export function connect(
  args: ConnectionArguments,
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): Connection {
  const url = (args.url ?? env.NOOB_URL ?? DEFAULT_API_URL).replace(/\/+$/, '');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--url takes the server's address, like ${DEFAULT_API_URL}; got "${url}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new UsageError(`--url takes an http:// or https:// address, got "${url}"`);
  const key = args.key ?? env.NOOB_KEY ?? localKey(parsed, cwd);
  if (!key) {
    throw new UsageError(
      `no API key for ${url}: give --key KEY or set NOOB_KEY (noob serve prints one; noob keys create --tenant NAME makes another)`,
    );
  }
  return { client: createNoobClient({ baseUrl: url, apiKey: key, fetch: fetchOnceMore }), url };
}

/**
 * fetch, sent once more when the server closed a kept-alive connection just as the request
 * went out on it (undici's `UND_ERR_SOCKET`, or a reset): the request never reached the
 * server's handler, or is safe to repeat. Every call the commands make is: reads and
 * cancels are idempotent, and `jobs submit` sends an idempotency key.
 */
const fetchOnceMore: typeof fetch = async (input, init) => {
  try {
    return await fetch(input, init);
  } catch (error) {
    const code = (error as { cause?: { code?: string } }).cause?.code;
    if (init?.signal?.aborted || (code !== 'UND_ERR_SOCKET' && code !== 'ECONNRESET')) throw error;
    return fetch(input, init);
  }
};

function localKey(url: URL, cwd: string): string | undefined {
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) return undefined;
  const file = resolve(cwd, LOCAL_KEY_FILE);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() || undefined : undefined;
}
