import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SyncRunner } from '../runners/sync.ts';
import { loadTube, loadTubeFromText } from '../tube/load.ts';
import { defineNode } from './define.ts';
import { createRegistry } from './registry.ts';

const root = mkdtempSync(join(tmpdir(), 'noob-registry-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('node registry', () => {
  it('behavior: "package#export" resolves from the tube folder like an import', async () => {
    const pkg = join(root, 'node_modules', 'triple-nodes');
    mkdirSync(pkg, { recursive: true });
    writeFileSync(
      join(pkg, 'package.json'),
      JSON.stringify({ name: 'triple-nodes', type: 'module', main: 'index.js' }),
    );
    writeFileSync(
      join(pkg, 'index.js'),
      'export function triple({ value }) { return value * 3; }\n',
    );
    writeFileSync(
      join(root, 'tube.yaml'),
      'noob_id: pkg\nnodes:\n  a:\n    type: noob.testing.count_source\n  b:\n    type: triple-nodes#triple\n    depends:\n      - value: a.index\n  r:\n    type: return\n    depends: b.value\n',
    );
    const runner = new SyncRunner(await loadTube(join(root, 'tube.yaml')));
    expect(await runner.run(3)).toEqual([0, 3, 6]);
    await runner.deinit();
  });

  it('behavior: types registered by the program resolve by name', async () => {
    const registry = createRegistry();
    registry.register('acme.square', defineNode({ slots: { x: {} }, process: ({ x }) => x * x }));
    const tube = await loadTubeFromText(
      'noob_id: t\nnodes:\n  a:\n    type: noob.testing.count_source\n  b:\n    type: acme.square\n    depends:\n      - x: a.index\n  r:\n    type: return\n    depends: b.value\n',
      { registry },
    );
    const runner = new SyncRunner(tube);
    expect(await runner.run(4)).toEqual([0, 1, 4, 9]);
    await runner.deinit();
  });

  it('error: a missing module, a missing export and a non-node export say which', async () => {
    writeFileSync(join(root, 'plain.ts'), 'export const notANode = 42;\n');
    const load = (type: string) =>
      loadTubeFromText(`noob_id: t\nnodes:\n  a:\n    type: "${type}"\n`, {
        directory: root,
        file: 'inline.yaml',
      }).catch((error: Error) => error.message);
    expect(await load('./missing.ts#x')).toMatch(/node a: cannot import "\.\/missing\.ts"/);
    expect(await load('./plain.ts#other')).toMatch(
      /module "\.\/plain\.ts" has no export "other" \(exports: notANode\)/,
    );
    expect(await load('./plain.ts#notANode')).toMatch(
      /export of "\.\/plain\.ts#notANode" is not a node/,
    );
    expect(await load('no-such-package#x')).toMatch(/cannot find module "no-such-package"/);
  });
});
