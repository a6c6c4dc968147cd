import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UPSTREAM } from '../conformance/suite.ts';
import { noob } from '../fixtures/noob-cli.ts';

const INVALID = join(import.meta.dirname, 'invalid');

describe('noob run', () => {
  it('default: basic for 5 epochs prints [0,2,4,6,8] as JSON and nothing else on stdout', () => {
    const { code, stdout } = noob(
      'run',
      join(UPSTREAM, 'basic', 'basic.yaml'),
      '-n',
      '5',
      '--json',
    );
    expect(code).toBe(0);
    expect(stdout).toBe('[0,2,4,6,8]\n');
  });

  it('behavior: --input values are read by their declared type', () => {
    const { code, stdout } = noob(
      'run',
      join(UPSTREAM, 'input', 'input_tube_params.yaml'),
      '-n',
      '3',
      '--input',
      'start=7',
      '--json',
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual([7, 8, 9]);
  });

  it('behavior: without --json, one result per line', () => {
    const { code, stdout } = noob('run', join(UPSTREAM, 'basic', 'branch.yaml'), '-n', '2');
    expect(code).toBe(0);
    expect(
      stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual([
      { multiply: 0, divide: 0 },
      { multiply: 2, divide: 0.2 },
    ]);
  });

  it('error: a node failing at run time exits 1 naming the node, epoch and cause', () => {
    const { code, stderr } = noob('run', join(UPSTREAM, 'special', 'error.yaml'), '-n', '3');
    expect(code).toBe(1);
    expect(stderr).toMatch(/node b failed in epoch 0: .*This node just emits errors/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('error: a bad --input value exits 2 naming the input', () => {
    const { code, stderr } = noob(
      'run',
      join(UPSTREAM, 'input', 'input_tube_params.yaml'),
      '--input',
      'start=seven',
    );
    expect(code).toBe(2);
    expect(stderr).toMatch(/input start: expected an integer, got "seven"/);
  });

  it('error: usage mistakes exit 2 with the usage text', () => {
    for (const args of [
      [],
      ['run'],
      ['frobnicate'],
      ['run', 'x.yaml', '-n', 'many'],
      ['run', 'x.yaml', '--runner', 'nope'],
    ]) {
      const { code, stderr } = noob(...args);
      expect(code, args.join(' ')).toBe(2);
      expect(stderr).toMatch(/noob: /);
    }
  });
});

describe('invalid tubes exit 2 with a message naming the file and node', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['malformed YAML, with its line', join(INVALID, 'malformed.yaml'), /malformed\.yaml:5: .*/],
    [
      'unknown node type',
      join(INVALID, 'unknown_type.yaml'),
      /unknown_type\.yaml:6: node b: unknown node type "noob\.testing\.multiplyy"\. Did you mean "noob\.testing\.multiply"/,
    ],
    [
      'unknown signal',
      join(INVALID, 'unknown_signal.yaml'),
      /unknown_signal\.yaml:8: node b depends on a\.count, but node a has no signal "count" \(its signals: index\)/,
    ],
    [
      'duplicate slot',
      join(INVALID, 'duplicate_slot.yaml'),
      /duplicate_slot\.yaml:9: node b: slot "left" is given twice/,
    ],
    [
      'cycle with its nodes',
      join(UPSTREAM, 'special', 'cycle.yaml'),
      /cycle\.yaml:\d+: the nodes form a cycle: a → b → c → a/,
    ],
    [
      'missing required input',
      join(INVALID, 'missing_input.yaml'),
      /missing_input\.yaml:\d+: missing required input start/,
    ],
    [
      'two return nodes',
      join(INVALID, 'two_returns.yaml'),
      /two_returns\.yaml:\d+: a tube has at most one return node; this one has 2: r1, r2/,
    ],
    [
      'two unrelated maps into one node',
      join(UPSTREAM, 'map', 'map_depends_double.yaml'),
      /map_depends_double\.yaml:\d+: node concat depends on two unrelated map nodes \(map_a and map_b\)/,
    ],
    [
      'a node without a type',
      join(UPSTREAM, 'invalid', 'no_extends_no_type.yaml'),
      /no_extends_no_type\.yaml:\d+: node a has no type/,
    ],
  ];
  for (const [title, file, message] of cases) {
    it(`error: ${title}`, () => {
      for (const command of ['run', 'validate']) {
        const { code, stdout, stderr } = noob(command, file);
        expect(code).toBe(2);
        expect(stdout).toBe('');
        expect(stderr).toMatch(message);
        expect(stderr).not.toMatch(/\n\s+at /);
      }
    });
  }
});

describe('noob validate and noob schema', () => {
  it('default: validate prints ok for a valid tube', () => {
    const { code, stdout } = noob('validate', join(UPSTREAM, 'map', 'map_gather.yaml'));
    expect(code).toBe(0);
    expect(stdout).toBe('ok\n');
  });

  it('default: schema prints the tube JSON Schema', () => {
    const { code, stdout } = noob('schema');
    expect(code).toBe(0);
    const schema = JSON.parse(stdout);
    expect(schema.type).toBe('object');
    expect(schema.required).toContain('noob_id');
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['noob_id', 'extends', 'input', 'assets', 'nodes']),
    );
  });
});
