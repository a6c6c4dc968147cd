import { join } from 'node:path';
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { parseEther } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openQueue } from '../../core/queue/open.ts';
import type { Queue } from '../../core/queue/queue.ts';
import { twinClient } from '../lambda-twin/sdk.ts';
import { LambdaTwin } from '../lambda-twin/twin.ts';
import { type Sqld, startSqld } from '../queue/sqld.ts';
import { devKey, recordResults, resultsFor, type SettlementWorld, startWorld } from './world.ts';

/**
 * The settlement Lambda's real handler file (functions/settlement/lambda.ts) under the
 * local Lambda twin, invoked by the real AWS SDK as its schedule would, over a real sqld and
 * a real anvil.
 */

const HANDLER = join(import.meta.dirname, '..', '..', 'functions', 'settlement', 'lambda.ts');
/** anvil's dev account 1: the deployment's settler (contracts/test/fixture.ts). */
const SETTLER_KEY = devKey(1);

let world: SettlementWorld;
let sqld: Sqld;
let queue: Queue;
let twin: LambdaTwin;
let client: LambdaClient;
beforeAll(async () => {
  world = await startWorld();
  sqld = await startSqld();
  queue = await openQueue(sqld.url);
  const env = {
    NOOB_QUEUE_URL: sqld.url,
    NOOB_CHAIN: 'anvil',
    NOOB_RPC_URL: world.chain.anvil.rpcUrl,
    NOOB_SETTLEMENT_ADDRESS: world.d.address,
    NOOB_PRIVATE_KEY: SETTLER_KEY,
  };
  const { NOOB_SETTLEMENT_ADDRESS: _, ...withoutAddress } = env;
  twin = await LambdaTwin.start([
    { name: 'settlement', file: HANDLER, env, reservedConcurrency: 1 },
    { name: 'misconfigured', file: HANDLER, env: withoutAddress, reservedConcurrency: 1 },
  ]);
  client = twinClient(twin.endpoint);
});
afterAll(async () => {
  client?.destroy();
  await twin?.stop();
  await queue?.close();
  await sqld?.stop();
  await world?.stop();
});

/** A scheduled event, as EventBridge Scheduler sends it (the handler does not read it). */
async function invoke(name: string) {
  const answer = await client.send(
    new InvokeCommand({ FunctionName: name, Payload: JSON.stringify({ source: 'aws.scheduler' }) }),
  );
  return {
    error: answer.FunctionError,
    payload: JSON.parse(Buffer.from(answer.Payload!).toString()),
  };
}

describe('settlement Lambda', () => {
  it('default: a scheduled invocation makes a pass and answers its summary; the next finds nothing', async () => {
    const escrow = await world.fund(parseEther('1'));
    await recordResults(
      world,
      queue.driver,
      escrow,
      resultsFor('lambda', world.workers, 6, parseEther('0.01')),
    );
    const first = await invoke('settlement');
    expect(first.error).toBeUndefined();
    expect(first.payload).toMatchObject({
      posted: [{ escrow, taskCount: 6, how: 'posted' }],
      waiting: [],
      pending: [],
    });
    const second = await invoke('settlement');
    expect(second.payload).toEqual({ posted: [], waiting: [], pending: [] });
  });

  it('error: a missing variable fails the invocation with a message naming it', async () => {
    const { error, payload } = await invoke('misconfigured');
    expect(error).toBe('Unhandled');
    expect(payload.errorType).toBe('SettlementConfigError');
    expect(payload.errorMessage).toContain('NOOB_SETTLEMENT_ADDRESS is not set');
  });
});
