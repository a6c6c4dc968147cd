import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BASIC_TUBE } from '../../test/conformance/suite.ts';
import { startPlatform, workerModules } from './platform.ts';

describe('platform', () => {
  it('default: worker processes and the coordinator run a submitted tube job to its results', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'noob-platform-'));
    const platform = await startPlatform({
      db: join(dir, 'noob.db'),
      workers: 2,
      startApi: async () => ({ url: 'http://127.0.0.1:0', close: async () => {} }),
    });
    try {
      expect(platform.workers.pids).toHaveLength(2);
      const { jobId } = await platform.queue.submitJob({
        tenant: 'local',
        kind: 'tube',
        payload: {
          tube: readFileSync(BASIC_TUBE, 'utf8'),
          inputs: {},
          epochs: 5,
        },
        open: true,
      });
      let job = await platform.queue.getJob('local', jobId);
      for (let i = 0; i < 1000 && job.state !== 'succeeded' && job.state !== 'failed'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        job = await platform.queue.getJob('local', jobId);
      }
      expect(job.state).toBe('succeeded');
      expect(job.progress.done).toBe(5);
      expect(job.outcome).toEqual({ results: [0, 2, 4, 6, 8] });
    } finally {
      await platform.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('workerModules', () => {
  it("behavior: the workers load the tube folders (NOOB_TUBE_PATH's too) and what submitted tubes may", () => {
    const saved = process.env.NOOB_TUBE_PATH;
    process.env.NOOB_TUBE_PATH = '/srv/tubes:relative-tubes';
    try {
      const folders = ['/srv/examples', '/srv/tubes', resolve('relative-tubes')];
      expect(workerModules(['/srv/examples'], 'deny')).toEqual({ allow: folders });
      expect(workerModules(['/srv/examples'], { allow: ['lodash', '/srv/nodes'] })).toEqual({
        allow: [...folders, 'lodash', '/srv/nodes'],
      });
      expect(workerModules(['/srv/examples'], 'allow')).toBe('allow');
    } finally {
      if (saved === undefined) delete process.env.NOOB_TUBE_PATH;
      else process.env.NOOB_TUBE_PATH = saved;
    }
  });
});
