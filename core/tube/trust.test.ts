import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDoublingTube, writeMarkerModule } from '../../test/fixtures/module-tubes.ts';
import { SyncRunner } from '../runners/sync.ts';
import { type LoadTubeOptions, loadTube, loadTubeFromText } from './load.ts';

// trusted/: the operator's tube folder (a search path), with a module beside its tubes.
// submitted/: where tube text is resolved (the server's working folder), with a module
// that leaves a marker when imported. Made before the tests, not at import.
const root = join(tmpdir(), `noob-trust-${randomUUID()}`);
const trusted = join(root, 'trusted');
const submitted = join(root, 'submitted');
const marker = join(submitted, 'evil.imported');
let BASE: string;
beforeAll(() => {
  mkdirSync(trusted, { recursive: true });
  mkdirSync(submitted);
  writeMarkerModule(join(submitted, 'evil.ts'), marker);
  BASE = writeDoublingTube(trusted, 'trusted-base', 'base.yaml');
  writeFileSync(
    join(trusted, 'child.yaml'),
    `noob_id: trusted-child
input:
  x:
    scope: process
    type: int
nodes:
  b:
    type: ./nodes.ts#double
    depends:
      - value: input.x
  r:
    type: return
    depends: b.value
`,
  );
  writeFileSync(
    join(submitted, 'untrusted-child.yaml'),
    readFileSync(join(trusted, 'child.yaml'), 'utf8')
      .replace('trusted-child', 'untrusted-child')
      .replace('./nodes.ts#double', './evil.ts#x'),
  );
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const policy: LoadTubeOptions = {
  searchPaths: [trusted],
  modules: 'deny',
  trustSearchPaths: true,
};
const fromText = (text: string) =>
  loadTubeFromText(text, { ...policy, directory: submitted, file: 'submitted.yaml' });
const run = async (loading: ReturnType<typeof fromText>, epochs: number) => {
  const runner = new SyncRunner(await loading);
  try {
    return await runner.run(epochs);
  } finally {
    await runner.deinit();
  }
};
const refusal = (loading: Promise<unknown>) =>
  loading.then(
    () => 'loaded',
    (error: Error) => error.message,
  );

const extending = (nodes: string) => `noob_id: mine\nextends:\n  - trusted-base\nnodes:\n${nodes}`;

describe('trusted tube files', () => {
  it('default: a file in a trusted search path loads its own modules, the same text does not', async () => {
    expect(await run(loadTube(join(trusted, 'base.yaml'), policy), 3)).toEqual([0, 2, 4]);
    expect(await refusal(fromText(BASE.replace('./nodes.ts', join(trusted, 'nodes.ts'))))).toMatch(
      /node b: module type ".*nodes\.ts#double" is not allowed: module types are disabled/,
    );
  });

  it('behavior: trust is opt-in: without trustSearchPaths the policy binds every file', async () => {
    const { trustSearchPaths: _off, ...untrusting } = policy;
    expect(await refusal(loadTube(join(trusted, 'base.yaml'), untrusting))).toMatch(
      /node b: module type "\.\/nodes\.ts#double" is not allowed/,
    );
  });

  it('behavior: text that extends a trusted tube keeps its module types, resolved beside the base', async () => {
    expect(await run(fromText(extending('  b:\n    params:\n      unused: 1\n')), 3)).toEqual([
      0, 2, 4,
    ]);
    // A node of its own with built-in and stdlib types is fine too.
    const more =
      '  c:\n    type: noob.testing.multiply\n    depends:\n      - left: b.value\n      - right: a.index\n';
    expect(await run(fromText(extending(more)), 3)).toEqual([0, 2, 4]);
  });

  it('error: text that extends a trusted tube cannot add or retype module nodes', async () => {
    const added = '  c:\n    type: ./evil.ts#x\n    depends:\n      - value: a.index\n';
    expect(await refusal(fromText(extending(added)))).toMatch(
      /node c: module type "\.\/evil\.ts#x" is not allowed: module types are disabled/,
    );
    // Retyping the trusted node, even with the very string the base wrote, is the
    // submitter's own type.
    for (const type of [
      './evil.ts#x',
      './nodes.ts#double',
      `${join(trusted, 'nodes.ts')}#double`,
    ]) {
      expect(await refusal(fromText(extending(`  b:\n    type: ${type}\n`))), type).toMatch(
        /node b: module type .* is not allowed/,
      );
    }
    expect(existsSync(marker)).toBe(false);
  });

  it('behavior: text may nest a trusted tube; a nested untrusted one is under the policy', async () => {
    const nesting = (child: string) => `noob_id: mine
nodes:
  a:
    type: noob.testing.count_source
  n:
    type: tube
    params:
      tube: ${child}
    depends:
      - x: a.index
  r:
    type: return
    depends: n.value
`;
    expect(await run(fromText(nesting('trusted-child')), 3)).toEqual([0, 2, 4]);
    expect(await refusal(fromText(nesting('untrusted-child')))).toMatch(
      /nested tube "untrusted-child" is invalid:[\s\S]*node b: module type "\.\/evil\.ts#x" is not allowed/,
    );
    expect(existsSync(marker)).toBe(false);
  });
  it('behavior: searchDirectory: false: text finds tubes in the search paths only; hideFolders names no folder', async () => {
    const text = `noob_id: mine\nextends:\n  - untrusted-child\nnodes:\n  a:\n    type: noob.testing.count_source\n`;
    const local = { ...policy, directory: submitted, searchDirectory: false };
    expect(await refusal(loadTubeFromText(text, local))).toContain(
      `extends "untrusted-child": no tube with that noob_id in ${trusted}`,
    );
    const hidden = await refusal(loadTubeFromText(text, { ...local, hideFolders: true }));
    expect(hidden).toContain('extends "untrusted-child": no registered tube with that noob_id');
    expect(hidden).not.toContain(root);
  });

  it('behavior: copyOf: text read as a trusted file has its trust and folder, though the file now differs', async () => {
    const edited = `${BASE}# an edit the file does not have\n`;
    const copy = (copyOf: string) => loadTubeFromText(edited, { ...policy, file: 'job', copyOf });
    expect(await run(copy(join(trusted, 'base.yaml')), 3)).toEqual([0, 2, 4]);
    // Outside the trusted folders the copy is under the policy, as that file would be.
    expect(await refusal(copy(join(submitted, 'base.yaml')))).toMatch(
      /node b: module type "\.\/nodes\.ts#double" is not allowed/,
    );
  });
});
