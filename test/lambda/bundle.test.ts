import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyStore } from '../../functions/api/keys.ts';
import { NoobStack } from '../../infra/cdk/stack.ts';
import { type LambdaStack, startLambdaStack } from './stack.ts';

/**
 * What the deployment ships runs: the CDK app is synthesized (esbuild bundles both
 * functions, with the native driver and the SQL files beside them), and the bundles
 * themselves, not the sources, are deployed to the local Lambda twin over a real sqld.
 */
const out = mkdtempSync(join(tmpdir(), 'noob-bundle-'));
let stack: LambdaStack;

/** The staged bundle folder of the function whose logical id starts with `prefix`. */
function bundleOf(template: Template, prefix: string): string {
  const [fn] = Object.entries(template.findResources('AWS::Lambda::Function')).filter(([id]) =>
    id.startsWith(prefix),
  );
  const key = String(fn![1].Properties.Code.S3Key).replace(/\.zip$/, '');
  return join(out, `asset.${key}`, 'index.mjs');
}

beforeAll(async () => {
  const app = new App({ outdir: out });
  const template = Template.fromStack(new NoobStack(app, 'noob'));
  app.synth();
  const worker = bundleOf(template, 'WorkerFunction');
  const api = bundleOf(template, 'ApiFunction');
  stack = await startLambdaStack({
    concurrency: 1,
    functions: (queueUrl) => [
      { name: 'bundled-worker', file: worker, env: { NOOB_QUEUE_URL: queueUrl } },
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
    const answer = await stack.client.send(
      new InvokeCommand({ FunctionName: 'bundled-worker', Payload: '{"claim":{}}' }),
    );
    expect(answer.FunctionError).toBeUndefined();
    expect(JSON.parse(Buffer.from(answer.Payload!).toString())).toMatchObject({
      ok: true,
      succeeded: 5,
    });
    expect((await stack.queue.getJob('t', jobId)).state).toBe('succeeded');
  });

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
