import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UPSTREAM } from '../../test/conformance/suite.ts';
import { loadTube } from '../tube/load.ts';
import { EngineRunner, type RemoteExecutor } from './engine-runner.ts';

describe('EngineRunner', () => {
  it('error: a failed init leaves nothing started, so init can be tried again', async () => {
    let attempts = 0;
    let closed = 0;
    const executor: RemoteExecutor = {
      handles: () => false,
      init: async () => {
        attempts++;
        if (attempts === 1) throw new Error('workers unreachable');
      },
      execute: async () => [],
      close: async () => {
        closed++;
      },
    };
    const runner = new EngineRunner(await loadTube(join(UPSTREAM, 'basic', 'basic.yaml')), {
      executor,
    });
    await expect(runner.init()).rejects.toThrow(/workers unreachable/);
    expect(closed).toBe(1);
    expect(await runner.run(3)).toEqual([0, 2, 4]);
    expect(attempts).toBe(2);
    await runner.deinit();
  });
});
