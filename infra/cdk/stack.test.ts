import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NoobStack } from './stack.ts';

/**
 * The CDK app synthesized offline (the functions really bundled by esbuild) and checked
 * with aws-cdk-lib/assertions: what a reviewer of the deployment would check.
 */
const out = mkdtempSync(join(tmpdir(), 'noob-cdk-'));
let stack: NoobStack;
let template: Template;

beforeAll(() => {
  const app = new App({ outdir: out });
  stack = new NoobStack(app, 'noob', { workerConcurrency: 25 });
  template = Template.fromStack(stack);
}, 180_000);
afterAll(() => {
  rmSync(out, { recursive: true, force: true });
});

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

/** Every IAM statement of the stack's policies, with the role(s) it is attached to. */
function statements(): { roles: unknown; statement: Statement }[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap((policy) =>
    (policy.Properties.PolicyDocument.Statement as Statement[]).map((statement) => ({
      roles: policy.Properties.Roles,
      statement,
    })),
  );
}

const actions = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

describe('CDK twin of the AWS deployment', () => {
  it('behavior: both functions run on nodejs22.x from bundles esbuild made at synthesis', () => {
    template.resourcePropertiesCountIs('AWS::Lambda::Function', { Runtime: 'nodejs22.x' }, 2);
    // The bundle and the native driver copied beside it are in the asset folder.
    // A function's code is the staged asset `asset.HASH`, uploaded as `HASH.zip`.
    const assets = Object.values(template.findResources('AWS::Lambda::Function')).map(
      (fn) => `asset.${String(fn.Properties.Code.S3Key).replace(/\.zip$/, '')}`,
    );
    expect(assets).toHaveLength(2);
    for (const asset of assets) {
      expect(existsSync(join(out, asset, 'index.mjs'))).toBe(true);
      expect(existsSync(join(out, asset, 'node_modules', '@libsql', 'linux-x64-gnu'))).toBe(true);
    }
  });

  it('behavior: the worker has reserved concurrency, no Lambda retries and an on-failure destination', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      ReservedConcurrentExecutions: 25,
      Timeout: 900,
      Environment: { Variables: Match.objectLike({ NOOB_QUEUE_URL: { Ref: 'QueueUrl' } }) },
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 0,
      DestinationConfig: {
        OnFailure: {
          Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('WorkerFailures'), 'Arn'] },
        },
      },
    });
  });

  it('behavior: the API is on a public Function URL in response streaming mode', () => {
    template.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'NONE',
      InvokeMode: 'RESPONSE_STREAM',
      TargetFunctionArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ApiFunction'), 'Arn'] },
    });
  });

  it('behavior: least privilege: only the coordinator may invoke, and only the worker', () => {
    const invokes = statements().filter(({ statement }) =>
      actions(statement).some((action) => action.startsWith('lambda:Invoke')),
    );
    expect(invokes.length).toBeGreaterThan(0);
    for (const { roles, statement } of invokes) {
      expect(JSON.stringify(roles)).toMatch(/CoordinatorTaskTaskRole/);
      expect(JSON.stringify(statement.Resource)).toMatch(/WorkerFunction/);
      expect(JSON.stringify(statement.Resource)).not.toContain('"*"');
    }
    // No statement anywhere grants every action or every Lambda.
    for (const { statement } of statements()) {
      expect(actions(statement)).not.toContain('*');
      expect(actions(statement)).not.toContain('lambda:*');
    }
  });

  it('behavior: a schedule invokes the worker with a claim request every minute', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WorkerFunction'), 'Arn'] },
          Input: JSON.stringify({ claim: {} }),
        }),
      ],
    });
  });

  it('behavior: the coordinator is one small Fargate task; the queue token is a NoEcho parameter', () => {
    template.hasResourceProperties('AWS::ECS::Service', {
      DesiredCount: 1,
      LaunchType: 'FARGATE',
    });
    template.hasResourceProperties('AWS::ECS::TaskDefinition', { Cpu: '256', Memory: '512' });
    template.hasParameter('QueueToken', { NoEcho: true });
  });
});
