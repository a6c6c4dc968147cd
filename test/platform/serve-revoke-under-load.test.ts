import { afterEach, describe, expect, it } from 'vitest';
import { runNoob } from '../cli/run-noob.ts';
import { api, cleanUpServes, startServe, tempDb } from './serve-process.ts';

/**
 * `noob serve` keeps a verified key until another connection commits (VerifiedKeys), and
 * its writer thread's commits are told from other processes' (CommitTally): a key revoked
 * by another process while the writer commits submissions is refused at the next request.
 */

afterEach(cleanUpServes);

/** Run the noob CLI in another process; its stdout. */
async function noob(...args: string[]): Promise<string> {
  const { code, stdout, stderr } = await runNoob(args);
  if (code !== 0) throw new Error(`noob ${args.join(' ')} exited ${code}: ${stderr}`);
  return stdout;
}

describe('noob serve: keys revoked while the writer thread commits', () => {
  it('behavior: a key revoked by another process under a stream of submissions is refused at its next request', async () => {
    const db = tempDb();
    const serve = await startServe(db, ['--workers', '1']);
    let stop = false;
    let accepted = 0;
    const client = async () => {
      for (let i = 0; !stop && i < 5_000; i++) {
        const answer = await api(serve.url, serve.key, '/v1/jobs', {
          method: 'POST',
          body: JSON.stringify({ tube: 'testing-basic', epochs: 1 }),
        });
        if (answer.status === 202) accepted++;
      }
    };
    const clients = Array.from({ length: 6 }, client);
    try {
      for (let round = 0; round < 3; round++) {
        const key = (await noob('keys', 'create', '--tenant', `t${round}`, '--db', db)).trim();
        // Verified once, so the server keeps it.
        expect((await api(serve.url, key, '/v1/jobs')).status).toBe(200);
        expect((await api(serve.url, key, '/v1/jobs')).status).toBe(200);
        const id = /^noob_([^_]+)_/.exec(key)![1]!;
        await noob('keys', 'revoke', id, '--db', db);
        expect((await api(serve.url, key, '/v1/jobs')).status).toBe(401);
      }
    } finally {
      stop = true;
      await Promise.all(clients);
    }
    expect(accepted).toBeGreaterThan(0);
  });
});
