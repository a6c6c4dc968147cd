import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { claimCommand } from './claim-command.ts';
import type { CommandIO } from './commands.ts';

/** The chain's variables, pointing nowhere: every case here fails before any request. */
const CHAIN = {
  NOOB_CHAIN: 'anvil',
  NOOB_RPC_URL: 'http://127.0.0.1:9',
  NOOB_SETTLEMENT_ADDRESS: `0x${'22'.repeat(20)}`,
  NOOB_PRIVATE_KEY: '',
};

/** What `noob claim` throws with `env`: the error the CLI prints. */
async function refusal(
  env: Record<string, string>,
  args = ['--url', 'http://127.0.0.1:9', '--key', 'k'],
): Promise<Error> {
  for (const [name, value] of Object.entries({ ...CHAIN, ...env })) vi.stubEnv(name, value);
  const io = { stdout: new PassThrough(), stderr: new PassThrough() } as unknown as CommandIO;
  const error = await claimCommand(args, io).then(
    () => undefined,
    (e: Error) => e,
  );
  expect(error).toBeDefined();
  return error!;
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('noob claim', () => {
  it('error: a malformed NOOB_PAYOUT_KEY is named as such, not as NOOB_PRIVATE_KEY', async () => {
    const error = await refusal({ NOOB_PAYOUT_KEY: '0x12' });
    expect(error.name).toBe('UsageError');
    expect(error.message).toContain('NOOB_PAYOUT_KEY');
    expect(error.message).not.toContain('NOOB_PRIVATE_KEY');
  });

  it('error: a payout key outside the curve is named, and neither its hex nor its number is printed', async () => {
    const key = `0x${'ff'.repeat(32)}`;
    const error = await refusal({ NOOB_PAYOUT_KEY: key });
    expect(error.name).toBe('UsageError');
    expect(error.message).toContain('NOOB_PAYOUT_KEY');
    const told = `${error.message} ${error.stack} ${String((error as { cause?: unknown }).cause)}`;
    expect(told).not.toContain(key.slice(2));
    expect(told).not.toContain(BigInt(key).toString());
  });

  it('error: a server whose next cursor does not move on is refused, not followed forever', async () => {
    let pages = 0;
    const server = createServer((_req, res) => {
      pages++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ address: `0x${'33'.repeat(20)}`, claims: [], next: '5' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const error = await refusal({ NOOB_PRIVATE_KEY: `0x${'11'.repeat(32)}` }, [
        `0x${'33'.repeat(20)}`,
        '--url',
        url,
        '--key',
        'k',
      ]);
      expect(error.name).toBe('ApiCommandError');
      expect(error.message).toMatch(/next cursor/);
      expect(pages).toBeLessThan(5);
    } finally {
      server.close();
    }
  });
});
