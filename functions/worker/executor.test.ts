import { randomUUID } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeMarkerFolders } from '../../test/fixtures/module-tubes.ts';
import { ModuleNotAllowedError, TaskExecutor, UnknownNodeTypeError } from './executor.ts';

// Two folders, each with a module that leaves a marker when it is imported.
const root = join(tmpdir(), `noob-executor-${randomUUID()}`);
const [inside, outside] = [join(root, 'allowed'), join(root, 'other')] as const;
beforeAll(() => writeMarkerFolders(root, ['allowed', 'other']));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const task = (type: string, inputs: Record<string, unknown> = { value: 7 }) => ({
  cid: `c-${randomUUID()}`,
  type,
  params: {},
  inputs,
  nodeId: 'n',
  epoch: '0',
});
const run = (executor: TaskExecutor, type: string, inputs?: Record<string, unknown>) =>
  executor.execute(task(type, inputs), new AbortController().signal);

describe('TaskExecutor modules', () => {
  it("error: 'deny' refuses a module type without importing it, as a non-retryable unknown type", async () => {
    const executor = new TaskExecutor({ modules: 'deny', directory: outside });
    const error = await run(executor, './marker.ts#x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModuleNotAllowedError);
    expect(error).toBeInstanceOf(UnknownNodeTypeError);
    expect((error as Error).name).toBe('ModuleNotAllowedError');
    expect((error as Error).message).toBe(
      'module type "./marker.ts#x" is not allowed: module types are disabled for tasks on this worker; its operator allows them with `noob worker --allow-modules` (all) or `--allow-modules PKG,./FOLDER,...` (only those); the workers of `noob serve` allow its tube folders and its own `--allow-modules`',
    );
    expect(existsSync(join(outside, 'marker.imported'))).toBe(false);
    // Built-ins and the standard library stay available.
    const doubled = await run(executor, 'noob.testing.multiply', { left: 7 });
    expect(doubled.outputs).toEqual({ value: 14 });
  });

  it('behavior: with an allow-list, a module inside an allowed folder runs and one outside is refused', async () => {
    const executor = new TaskExecutor({ modules: { allow: [inside] } });
    expect(await run(executor, `${join(inside, 'marker.ts')}#x`)).toMatchObject({
      outputs: { value: 7 },
    });
    expect(existsSync(join(inside, 'marker.imported'))).toBe(true);

    const refused = await run(executor, `${join(outside, 'marker.ts')}#x`).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ModuleNotAllowedError);
    expect((refused as Error).message).toContain(
      `${join(outside, 'marker.ts')} is in none of the folders allowed for tasks on this worker (allowed: ${inside})`,
    );
    expect(existsSync(join(outside, 'marker.imported'))).toBe(false);
  });

  it('error: an unknown type under a policy is still an unknown type, not a refusal', async () => {
    const executor = new TaskExecutor({ modules: 'deny' });
    const error = await run(executor, 'noob.testing.nope').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownNodeTypeError);
    expect(error).not.toBeInstanceOf(ModuleNotAllowedError);
  });
});
