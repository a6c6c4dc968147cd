import { join } from 'node:path';
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { twinClient } from './sdk.ts';
import { LambdaTwin } from './twin.ts';

const HANDLERS = join(import.meta.dirname, 'fixtures', 'handlers.ts');
const BROKEN = join(import.meta.dirname, 'fixtures', 'broken.ts');

let twin: LambdaTwin;
let client: LambdaClient;

beforeAll(async () => {
  twin = await LambdaTwin.start([
    { name: 'echo', file: HANDLERS, export: 'echo', reservedConcurrency: 2 },
    { name: 'fail', file: HANDLERS, export: 'fail' },
    { name: 'slow', file: HANDLERS, export: 'slow', reservedConcurrency: 1, timeoutMs: 20_000 },
    { name: 'timeout', file: HANDLERS, export: 'slow', timeoutMs: 300 },
    { name: 'broken', file: BROKEN },
    { name: 'stream', file: HANDLERS, export: 'stream', functionUrl: true },
  ]);
  client = twinClient(twin.endpoint);
});
afterAll(async () => {
  client?.destroy();
  await twin?.stop();
});

const json = (payload: Uint8Array | undefined) =>
  JSON.parse(Buffer.from(payload ?? new Uint8Array()).toString());

const invoke = (name: string, event: unknown, type?: 'Event' | 'RequestResponse') =>
  client.send(
    new InvokeCommand({
      FunctionName: name,
      Payload: JSON.stringify(event),
      ...(type ? { InvocationType: type } : {}),
    }),
  );

describe('local Lambda twin', () => {
  it('behavior: a RequestResponse invoke runs the handler under the runtime client and answers; the next one reuses the warm environment', async () => {
    const first = await invoke('echo', { n: 1 });
    expect(first.StatusCode).toBe(200);
    expect(first.FunctionError).toBeUndefined();
    const a = json(first.Payload);
    expect(a).toMatchObject({ event: { n: 1 }, functionName: 'echo', hasTimeLeft: true, calls: 1 });
    expect(a.pid).not.toBe(process.pid);
    const b = json((await invoke('echo', { n: 2 })).Payload);
    expect(b).toMatchObject({ event: { n: 2 }, pid: a.pid, calls: 2 });
    expect(b.requestId).not.toBe(a.requestId);
  });

  it('behavior: an Event invoke answers 202 at once and runs the handler afterwards', async () => {
    const before = twin.invocations('echo').length;
    const answer = await invoke('echo', { async: true }, 'Event');
    expect(answer.StatusCode).toBe(202);
    await twin.settled();
    const records = twin.invocations('echo').slice(before);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ type: 'Event', outcome: 'response' });
    expect(JSON.parse(records[0]!.response!).event).toEqual({ async: true });
  });

  it('error: a handler that throws answers with X-Amz-Function-Error and its error', async () => {
    const answer = await invoke('fail', {});
    expect(answer.StatusCode).toBe(200);
    expect(answer.FunctionError).toBe('Unhandled');
    expect(json(answer.Payload)).toMatchObject({
      errorType: 'TypeError',
      errorMessage: 'the event is not what this handler takes',
    });
  });

  it('error: a handler file that cannot load fails the invocation with its init error', async () => {
    const answer = await invoke('broken', {});
    expect(answer.FunctionError).toBe('Unhandled');
    expect(JSON.stringify(json(answer.Payload))).toContain('this module cannot load');
  });

  it('error: past reserved concurrency a synchronous invoke is throttled with TooManyRequestsException', async () => {
    const running = invoke('slow', { ms: 1_500 });
    // The one environment is busy once the twin records the first invocation.
    for (let i = 0; i < 200 && twin.invocations('slow').length === 0; i++)
      await new Promise((done) => setTimeout(done, 10));
    await expect(invoke('slow', { ms: 1 })).rejects.toMatchObject({
      name: 'TooManyRequestsException',
      $metadata: { httpStatusCode: 429 },
    });
    expect(json((await running).Payload)).toMatchObject({ slept: 1_500 });
  });

  it('error: injected throttles and service errors reach the SDK as its typed exceptions', async () => {
    twin.injectFaults('echo', ['throttle', 'service-error']);
    await expect(invoke('echo', {}, 'Event')).rejects.toMatchObject({
      name: 'TooManyRequestsException',
    });
    await expect(invoke('echo', {})).rejects.toMatchObject({
      name: 'ServiceException',
      $metadata: { httpStatusCode: 500 },
    });
    expect((await invoke('echo', {})).StatusCode).toBe(200);
  });

  it('error: an unknown function is ResourceNotFoundException', async () => {
    await expect(invoke('nope', {})).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('error: an invocation past its timeout ends as Sandbox.Timedout and the next one gets a new environment', async () => {
    const answer = await invoke('timeout', { ms: 5_000 });
    expect(answer.FunctionError).toBe('Unhandled');
    expect(json(answer.Payload)).toMatchObject({ errorType: 'Sandbox.Timedout' });
    const next = await invoke('timeout', { ms: 1 });
    expect(next.FunctionError).toBeUndefined();
  });

  it('error: a runtime process killed mid-invocation ends it with Runtime.ExitError', async () => {
    const running = invoke('slow', { ms: 10_000 });
    let pid: number | undefined;
    for (let i = 0; i < 500 && pid === undefined; i++) {
      pid = twin.environments('slow').find((e) => e.state === 'busy')?.pid;
      if (pid === undefined) await new Promise((done) => setTimeout(done, 10));
    }
    process.kill(pid!, 'SIGKILL');
    const answer = await running;
    expect(answer.FunctionError).toBe('Unhandled');
    expect(json(answer.Payload)).toMatchObject({ errorType: 'Runtime.ExitError' });
  });

  it('behavior: a streaming function behind its Function URL sends status, headers and body as it writes them', async () => {
    const response = await fetch(`${twin.functionUrl('stream')}/some/path?x=1`);
    expect(response.status).toBe(201);
    expect(response.headers.get('x-path')).toBe('/some/path');
    const reader = response.body!.getReader();
    const first = await reader.read();
    // The first line arrives before the handler has written the rest.
    expect(Buffer.from(first.value!).toString()).toBe('line 0\n');
    let rest = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
      rest += Buffer.from(chunk.value).toString();
    expect(rest).toBe('line 1\nline 2\n');
  });
});
