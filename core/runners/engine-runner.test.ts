import { describe, expect, it } from 'vitest';
import { BASIC_TUBE } from '../../test/conformance/suite.ts';
import { loadTube, loadTubeFromText } from '../tube/load.ts';
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
    const runner = new EngineRunner(await loadTube(BASIC_TUBE), {
      executor,
    });
    await expect(runner.init()).rejects.toThrow(/workers unreachable/);
    expect(closed).toBe(1);
    expect(await runner.run(3)).toEqual([0, 2, 4]);
    expect(attempts).toBe(2);
    await runner.deinit();
  });

  it('behavior: a long run of synchronous calls yields to the event loop', async () => {
    const tube = await loadTubeFromText(
      `noob_id: t
nodes:
  letters: {type: noob.testing.repeat, params: {string: x, times: 50000}}
  each: {type: map, depends: letters.value}
  back: {type: gather, depends: [{value: each.value}, {n: each.n}]}
  size: {type: len, depends: [back.value]}
  out: {type: return, depends: size.value}
`,
      { file: 'inline.yaml' },
    );
    const runner = new EngineRunner(tube);
    let turns = 0;
    let done = false;
    const tick = () => {
      turns++;
      if (!done) setImmediate(tick);
    };
    setImmediate(tick);
    const result = await runner.process();
    done = true;
    expect(result).toBe(50000);
    // Without yielding, no turn of the loop would come between the start and the end.
    expect(turns).toBeGreaterThan(1);
    await runner.deinit();
  });
});
