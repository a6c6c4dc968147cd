import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LambdaDispatcher } from '../../core/runners/lambda/dispatcher.ts';
import { SharedDispatcher } from '../../core/runners/lambda/shared-dispatcher.ts';
import { twinClient } from '../lambda-twin/sdk.ts';
import { LambdaTwin } from '../lambda-twin/twin.ts';

/**
 * The dispatcher's invokes through the real SDK to the local twin, whose `echo` function
 * records each event: how many invocations go out for how much work, and what happens
 * when the service refuses.
 */
const HANDLERS = join(import.meta.dirname, '..', 'lambda-twin', 'fixtures', 'handlers.ts');

let twin: LambdaTwin;
const client = () => twinClient(twin.endpoint);

beforeAll(async () => {
  twin = await LambdaTwin.start([{ name: 'echo', file: HANDLERS, export: 'echo' }]);
});
afterAll(async () => {
  await twin?.stop();
});

/** Resolves when `check` holds (bounded). */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 1_000 && !check(); i++) await new Promise((done) => setTimeout(done, 10));
  expect(check()).toBe(true);
}

describe('lambda dispatcher', () => {
  it('behavior: invokes asynchronously in proportion to outstanding work, within the concurrency limit, with a claim request as the event', async () => {
    const before = twin.invocations('echo').length;
    const dispatcher = new LambdaDispatcher({
      client: client(),
      functionName: 'echo',
      concurrency: 3,
      perInvocation: 8,
      activeMs: 60_000,
    });
    dispatcher.demand(12); // two invocations' worth
    await until(() => dispatcher.stats.invoked === 2);
    dispatcher.demand(100); // capped at three
    await until(() => dispatcher.stats.invoked === 3);
    dispatcher.demand(0);
    dispatcher.demand(5); // three still count as running: nothing more
    await new Promise((done) => setTimeout(done, 100));
    await dispatcher.stop();
    expect(dispatcher.stats).toEqual({ invoked: 3, throttled: 0, failed: 0 });
    const records = twin.invocations('echo').slice(before);
    expect(records.map((r) => r.type)).toEqual(['Event', 'Event', 'Event']);
    expect(JSON.parse(records[0]!.event)).toEqual({ claim: { max: 8, idleMs: 60_000 } });
  });

  it('behavior: once an invocation stops counting as running, outstanding work gets a new one', async () => {
    const dispatcher = new LambdaDispatcher({
      client: client(),
      functionName: 'echo',
      concurrency: 1,
      activeMs: 100,
    });
    dispatcher.demand(1);
    await until(() => dispatcher.stats.invoked >= 3);
    dispatcher.demand(0);
    await dispatcher.stop();
    const invoked = dispatcher.stats.invoked;
    await new Promise((done) => setTimeout(done, 250));
    expect(dispatcher.stats.invoked).toBe(invoked);
  });

  it('behavior: runs sharing a dispatcher share its concurrency: their demands add up, the limit holds for all', async () => {
    const shared = new SharedDispatcher({
      client: client(),
      functionName: 'echo',
      concurrency: 3,
      perInvocation: 8,
      activeMs: 60_000,
    });
    const [a, b, c] = [shared.forRun(), shared.forRun(), shared.forRun()];
    for (const run of [a, b, c]) run.start();
    a.demand(8);
    b.demand(8); // 16 in all: two invocations, not one per run
    await until(() => shared.stats.invoked === 2);
    c.demand(100); // capped at three for all runs, not three each
    await until(() => shared.stats.invoked === 3);
    await new Promise((done) => setTimeout(done, 100));
    await Promise.all([a.stop(), b.stop(), c.stop()]);
    await shared.stop();
    expect(shared.stats).toEqual({ invoked: 3, throttled: 0, failed: 0 });
  });

  it('error: throttles and service errors back off with jitter and are tried again until accepted', async () => {
    twin.injectFaults('echo', ['throttle', 'throttle', 'service-error', 'throttle']);
    const waits: number[] = [];
    const dispatcher = new LambdaDispatcher({
      client: client(),
      functionName: 'echo',
      concurrency: 1,
      activeMs: 60_000,
      backoffMs: 20,
      onError: (_error, retryInMs) => waits.push(retryInMs),
      random: () => 0.5,
    });
    dispatcher.demand(1);
    await until(() => dispatcher.stats.invoked === 1);
    await dispatcher.stop();
    expect(dispatcher.stats).toEqual({ invoked: 1, throttled: 3, failed: 1 });
    // Half of 20, 40, 80, 160 ms: the cap doubles after each refusal in a row.
    expect(waits).toEqual([10, 20, 40, 80]);
  });
});
