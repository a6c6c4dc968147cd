import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeMarkerModule } from '../../test/fixtures/module-tubes.ts';
import { defineNode } from './define.ts';
import { moduleTypeRefusal } from './module-policy.ts';
import { createRegistry } from './registry.ts';

// Made before the tests and removed after (not at import: a run that filters every test
// out of this file runs no hooks).
const root = join(tmpdir(), `noob-module-policy-${randomUUID()}`);
beforeAll(() => mkdirSync(root));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A module that leaves a marker behind when it is imported, and the marker's path. */
function markerModule(name: string): { file: string; marker: string } {
  const file = join(root, `${name}.ts`);
  const marker = join(root, `${name}.imported`);
  writeMarkerModule(file, marker);
  return { file, marker };
}

describe('module policy', () => {
  it("behavior: 'deny' refuses file and package types before importing them, with the remedy", async () => {
    const { file, marker } = markerModule('denied');
    const registry = createRegistry({ modules: 'deny' });
    for (const type of ['./denied.ts#x', `${file}#x`, 'some-package#x', 'node:fs#readFileSync']) {
      const resolution = await registry.resolveNode(type, root);
      expect(resolution.ok, type).toBe(false);
      expect(!resolution.ok && resolution.reason).toMatch(
        new RegExp(
          `module type "${type}" is not allowed: module types are disabled .*modules option`,
        ),
      );
    }
    expect(existsSync(marker)).toBe(false);
  });

  it("behavior: under 'deny' built-ins, the standard library and registered types resolve", async () => {
    const registry = createRegistry({ modules: 'deny' });
    registry.register('acme#square', defineNode({ slots: { x: {} }, process: ({ x }) => x * x }));
    for (const type of ['return', 'map', 'noob.testing.count_source', 'acme#square']) {
      expect((await registry.resolveNode(type, root)).ok, type).toBe(true);
    }
  });

  it('behavior: an allow-list admits files inside its folders and the packages it names', () => {
    const policy = { allow: [join(root, 'nodes'), '@acme/nodes', 'lodash'] };
    const refusal = (type: string) => moduleTypeRefusal(type, root, policy);
    expect(refusal('./nodes/a.ts#f')).toBeUndefined();
    expect(refusal(`${join(root, 'nodes', 'deep', 'b.ts')}#f`)).toBeUndefined();
    expect(refusal('@acme/nodes/extra#f')).toBeUndefined();
    expect(refusal('lodash#sum')).toBeUndefined();
    expect(refusal('./nodes/../evil.ts#f')).toMatch(/evil\.ts is in none of the folders allowed/);
    expect(refusal('./nodes-evil/a.ts#f')).toMatch(/is in none of the folders allowed/);
    expect(refusal('@acme/other#f')).toMatch(/package "@acme\/other" is not one allowed/);
    expect(refusal('lodash-evil#f')).toMatch(/package "lodash-evil" is not one allowed/);
    // require() joins a package subpath as a path: `..` would leave the package.
    for (const type of ['lodash/../../evil#f', 'lodash/./x/../../../evil#f', '@acme/nodes/..#f'])
      expect(refusal(type), type).toMatch(/may not step out of its package/);
    // A package name in the list never admits a path, nor a folder a package.
    expect(moduleTypeRefusal('./lodash#f', root, { allow: ['lodash'] })).toMatch(/folders/);
  });

  it('behavior: a resolution’s own rules replace the registry’s, with their hint', async () => {
    const { marker } = markerModule('override');
    const registry = createRegistry({ modules: 'deny' });
    const allowed = await registry.resolveNode('./override.ts#x', root, { modules: 'allow' });
    expect(allowed.ok).toBe(true);
    expect(existsSync(marker)).toBe(true);

    const open = createRegistry();
    const refused = await open.resolveNode('./override.ts#x', root, {
      modules: 'deny',
      modulesHint: { subject: 'submitted tubes', remedy: 'ask the operator' },
    });
    expect(!refused.ok && refused.reason).toBe(
      'module type "./override.ts#x" is not allowed: module types are disabled for submitted tubes; ask the operator',
    );
  });

  it('behavior: an allowed package still resolves from the tube folder', async () => {
    const pkg = join(root, 'node_modules', 'listed-nodes');
    mkdirSync(pkg, { recursive: true });
    writeFileSync(
      join(pkg, 'package.json'),
      '{"name":"listed-nodes","type":"module","main":"i.js"}',
    );
    writeFileSync(join(pkg, 'i.js'), 'export function one() { return 1; }\n');
    const registry = createRegistry({ modules: { allow: ['listed-nodes'] } });
    expect((await registry.resolveNode('listed-nodes#one', root)).ok).toBe(true);
  });
});
