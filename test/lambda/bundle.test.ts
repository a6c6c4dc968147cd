import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkerReport } from '../../core/runners/lambda/invocation.ts';
import { KeyStore } from '../../functions/api/keys.ts';
import { NoobStack } from '../../infra/cdk/stack.ts';
import { LAMBDA_ADDON } from '../../native/load.ts';
import { type LambdaStack, startLambdaStack } from './stack.ts';

/**
 * What the deployment ships runs: the CDK app is synthesized (esbuild bundles both
 * functions, with the native driver and the SQL files beside them, and the worker with
 * the native addon's Lambda artifact when it is built), and the bundles themselves, not
 * the sources, are deployed to the local Lambda twin over a real sqld, with the
 * environment the template gives them.
 */
const out = mkdtempSync(join(tmpdir(), 'noob-bundle-'));
/** Whether the addon's Lambda artifact is built here (CI builds it and insists on it). */
const ADDON_BUILT = existsSync(LAMBDA_ADDON);
let stack: LambdaStack;
let workerEnv: Record<string, string>;
/** The worker bundle's folder (what Lambda unpacks at /var/task). */
let workerDir: string;

/** The function whose logical id starts with `prefix`. */
function functionOf(template: Template, prefix: string) {
  const [fn] = Object.entries(template.findResources('AWS::Lambda::Function')).filter(([id]) =>
    id.startsWith(prefix),
  );
  return fn![1].Properties as {
    Code: { S3Key: string };
    Environment: { Variables: Record<string, unknown> };
  };
}

/** The staged bundle of the function whose logical id starts with `prefix`. */
function bundleOf(template: Template, prefix: string): string {
  const key = functionOf(template, prefix).Code.S3Key.replace(/\.zip$/, '');
  return join(out, `asset.${key}`, 'index.mjs');
}

/** Invoke a worker function synchronously with a claim request; its report. */
async function claimWith(name: string) {
  const answer = await stack.client.send(
    new InvokeCommand({ FunctionName: name, Payload: '{"claim":{}}' }),
  );
  expect(answer.FunctionError).toBeUndefined();
  return JSON.parse(Buffer.from(answer.Payload!).toString()) as Extract<WorkerReport, { ok: true }>;
}

beforeAll(async () => {
  const app = new App({ outdir: out });
  const template = Template.fromStack(new NoobStack(app, 'noob'));
  app.synth();
  const worker = bundleOf(template, 'WorkerFunction');
  workerDir = dirname(worker);
  const api = bundleOf(template, 'ApiFunction');
  // The template's plain settings (the queue's are parameters, given below).
  workerEnv = Object.fromEntries(
    Object.entries(functionOf(template, 'WorkerFunction').Environment.Variables).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
  stack = await startLambdaStack({
    concurrency: 1,
    functions: (queueUrl) => [
      {
        name: 'bundled-worker',
        file: worker,
        codeDir: workerDir,
        env: { ...workerEnv, NOOB_QUEUE_URL: queueUrl },
      },
      // The same bundle deployed without the addon's setting: the twins run.
      {
        name: 'bundled-worker-plain',
        file: worker,
        codeDir: workerDir,
        env: { NOOB_QUEUE_URL: queueUrl },
      },
      { name: 'bundled-api', file: api, functionUrl: true, env: { NOOB_QUEUE_URL: queueUrl } },
    ],
  });
}, 240_000);
afterAll(async () => {
  await stack?.stop();
  rmSync(out, { recursive: true, force: true });
});

describe('the bundles the CDK app ships', () => {
  it('behavior: the bundled worker claims and completes tasks under the Lambda runtime', async () => {
    const tasks = Array.from({ length: 5 }, (_, i) => ({
      cid: `bundled-${i}`,
      input: { cid: `bundled-${i}`, type: 'noob.testing.multiply', inputs: { left: i } },
    }));
    const { jobId } = await stack.queue.submitJob({ tenant: 't', kind: 'tasks', tasks });
    expect(await claimWith('bundled-worker')).toMatchObject({ ok: true, succeeded: 5 });
    expect((await stack.queue.getJob('t', jobId)).state).toBe('succeeded');
  });

  it.skipIf(!ADDON_BUILT && !process.env.NOOB_NATIVE_REQUIRED)(
    'behavior: the worker bundle carries the addon’s Lambda artifact and its handler uses it; without the setting the twins run',
    async () => {
      expect(workerEnv.NOOB_NATIVE_PATH).toBe('/var/task/native/noob-native.node');
      const carried = await claimWith('bundled-worker');
      expect(carried.native).toEqual({
        addon: true,
        path: join(workerDir, 'native', 'noob-native.node'),
      });
      expect(stack.twin.environments('bundled-worker')[0]!.log).toContain(
        'noob worker: native addon in use',
      );
      const tasks = [
        {
          cid: 'plain-0',
          input: { cid: 'plain-0', type: 'noob.testing.multiply', inputs: { left: 3 } },
        },
      ];
      await stack.queue.submitJob({ tenant: 't', kind: 'tasks', tasks });
      const plain = await claimWith('bundled-worker-plain');
      expect(plain).toMatchObject({ ok: true, succeeded: 1, native: { addon: false } });
      expect(plain.native.reason).toContain('not built');
      expect(stack.twin.environments('bundled-worker-plain')[0]!.log).toContain(
        'native addon not used, TypeScript twins run',
      );
    },
  );

  it('behavior: the bundled API answers through its streaming Function URL, dashboard included', async () => {
    const url = stack.twin.functionUrl('bundled-api');
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ ok: true, database: 'remote' });
    const key = (await new KeyStore(stack.queue.driver).create('acme')).key;
    const jobs = await fetch(`${url}/v1/jobs`, { headers: { authorization: `Bearer ${key}` } });
    expect(jobs.status).toBe(200);
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
  });
});
