import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { type Hex, parseEther, toHex } from 'viem';
import type { HDAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getBatch } from '../../contracts/client/actions/reads.ts';
import type { QueueDriver } from '../../core/queue/backend.ts';
import { openDriver } from '../../core/queue/open.ts';
import type { SettleSummary } from '../../core/settlement/summary.ts';
import { QueueLink } from '../../infra/cdk/queue-link.ts';
import { SettlementFunction } from '../../infra/cdk/settlement.ts';
import { twinClient } from '../lambda-twin/sdk.ts';
import { LambdaTwin } from '../lambda-twin/twin.ts';
import { type Sqld, startSqld } from '../queue/sqld.ts';
import {
  recordResults,
  resultsFor,
  type SettlementWorld,
  startWorld,
} from '../settlement/world.ts';

/**
 * What the CDK app ships for settlement runs: the function is synthesized (esbuild bundles
 * it, the SQL files and migrations beside it), and that bundle, not the sources, is
 * deployed to the local Lambda twin with the environment its template gives it (each
 * stack parameter given a value, as CloudFormation would), over a real sqld and a real
 * anvil with the Settlement contract deployed. A scheduled invocation makes a pass that
 * posts the batch on chain.
 */
const out = mkdtempSync(join(tmpdir(), 'noob-settlement-bundle-'));
let world: SettlementWorld;
let sqld: Sqld;
let driver: QueueDriver;
let twin: LambdaTwin;
let client: LambdaClient;

/**
 * The function's environment from the template: each variable that is a parameter's
 * `Ref` gets that parameter's value, as CloudFormation resolves it at deploy time.
 */
function environmentOf(template: Template, parameters: Record<string, string>) {
  const [fn] = Object.values(template.findResources('AWS::Lambda::Function'));
  const variables = fn!.Properties.Environment.Variables as Record<
    string,
    string | { Ref: string }
  >;
  return Object.fromEntries(
    Object.entries(variables).map(([name, value]) => {
      if (typeof value === 'string') return [name, value];
      const given = parameters[value.Ref];
      if (given === undefined) throw new Error(`no value for the parameter ${value.Ref}`);
      return [name, given];
    }),
  );
}

/** An EventBridge scheduled event, as the rule sends it. */
const scheduled = JSON.stringify({
  version: '0',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  time: new Date().toISOString(),
  resources: ['arn:aws:events:us-east-1:123456789012:rule/noob-Settlement'],
  detail: {},
});

async function pass(): Promise<SettleSummary> {
  const answer = await client.send(
    new InvokeCommand({ FunctionName: 'settlement', Payload: scheduled }),
  );
  const body = Buffer.from(answer.Payload!).toString();
  expect(answer.FunctionError, body).toBeUndefined();
  return JSON.parse(body) as SettleSummary;
}

beforeAll(async () => {
  const app = new App({ outdir: out });
  const stack = new Stack(app, 'settlement');
  const queue = new QueueLink(stack, 'Queue');
  new SettlementFunction(stack, 'Settlement', { queue, schedule: 'rate(5 minutes)' });
  const template = Template.fromStack(stack);
  const [fn] = Object.values(template.findResources('AWS::Lambda::Function'));
  const bundle = join(out, `asset.${String(fn!.Properties.Code.S3Key).replace(/\.zip$/, '')}`);
  world = await startWorld();
  sqld = await startSqld();
  driver = await openDriver(sqld.url);
  // The deployment's settler is an anvil dev account, derived from its mnemonic.
  const settlerKey = (world.d.settler.account as HDAccount).getHdKey().privateKey!;
  const env = environmentOf(template, {
    QueueUrl: sqld.url,
    QueueToken: '',
    SettlerKey: toHex(settlerKey),
    ChainRpcUrl: world.chain.anvil.rpcUrl,
    SettlementAddress: world.d.address,
    SettlementChain: 'anvil',
    SettlementFromBlock: '0',
  });
  twin = await LambdaTwin.start([
    {
      name: 'settlement',
      file: join(bundle, 'index.mjs'),
      codeDir: bundle,
      env,
      // As the template deploys it: one environment at most, its timeout.
      reservedConcurrency: fn!.Properties.ReservedConcurrentExecutions,
      timeoutMs: fn!.Properties.Timeout * 1000,
    },
  ]);
  client = twinClient(twin.endpoint);
}, 240_000);
afterAll(async () => {
  client?.destroy();
  await twin?.stop();
  await driver?.close();
  await sqld?.stop();
  await world?.stop();
  rmSync(out, { recursive: true, force: true });
});

describe('the settlement bundle the CDK app ships', () => {
  it('behavior: a scheduled invocation posts the verified results on chain; the next one posts nothing', async () => {
    const reward = parseEther('0.1');
    const escrow: Hex = await world.fund(parseEther('5'));
    await recordResults(world, driver, escrow, resultsFor('bundle', world.workers, 4, reward));

    const first = await pass();
    expect(first.waiting).toEqual([]);
    expect(first.posted).toHaveLength(1);
    const [posted] = first.posted;
    expect(posted).toMatchObject({ escrow, total: (reward * 4n).toString(), taskCount: 4 });
    const onChain = await getBatch(world.chain.reader, {
      address: world.d.address,
      batchId: BigInt(posted!.chainBatchId),
    });
    expect(onChain).toMatchObject({ root: posted!.root, total: reward * 4n, jobId: escrow });

    // The warm environment's second pass finds nothing left to batch.
    const second = await pass();
    expect(second.posted).toEqual([]);
    expect(twin.environments('settlement')).toHaveLength(1);
  });
});
