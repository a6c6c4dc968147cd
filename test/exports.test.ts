import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

/**
 * The public surface, pinned: adding or removing an export is a deliberate change to this
 * list (as viem does). Entries are imported by package name, as users do.
 */
const ROOT = join(import.meta.dirname, '..');

it('default: package.json exports one entry per area', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  expect(Object.keys(pkg.exports)).toEqual([
    '.',
    './runners',
    './client',
    './contracts',
    './package.json',
  ]);
});

it('default: noob', async () => {
  expect(Object.keys(await import('noob')).sort()).toMatchInlineSnapshot(`
    [
      "Epoch",
      "EventStore",
      "Exhausted",
      "InputError",
      "NoEvent",
      "NoobError",
      "TaskTooLargeError",
      "TubeLoadError",
      "UnaddressableValueError",
      "UnrecoverableError",
      "cidOf",
      "createRegistry",
      "defineAsset",
      "defineNode",
      "isAssetDefinition",
      "isNoEvent",
      "isNodeDefinition",
      "loadTube",
      "loadTubeFromText",
      "resolveTubeSpecification",
      "slot",
      "taskCid",
      "tubeCid",
      "tubeJsonSchema",
    ]
  `);
});

it('default: noob/client', async () => {
  expect(Object.keys(await import('noob/client')).sort()).toMatchInlineSnapshot(`
    [
      "ApiError",
      "JobWaitTimeoutError",
      "createNoobClient",
    ]
  `);
});

it('default: noob/runners', async () => {
  expect(Object.keys(await import('noob/runners')).sort()).toMatchInlineSnapshot(`
    [
      "EngineRunner",
      "LiveObjectError",
      "NodeRunError",
      "ParallelRunner",
      "RunCancelledError",
      "RunnerStateError",
      "StatefulNodeLostError",
      "SyncRunner",
      "TubeExhaustedError",
      "WorkerThreadExitedError",
    ]
  `);
});
