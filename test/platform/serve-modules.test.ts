import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openQueue } from '../../core/queue/open.ts';
import { writeMarkerModule } from '../fixtures/module-tubes.ts';
import { api, cleanUpServes, startServe, tempDb, waitForJob } from './serve-process.ts';

afterEach(cleanUpServes);

// A module outside the server's tube folders that leaves a marker when imported.
const dir = join(tmpdir(), `noob-serve-modules-${randomUUID()}`);
const marker = join(dir, 'evil.imported');
const evil = `${join(dir, 'evil.ts')}#x`;
beforeAll(() => {
  mkdirSync(dir);
  writeMarkerModule(join(dir, 'evil.ts'), marker);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => rmSync(marker, { force: true }));

const TUBE = `noob_id: sneaky
nodes:
  a:
    type: noob.testing.count_source
  evil:
    type: "${evil}"
    depends:
      - value: a.index
  r:
    type: return
    depends: evil.value
`;
const submit = (url: string, key: string, body: unknown) =>
  api(url, key, '/v1/jobs', { method: 'POST', body: JSON.stringify(body) });

describe('noob serve --allow-modules', () => {
  it('default: a submitted module type is a 400 that names the flag; registered example-shout still runs its module', async () => {
    const { url, key, output } = await startServe(tempDb());
    expect(output).toMatch(/Submitted tubes may not load module types .*--allow-modules/);
    const refused = await submit(url, key, { tube: TUBE, epochs: 2 });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('invalid_tube');
    expect(refused.body.error.message).toContain(
      `node evil: module type "${evil}" is not allowed: module types are disabled for submitted tubes; an operator enables them with \`noob serve --allow-modules\``,
    );
    expect(existsSync(marker)).toBe(false);

    const shout = await submit(url, key, { tube: 'example-shout', epochs: 2 });
    expect(shout.status).toBe(202);
    const job = await waitForJob(url, key, shout.body.id);
    expect(job.state).toBe('succeeded');
    expect(job.results).toHaveLength(2);
  });

  it('behavior: bare --allow-modules (before another option) lets a submitted module run on the workers', async () => {
    const { url, key } = await startServe(tempDb(), ['--allow-modules', '--workers', '1']);
    const accepted = await submit(url, key, { tube: TUBE, epochs: 3 });
    expect(accepted.status).toBe(202);
    const job = await waitForJob(url, key, accepted.body.id);
    expect(job).toMatchObject({ state: 'succeeded', results: [0, 1, 2] });
    expect(existsSync(marker)).toBe(true);
  });

  it('behavior: --allow-modules PKG,DIR allows only those', async () => {
    const { url, key, output } = await startServe(tempDb(), ['--allow-modules', `lodash,${dir}`]);
    expect(output).toContain(`Submitted tubes may load module types from: lodash, ${dir}.`);
    const accepted = await submit(url, key, { tube: TUBE });
    expect(accepted.status).toBe(202);
    // The workers load the listed folder too.
    const job = await waitForJob(url, key, accepted.body.id);
    expect(job).toMatchObject({ state: 'succeeded', results: [0] });
    const other = TUBE.replace(evil, 'left-pad#x');
    const refused = await submit(url, key, { tube: other });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(
      /node evil: module type "left-pad#x" is not allowed: package "left-pad" is not one allowed for submitted tubes \(allowed: lodash, /,
    );
  });
});

describe('noob serve workers', () => {
  it('error: a task naming a module outside the tube folders, put straight into the queue, is dead-lettered unretried and never imported', async () => {
    const db = tempDb();
    const { url, key } = await startServe(db, ['--workers', '1']);
    const queue = await openQueue(db);
    try {
      const cid = `evil-${randomUUID()}`;
      const { jobId } = await queue.submitJob({
        tenant: 'local',
        kind: 'tasks',
        // Attempts to spare: only a non-retryable failure ends it on its first one.
        tasks: [{ cid, input: { cid, type: evil, inputs: { value: 1 } }, maxAttempts: 5 }],
      });
      let job = await queue.getJob('local', jobId);
      for (let i = 0; i < 1500 && job.state !== 'failed'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        job = await queue.getJob('local', jobId);
      }
      expect(job.state).toBe('failed');
      expect(job.failures[cid]).toMatchObject({ name: 'ModuleNotAllowedError' });
      expect(job.failures[cid]!.message).toMatch(
        /^module type ".*evil\.ts#x" is not allowed: .*evil\.ts is in none of the folders allowed for tasks on this worker \(allowed: .*examples/,
      );
      const events = (await queue.events('local', jobId)).map((event) => event.type);
      expect(events.filter((type) => type === 'tasks.leased')).toHaveLength(1);
      expect(events).toContain('task.dead');
      expect(events).not.toContain('task.queued');
      expect(existsSync(marker)).toBe(false);

      // The registered example's module, inside the tube folders, still runs on them.
      const shout = await submit(url, key, { tube: 'example-shout', epochs: 1 });
      expect(shout.status).toBe(202);
      expect(await waitForJob(url, key, shout.body.id)).toMatchObject({ state: 'succeeded' });
    } finally {
      await queue.close();
    }
  });
});
