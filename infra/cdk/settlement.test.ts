import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETTLEMENT_SCHEDULE, settlementOptions } from '../settlement-schedule.ts';
import { QueueLink } from './queue-link.ts';
import { SettlementFunction } from './settlement.ts';
import { NoobStack } from './stack.ts';

/**
 * The settlement function's piece of the CDK app, synthesized offline and checked with
 * aws-cdk-lib/assertions: on a stack of its own with its bundle really built, and in the
 * whole stack (bundling skipped: the other functions' bundles are stack.test.ts's) with
 * and without it.
 */
const out = mkdtempSync(join(tmpdir(), 'noob-cdk-settlement-'));
let own: Template;
/** The settlement function's staged bundle folder (what Lambda unpacks at /var/task). */
let bundle: string;
let whole: Template;
let without: Template;

/** The whole stack's template, its functions not bundled (cheap: only IAM and wiring). */
function unbundled(props: ConstructorParameters<typeof NoobStack>[2]): Template {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  return Template.fromStack(new NoobStack(app, 'noob', props));
}

beforeAll(() => {
  const app = new App({ outdir: out });
  const stack = new Stack(app, 'settlement');
  const queue = new QueueLink(stack, 'Queue');
  new SettlementFunction(stack, 'Settlement', { queue, schedule: 'rate(15 minutes)' });
  own = Template.fromStack(stack);
  const [fn] = Object.values(own.findResources('AWS::Lambda::Function'));
  bundle = join(out, `asset.${String(fn!.Properties.Code.S3Key).replace(/\.zip$/, '')}`);
  whole = unbundled({ settlement: { schedule: SETTLEMENT_SCHEDULE } });
  without = unbundled({});
}, 180_000);
afterAll(() => {
  rmSync(out, { recursive: true, force: true });
});

type Statement = { Action: string | string[]; Resource: unknown };

describe('CDK settlement function', () => {
  it('behavior: it runs on nodejs22.x from a bundle esbuild made, the native driver beside it', () => {
    own.resourceCountIs('AWS::Lambda::Function', 1);
    own.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Timeout: 300,
    });
    expect(existsSync(join(bundle, 'index.mjs'))).toBe(true);
    expect(existsSync(join(bundle, 'node_modules', '@libsql', 'linux-x64-gnu'))).toBe(true);
    expect(existsSync(join(bundle, 'migrations'))).toBe(true);
  });

  it('behavior: the bundle loads in a fresh Node process, and its handler names a setting that is missing', async () => {
    // What a cold start does first: import the module, then call `handler`. Without
    // NOOB_CHAIN the pass is refused before any connection, naming the variable.
    const script = `
      const { handler } = await import(${JSON.stringify(pathToFileURL(join(bundle, 'index.mjs')).href)});
      await handler({}, { getRemainingTimeInMillis: () => 300000 }).then(
        () => console.log(JSON.stringify({ ok: true })),
        (error) => console.log(JSON.stringify({ name: error.name, message: error.message })),
      );`;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--input-type=module', '-e', script],
      { cwd: bundle, env: { PATH: process.env.PATH, NOOB_QUEUE_URL: 'http://127.0.0.1:9' } },
    );
    const answer = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(answer.name).toBe('SettlementConfigError');
    expect(answer.message).toMatch(/NOOB_CHAIN/);
  });

  it('behavior: one pass at a time; neither Lambda nor the rule retries, a waiting tick is dropped after a minute', () => {
    own.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 1 });
    own.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: 60,
    });
    own.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(15 minutes)',
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SettlementFunction'), 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 0 },
        }),
      ],
    });
    // Only EventBridge may invoke it, and only from its rule.
    own.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SettlementSchedule'), 'Arn'] },
    });
  });

  it("behavior: the queue's and the chain's settings are stack parameters, the key and RPC URL NoEcho, in the variables the pass reads", () => {
    own.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          NOOB_QUEUE_URL: { Ref: 'QueueUrl' },
          NOOB_QUEUE_TOKEN: { Ref: 'QueueToken' },
          NOOB_PRIVATE_KEY: { Ref: 'SettlerKey' },
          NOOB_RPC_URL: { Ref: 'ChainRpcUrl' },
          NOOB_SETTLEMENT_ADDRESS: { Ref: 'SettlementAddress' },
          NOOB_CHAIN: { Ref: 'SettlementChain' },
          NOOB_SETTLEMENT_FROM_BLOCK: { Ref: 'SettlementFromBlock' },
        },
      },
    });
    own.hasParameter('SettlerKey', { NoEcho: true });
    own.hasParameter('ChainRpcUrl', { NoEcho: true });
    const chain = own.findParameters('SettlementChain').SettlementChain!;
    expect(chain.Default).toBe('base');
    expect(chain.AllowedValues).toEqual(expect.arrayContaining(['base', 'ethereum', 'polygon']));
    // CloudFormation refuses a malformed key or address before anything is created.
    const pattern = (name: string) =>
      new RegExp(own.findParameters(name)[name]!.AllowedPattern as string);
    expect(pattern('SettlerKey').test(`0x${'ab'.repeat(32)}`)).toBe(true);
    expect(pattern('SettlerKey').test('ab'.repeat(32))).toBe(false);
    expect(pattern('SettlementAddress').test(`0x${'12'.repeat(20)}`)).toBe(true);
    expect(pattern('SettlementAddress').test(`0x${'12'.repeat(32)}`)).toBe(false);
  });

  it('behavior: least privilege: in the whole stack its role has no policy but logs (it invokes nothing), on the default schedule', () => {
    const functions = whole.findResources('AWS::Lambda::Function');
    const id = Object.keys(functions).find((key) => key.startsWith('SettlementFunction'))!;
    const role = functions[id]!.Properties.Role['Fn::GetAtt'][0] as string;
    const statements = Object.values(whole.findResources('AWS::IAM::Policy'))
      .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(`"${role}"`))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
    expect(statements).toEqual([]);
    // Its one managed policy: Lambda's basic execution (CloudWatch Logs).
    const managed = whole.findResources('AWS::IAM::Role')[role]!.Properties.ManagedPolicyArns;
    expect(managed).toHaveLength(1);
    expect(JSON.stringify(managed)).toContain('service-role/AWSLambdaBasicExecutionRole');
    // The default schedule when none is given.
    whole.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(5 minutes)' });
  });

  it('behavior: a stack without it has no settlement function, schedule or chain parameters', () => {
    without.resourceCountIs('AWS::Lambda::Function', 2);
    without.resourceCountIs('AWS::Events::Rule', 1);
    const chain = [
      'SettlerKey',
      'ChainRpcUrl',
      'SettlementAddress',
      'SettlementChain',
      'SettlementFromBlock',
    ];
    expect(Object.keys(whole.findParameters('*'))).toEqual(expect.arrayContaining(chain));
    for (const name of chain) expect(Object.keys(without.findParameters('*'))).not.toContain(name);
  });
});

describe('settlementOptions', () => {
  it('default: not deployed unless NOOB_SETTLEMENT=1; every 5 minutes unless told', () => {
    expect(settlementOptions({})).toBeUndefined();
    expect(settlementOptions({ NOOB_SETTLEMENT: 'yes' })).toBeUndefined();
    expect(settlementOptions({ NOOB_SETTLEMENT: '1' })).toEqual({ schedule: 'rate(5 minutes)' });
  });

  it('behavior: NOOB_SETTLEMENT_SCHEDULE gives a rate or a cron expression', () => {
    const env = { NOOB_SETTLEMENT: '1' };
    for (const schedule of ['rate(1 minute)', 'rate(2 hours)', 'cron(0/10 * * * ? *)']) {
      expect(settlementOptions({ ...env, NOOB_SETTLEMENT_SCHEDULE: schedule })).toEqual({
        schedule,
      });
    }
  });

  it('error: a malformed schedule is refused before anything deploys, naming the variable', () => {
    for (const schedule of ['every 5 minutes', 'rate(1 minutes)', 'rate(5 minute)', 'cron(* *)']) {
      expect(() =>
        settlementOptions({ NOOB_SETTLEMENT: '1', NOOB_SETTLEMENT_SCHEDULE: schedule }),
      ).toThrow(new RegExp(`NOOB_SETTLEMENT_SCHEDULE is "${schedule.replace(/[()*]/g, '\\$&')}"`));
    }
  });
});
