import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { noob } from '../fixtures/noob-cli.ts';

const TUBES = join(import.meta.dirname, '..', 'conformance', 'tubes', 'fidelity');
const tube = (name: string) => join(TUBES, `${name}.yaml`);

describe('noob validate and run: what a tube gets wrong', () => {
  it('error: a misspelt or mistyped param exits 2 with file, line, node and did you mean', () => {
    const { code, stdout, stderr } = noob('validate', tube('param_checks'));
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(
      /param_checks\.yaml:6: node count: noob\.testing\.count_source takes no param "strat"\. Did you mean "start"\?/,
    );
    expect(stderr).toMatch(/param_checks\.yaml:9: node every: param n: expected int or null/);
  });

  it('error: a process-scoped input in params exits 2 from validate, and from run with the input', () => {
    const validate = noob('validate', tube('process_input_param'));
    expect(validate.code).toBe(2);
    expect(validate.stderr).toMatch(
      /:7: node count: param start refers to input\.start, which is process-scoped/,
    );
    const run = noob('run', tube('process_input_param'), '-n', '1', '--input', 'start=7');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/which is process-scoped/);
  });

  it('error: no noob_id and an unknown input type are reported together with the rest', () => {
    const { code, stderr } = noob('validate', tube('input_checks'));
    expect(code).toBe(2);
    expect(stderr).toMatch(/3 problems/);
    expect(stderr).toMatch(/the tube has no noob_id/);
    expect(stderr).toMatch(
      /input_checks\.yaml:3: input start: unknown type "integr"\. Did you mean "int"\?/,
    );
    expect(stderr).toMatch(/node count has no signal "value"/);
  });

  it('error: every missing process input is named at once, with --input', () => {
    const missing = noob('run', tube('process_inputs'), '-n', '1');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/missing required inputs left \(int\), right \(int\)/);
    expect(missing.stderr).toMatch(/--input left=VALUE --input right=VALUE/);
    const given = noob(
      'run',
      tube('process_inputs'),
      '-n',
      '1',
      '--input',
      'left=2',
      '--input',
      'right=3',
      '--json',
    );
    expect(given.code).toBe(0);
    expect(JSON.parse(given.stdout)).toEqual([6]);
  });
});
