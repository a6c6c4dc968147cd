import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { openQueue } from '../queue/open.ts';
import type { LambdaDispatcherOptions } from '../runners/lambda/dispatcher.ts';
import { LambdaRunner } from '../runners/lambda/runner.ts';
import type { Runner } from '../runners/runner.ts';
import type { Tube } from '../tube/tube.ts';
import { UsageError } from './usage.ts';

/** What `--runner lambda` takes, from flags or the environment. */
export interface LambdaChoice {
  /** The worker function's name or ARN (`--function`, else `NOOB_LAMBDA_FUNCTION`). */
  function?: string | undefined;
  /** The queue the worker Lambdas claim from (`--db`, else `NOOB_QUEUE_URL`). */
  db?: string | undefined;
  /** Worker invocations at once at most (`--lambda-concurrency`, else `NOOB_LAMBDA_CONCURRENCY`, default 10). */
  lambdaConcurrency?: string | undefined;
}

/** `--runner lambda`'s settings, checked. */
export interface LambdaSettings {
  functionName: string;
  queueUrl: string;
  /** `NOOB_QUEUE_TOKEN`: the remote queue's auth token (never a flag: `ps` shows flags). */
  queueToken: string | undefined;
  concurrency: number;
}

/**
 * Reads `--runner lambda`'s settings: flags first, then the environment (what a service
 * definition sets). The AWS side (region, credentials, an endpoint such as a local twin's
 * through `AWS_ENDPOINT_URL_LAMBDA`) is the SDK's usual configuration.
 */
export function lambdaSettings(
  choice: LambdaChoice,
  env: Record<string, string | undefined> = process.env,
): LambdaSettings {
  const functionName = choice.function ?? env.NOOB_LAMBDA_FUNCTION;
  if (!functionName)
    throw new UsageError(
      '--runner lambda needs --function NAME (or NOOB_LAMBDA_FUNCTION): the worker function to invoke',
    );
  const queueUrl = choice.db ?? env.NOOB_QUEUE_URL;
  if (!queueUrl)
    throw new UsageError(
      '--runner lambda needs --db URL (or NOOB_QUEUE_URL): the queue the worker Lambdas claim from, a libsql:// or http(s):// server they reach',
    );
  const concurrencyText = choice.lambdaConcurrency ?? env.NOOB_LAMBDA_CONCURRENCY ?? '10';
  const concurrency = Number(concurrencyText);
  if (!/^\d+$/.test(concurrencyText.trim()) || concurrency < 1)
    throw new UsageError(
      `--lambda-concurrency takes a whole number of invocations ≥ 1, got "${concurrencyText}"`,
    );
  return { functionName, queueUrl, queueToken: env.NOOB_QUEUE_TOKEN, concurrency };
}

/**
 * A Lambda client (the SDK's usual region, credentials and endpoint settings) once the
 * worker function is known to be invocable by it (a `DryRun` invoke: it exists, and these
 * credentials may invoke it), so a misspelt name fails at once instead of being retried
 * with backoff for ever.
 */
export async function workerFunctionClient(functionName: string): Promise<LambdaClient> {
  const client = new LambdaClient({});
  try {
    await client.send(new InvokeCommand({ FunctionName: functionName, InvocationType: 'DryRun' }));
    return client;
  } catch (error) {
    client.destroy();
    const { name, message } = error as Error;
    throw new UsageError(
      `the worker function "${functionName}" cannot be invoked: ${name}: ${message} (check --function, the region and the credentials)`,
    );
  }
}

/**
 * What a lambda runner's dispatcher is told: the function, the limit, and where its
 * failures go (one line per kind of failure, so a long outage does not flood stderr).
 */
export function dispatcherOptions(
  client: LambdaClient,
  settings: LambdaSettings,
  stderr: NodeJS.WritableStream,
): LambdaDispatcherOptions {
  const said = new Set<string>();
  return {
    client,
    functionName: settings.functionName,
    concurrency: settings.concurrency,
    onError: (error, retryInMs) => {
      const { name, message } = error as Error;
      if (said.has(name)) return;
      said.add(name);
      stderr.write(
        `noob: invoking ${settings.functionName} failed (${name}: ${message}); trying again in ${retryInMs} ms\n`,
      );
    },
  };
}

/**
 * The lambda runner for `noob run`: node calls become tasks on the queue, and worker
 * Lambdas are invoked to claim them. Closing it closes the queue and the client.
 */
export async function createLambdaRunner(
  tube: Tube,
  choice: LambdaChoice,
  stderr: NodeJS.WritableStream = process.stderr,
): Promise<{ runner: Runner; close(): Promise<void> }> {
  const settings = lambdaSettings(choice);
  const client = await workerFunctionClient(settings.functionName);
  const queue = await openQueue(
    settings.queueUrl,
    settings.queueToken ? { authToken: settings.queueToken } : {},
  );
  const runner = new LambdaRunner(tube, {
    queue,
    lambda: dispatcherOptions(client, settings, stderr),
  });
  return {
    runner,
    close: async () => {
      await queue.close();
      client.destroy();
    },
  };
}
