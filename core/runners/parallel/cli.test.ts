import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BASIC_TUBE, OWN } from '../../../test/conformance/suite.ts';
import { noob } from '../../../test/fixtures/noob-cli.ts';

/** `noob run --runner parallel` as a user runs it: a real process. */

describe('noob run --runner parallel', () => {
  it('default: basic on 2 threads prints [0,2,4,6,8] and exits 0', () => {
    const basic = BASIC_TUBE;
    const { code, stdout } = noob(
      'run',
      basic,
      '-n',
      '5',
      '--json',
      '--runner',
      'parallel',
      '--workers',
      '2',
    );
    expect(code).toBe(0);
    expect(stdout).toBe('[0,2,4,6,8]\n');
  });

  it('error: a node failing in a thread exits 1 naming the node, epoch and cause', () => {
    const tube = join(OWN, 'special', 'error.yaml');
    const { code, stderr } = noob('run', tube, '-n', '3', '--runner', 'parallel', '--workers', '2');
    expect(code).toBe(1);
    expect(stderr).toMatch(/node b failed in epoch 0: .*This node just emits errors/);
  });

  it('error: a bad --workers count exits 2', () => {
    const basic = BASIC_TUBE;
    for (const workers of ['0', 'two', '1.5']) {
      const { code, stderr } = noob('run', basic, '--runner', 'parallel', '--workers', workers);
      expect(code, workers).toBe(2);
      expect(stderr).toMatch(/--workers/);
    }
  });
});
