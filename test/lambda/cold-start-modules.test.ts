import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleWorker, type WorkerBundle } from '../../bench/lambda/worker-bundle.ts';
import { type Sqld, startSqld } from '../queue/sqld.ts';

/**
 * What the worker's deployed bundle loads of Node by the end of its first invocation:
 * the cold start's cheapest parts are the modules never loaded. undici (behind the global
 * `fetch`, `Request`, `Headers` and, through its `WebSocket` getter, an ES import of
 * `node:http`) and `tls` (with the `ws` package) cost about 45 ms of CPU at every cold
 * start (docs/lambda-performance.md); this fails if either comes back.
 */
let sqld: Sqld;
let bundle: WorkerBundle;
beforeAll(async () => {
  sqld = await startSqld();
  bundle = await bundleWorker({ minify: true });
});
afterAll(async () => {
  bundle?.dispose();
  await sqld?.stop();
});

/** Run the bundle's first invocation in a fresh Node process; the built-in modules it loaded. */
function firstInvocationModules(): { report: { ok: boolean }; modules: string[] } {
  const probe = join(dirname(bundle.file), 'probe.mjs');
  writeFileSync(
    probe,
    `const { handler } = await import('./index.mjs');
const report = await handler({ claim: { tags: ['none'] } }, { getRemainingTimeInMillis: () => 60_000 });
process.stdout.write(JSON.stringify({ report, modules: process.moduleLoadList }));
process.exit(0);`,
  );
  const out = execFileSync(process.execPath, [probe], {
    env: { ...process.env, NOOB_QUEUE_URL: sqld.url, NODE_OPTIONS: '' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return JSON.parse(out.slice(out.indexOf('{"report"')));
}

describe('the worker bundle at a cold start', () => {
  it('behavior: its first invocation claims over HTTP without loading undici, tls or http2', () => {
    const { report, modules } = firstInvocationModules();
    expect(report.ok).toBe(true);
    expect(modules).toContain('NativeModule http');
    for (const heavy of ['internal/deps/undici/undici', 'tls', 'http2']) {
      expect(modules).not.toContain(`NativeModule ${heavy}`);
    }
  });
});
