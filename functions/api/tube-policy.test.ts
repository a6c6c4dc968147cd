import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { writeDoublingTube, writeMarkerModule } from '../../test/fixtures/module-tubes.ts';
import type { ApiAppOptions } from './app.ts';
import { type ApiTestEnv, apiTestEnv, authed, BASIC_TUBE, TEST_TUBE_PATHS } from './test-env.ts';

// registered/: a tube folder of the server's, with a tube that uses a module beside it.
// cwd/: the folder submitted text resolves against, holding modules (a file and a
// package) that leave a marker file when imported. Made before the tests, not at import.
const root = join(tmpdir(), `noob-tube-policy-${randomUUID()}`);
const registered = join(root, 'registered');
const cwd = join(root, 'cwd');
const evilPackage = join(cwd, 'node_modules', 'evil-nodes');
const markerOf = (name: string) => join(root, `${name}.imported`);
const BASIC = readFileSync(BASIC_TUBE, 'utf8');
let REGISTERED: string;
beforeAll(() => {
  mkdirSync(registered, { recursive: true });
  mkdirSync(evilPackage, { recursive: true });
  writeMarkerModule(join(cwd, 'evil.ts'), markerOf('file'));
  writeMarkerModule(join(root, 'absolute.ts'), markerOf('absolute'));
  writeFileSync(
    join(evilPackage, 'package.json'),
    '{"name":"evil-nodes","type":"module","main":"index.js"}',
  );
  writeMarkerModule(join(evilPackage, 'index.js'), markerOf('package'));
  REGISTERED = writeDoublingTube(registered, 'policy-doubles');
  // A registered tube that extends the one beside it.
  writeFileSync(
    join(registered, 'extends.yaml'),
    'noob_id: policy-extends\nextends:\n  - policy-doubles\nnodes:\n  b:\n    params:\n      unused: 1\n',
  );
  // A tube under the server's working folder, in no tube folder: not a registered one.
  mkdirSync(join(cwd, 'private'), { recursive: true });
  writeFileSync(
    join(cwd, 'private', 'private.yaml'),
    BASIC.replace('testing-basic', 'private-tube'),
  );
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

let env: ApiTestEnv;
afterEach(async () => {
  await env?.close();
  for (const name of ['file', 'absolute', 'package']) rmSync(markerOf(name), { force: true });
});

const start = async (options: Partial<ApiAppOptions> = {}) => {
  env = await apiTestEnv({
    tubePaths: [...TEST_TUBE_PATHS, registered],
    directory: cwd,
    ...options,
  });
};
const submit = async (tube: string) => {
  const response = await env.app.request('/v1/jobs', authed(env.acme, 'POST', { tube }));
  return { status: response.status, body: (await response.json()) as any };
};
/** A tube whose node `evil` has `type`. */
const withType = (type: string) =>
  `noob_id: submitted\nnodes:\n  a:\n    type: noob.testing.count_source\n  evil:\n    type: "${type}"\n    depends:\n      - value: a.index\n  r:\n    type: return\n    depends: evil.value\n`;
const jobCount = async () =>
  Object.values((await env.queue.stats()).jobs).reduce((sum, n) => sum + n, 0);

describe('module types in submitted tubes', () => {
  it('error: a file, absolute path or package type is a 400 naming node and type; nothing is imported or queued', async () => {
    await start();
    const cases: Array<[string, string]> = [
      ['./evil.ts#x', 'file'],
      [`${join(root, 'absolute.ts')}#x`, 'absolute'],
      ['evil-nodes#x', 'package'],
    ];
    for (const [type, marker] of cases) {
      const { status, body } = await submit(withType(type));
      expect(status, type).toBe(400);
      expect(body.error.code).toBe('invalid_tube');
      expect(body.error.message).toContain(
        `node evil: module type "${type}" is not allowed: module types are disabled for submitted tubes; an operator enables them with \`noob serve --allow-modules\``,
      );
      expect(body.error.details).toEqual([
        expect.objectContaining({ nodeId: 'evil', path: 'nodes.evil.type', line: 6 }),
      ]);
      expect(existsSync(markerOf(marker)), type).toBe(false);
    }
    // Assets are types too.
    const asset = await submit(
      `${BASIC}assets:\n  store:\n    type: ./evil.ts#x\n    scope: runner\n`,
    );
    expect(asset.status).toBe(400);
    expect(asset.body.error.message).toMatch(
      /asset store: module type "\.\/evil\.ts#x" is not allowed: module types are disabled for submitted tubes/,
    );
    expect(existsSync(markerOf('file'))).toBe(false);
    expect(await jobCount()).toBe(0);
  });

  it('default: built-ins and the noob.* standard library are fine', async () => {
    await start();
    expect((await submit(BASIC)).status).toBe(202);
    expect((await submit('testing-basic')).status).toBe(202);
  });

  it("behavior: modules: 'allow' lets submitted tubes load any module", async () => {
    await start({ modules: 'allow' });
    expect((await submit(withType('./evil.ts#x'))).status).toBe(202);
    expect((await submit(withType('evil-nodes#x'))).status).toBe(202);
    expect(existsSync(markerOf('file'))).toBe(true);
    expect(existsSync(markerOf('package'))).toBe(true);
  });

  it('behavior: an allow-list lets in the packages and folders it names, no others', async () => {
    await start({ modules: { allow: ['evil-nodes', root] } });
    expect((await submit(withType('evil-nodes#x'))).status).toBe(202);
    expect((await submit(withType(`${join(root, 'absolute.ts')}#x`))).status).toBe(202);
    await env.close();
    await start({ modules: { allow: ['other-package', registered] } });
    const { status, body } = await submit(withType('./evil.ts#x'));
    expect(status).toBe(400);
    expect(body.error.message).toMatch(
      /node evil: module type "\.\/evil\.ts#x" is not allowed: .*evil\.ts is in none of the folders allowed for submitted tubes \(allowed: other-package, /,
    );
    expect(existsSync(markerOf('file'))).toBe(false);
  });

  it('behavior: a registered tube uses its own module, by noob_id or as its text verbatim', async () => {
    await start();
    expect((await submit('policy-doubles')).status).toBe(202);
    expect((await submit(REGISTERED)).status).toBe(202);
    // Changed, it is submitted text like any other.
    const changed = await submit(`${REGISTERED}# mine now\n`);
    expect(changed.status).toBe(400);
    expect(changed.body.error.details[0]).toMatchObject({ nodeId: 'b' });
  });

  it('error: a tube extending a registered one keeps its modules but may not add its own', async () => {
    await start();
    const extending = (nodes: string) =>
      `noob_id: mine\nextends:\n  - policy-doubles\nnodes:\n${nodes}`;
    expect((await submit(extending('  b:\n    params:\n      unused: 1\n'))).status).toBe(202);
    const added = await submit(
      extending('  c:\n    type: ./evil.ts#x\n    depends:\n      - value: b.value\n'),
    );
    expect(added.status).toBe(400);
    expect(added.body.error.message).toMatch(/node c: module type "\.\/evil\.ts#x" is not allowed/);
    const retyped = await submit(extending('  b:\n    type: ./evil.ts#x\n'));
    expect(retyped.status).toBe(400);
    expect(retyped.body.error.details[0]).toMatchObject({ nodeId: 'b' });
    expect(existsSync(markerOf('file'))).toBe(false);
  });
});

describe('tubes a submitted tube names', () => {
  /** Whether `text` names an absolute path (a server folder, the tube folders, the cwd). */
  const namesAPath = (text: string) =>
    [root, ...TEST_TUBE_PATHS, process.cwd()].some((folder) => text.includes(folder));

  it('error: text may not extend or nest a tube under the working folder; the 400 names its noob_id and no folder', async () => {
    await start();
    const extending =
      'noob_id: mine\nextends:\n  - private-tube\nnodes:\n  extra:\n    type: noob.testing.count_source\n';
    const nesting =
      'noob_id: mine\nnodes:\n  child:\n    type: tube\n    params:\n      tube: private-tube\n  r:\n    type: return\n    depends: child.value\n';
    for (const [tube, expected] of [
      [extending, 'extends "private-tube": no registered tube with that noob_id'],
      [nesting, 'node child: no registered tube with noob_id "private-tube"'],
      ['private-tube', 'no registered tube with noob_id "private-tube"'],
    ] as const) {
      const { status, body } = await submit(tube);
      expect(status, tube).toBe(400);
      expect(body.error.code).toBe('invalid_tube');
      expect(body.error.message).toContain(expected);
      expect(namesAPath(JSON.stringify(body.error)), JSON.stringify(body.error)).toBe(false);
    }
    expect(await jobCount()).toBe(0);
  });

  it('behavior: a registered tube extends the one beside it; text extends registered tubes', async () => {
    await start();
    expect((await submit('policy-extends')).status).toBe(202);
    expect(
      (
        await submit(
          'noob_id: mine\nextends:\n  - policy-extends\nnodes:\n  r:\n    depends: b.value\n',
        )
      ).status,
    ).toBe(202);
  });

  it('error: a registered tube extending a missing one is refused without naming server folders', async () => {
    const broken = join(root, 'broken');
    mkdirSync(broken, { recursive: true });
    writeFileSync(join(broken, 'broken.yaml'), 'noob_id: policy-broken\nextends:\n  - nowhere\n');
    await start({ tubePaths: [...TEST_TUBE_PATHS, registered, broken] });
    const { status, body } = await submit('policy-broken');
    expect(status).toBe(400);
    expect(body.error.message).toContain('extends "nowhere": no registered tube with that noob_id');
    expect(namesAPath(JSON.stringify(body.error))).toBe(false);
  });
});
