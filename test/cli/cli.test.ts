import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OWN } from '../conformance/suite.ts';
import { noob } from '../fixtures/noob-cli.ts';

const INVALID = join(import.meta.dirname, 'invalid');
const ROOT = join(import.meta.dirname, '..', '..');

describe('noob run', () => {
  it('default: basic for 5 epochs prints [0,2,4,6,8] as JSON and nothing else on stdout', () => {
    const { code, stdout } = noob('run', join(OWN, 'basic', 'basic.yaml'), '-n', '5', '--json');
    expect(code).toBe(0);
    expect(stdout).toBe('[0,2,4,6,8]\n');
  });

  it('behavior: --input values are read by their declared type', () => {
    const { code, stdout } = noob(
      'run',
      join(OWN, 'input', 'input_tube_params.yaml'),
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
    const { code, stdout } = noob('run', join(OWN, 'basic', 'branch.yaml'), '-n', '2');
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
    const { code, stderr } = noob('run', join(OWN, 'special', 'error.yaml'), '-n', '3');
    expect(code).toBe(1);
    expect(stderr).toMatch(/node b failed in epoch 0: .*This node just emits errors/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('error: a bad --input value exits 2 naming the input', () => {
    const { code, stderr } = noob(
      'run',
      join(OWN, 'input', 'input_tube_params.yaml'),
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
      join(OWN, 'special', 'cycle.yaml'),
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
      join(OWN, 'map', 'map_depends_double.yaml'),
      /map_depends_double\.yaml:\d+: node concat depends on two unrelated map nodes \(map_a and map_b\)/,
    ],
    [
      'a node without a type',
      join(OWN, 'invalid', 'no_extends_no_type.yaml'),
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
    const { code, stdout } = noob('validate', join(OWN, 'map', 'map_gather.yaml'));
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

describe('noob run: tubes by noob_id and upstream spellings', () => {
  it('behavior: TUBE may be a noob_id, found in a --search-path folder', () => {
    const { code, stdout } = noob('run', 'own-basic', '-n', '3', '--search-path', OWN, '--json');
    expect(code).toBe(0);
    expect(stdout).toBe('[0,2,4]\n');
  });

  it('behavior: --tube, --n and --format json as upstream spells them; NOOB_TUBE_PATH is searched', () => {
    const file = noob(
      'run',
      '--tube',
      join(OWN, 'basic', 'basic.yaml'),
      '--n',
      '3',
      '--format',
      'json',
    );
    expect(file.code).toBe(0);
    expect(file.stdout).toBe('[0,2,4]\n');
    const byId = noobWith({ NOOB_TUBE_PATH: OWN }, 'run', '--tube', 'own-basic', '--n', '2');
    expect(byId.code).toBe(0);
    expect(byId.stdout).toBe('0\n2\n');
  });

  it('error: a noob_id found nowhere exits 2 naming it and the folders searched', () => {
    const { code, stderr } = noob('run', 'no-such-tube', '--search-path', OWN);
    expect(code).toBe(2);
    expect(stderr).toMatch(/"no-such-tube" is neither a tube file nor the noob_id of a tube in/);
    expect(stderr).toContain(OWN);
  });

  it('error: --format takes json or lines', () => {
    const { code, stderr } = noob('run', join(OWN, 'basic', 'basic.yaml'), '--format', 'yaml');
    expect(code).toBe(2);
    expect(stderr).toMatch(/--format takes json or lines, got "yaml"/);
  });
});

describe('noob run streams results and stops on Ctrl-C', () => {
  const slow = join(OWN, 'slow.yaml'); // 40 ms an epoch: 1,000 epochs would take 40 s

  it('behavior: results print as each epoch finishes; SIGINT prints what finished and exits 130', async () => {
    const run = startNoob('run', slow, '-n', '1000');
    const early = await run.stdoutUntil((text) => text.split('\n').length > 3);
    expect(run.child.exitCode).toBeNull(); // three results are out while the run goes on
    expect(early.split('\n').slice(0, 3)).toEqual(['0', '1', '2']);
    run.child.kill('SIGINT');
    const { code, stdout, stderr } = await run.exited;
    expect(code).toBe(130);
    const printed = stdout.trim().split('\n').map(Number);
    expect(printed.length).toBeGreaterThanOrEqual(3);
    expect(printed.length).toBeLessThan(1000);
    expect(printed).toEqual(printed.map((_, i) => i));
    expect(stderr).toMatch(
      new RegExp(`interrupted; printed the ${printed.length} results of the epochs that finished`),
    );
  });

  it('behavior: with --json, what an interrupted run printed is still one JSON array', async () => {
    const run = startNoob('run', slow, '-n', '1000', '--json');
    await run.stdoutUntil((text) => text.split(',').length > 3);
    run.child.kill('SIGINT');
    const { code, stdout } = await run.exited;
    expect(code).toBe(130);
    const printed = JSON.parse(stdout) as number[];
    expect(printed.length).toBeGreaterThanOrEqual(3);
    expect(printed).toEqual(printed.map((_, i) => i));
  });
});

describe('help and version', () => {
  for (const command of ['run', 'validate', 'schema', 'serve', 'worker', 'keys']) {
    it(`default: noob ${command} --help prints its usage and options and exits 0`, () => {
      const { code, stdout, stderr } = noob(command, '--help');
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(stdout).toMatch(new RegExp(`^Usage:\\n  noob ${command}\\b`));
      expect(stdout).toMatch(/Exit codes:/);
    });
  }

  it('default: noob help COMMAND and COMMAND -h print the same as COMMAND --help', () => {
    const { stdout } = noob('serve', '--help');
    expect(noob('help', 'serve').stdout).toBe(stdout);
    expect(noob('serve', '-h').stdout).toBe(stdout);
  });

  it('default: the options of a command are in its help', () => {
    expect(noob('serve', '--help').stdout).toMatch(/--port P +the job API's port/);
    expect(noob('run', '--help').stdout).toMatch(/--format json\|lines/);
    expect(noob('worker', '--help').stdout).toMatch(/--concurrency N/);
  });

  it("behavior: each command's help says its own exit codes, and peer's its options", () => {
    expect(noob('run', '--help').stdout).toMatch(
      /Exit codes:\s+0 success, 1 a node failed at run time/,
    );
    for (const command of ['keys', 'settle', 'claim', 'peer', 'jobs']) {
      expect(noob(command, '--help').stdout).not.toMatch(/a node failed at run time/);
    }
    expect(noob('jobs', '--help').stdout).toMatch(
      /Exit codes:[\s\S]*3 watch: the job was cancelled/,
    );
    const peer = noob('peer', '--help').stdout;
    for (const option of ['--listen', '--bootstrap', '--key FILE', '--tags', '--health-port'])
      expect(peer).toMatch(new RegExp(`\\n  ${option}\\b.* {2,}\\S`));
  });

  it('default: noob --version prints the package version', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    for (const flag of ['--version', '-V', 'version']) {
      const { code, stdout } = noob(flag);
      expect(code).toBe(0);
      expect(stdout).toMatch(new RegExp(`^noob ${version.replaceAll('.', '\\.')} \\(Node v\\d+`));
    }
  });

  it('behavior: output into a pipe whose reader has gone (noob … | head) ends quietly, not with an EPIPE crash', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'noob.js'), 'help'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy(); // the reader goes before noob writes
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    const [code] = await once(child, 'exit');
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('error: help for an unknown command exits 2', () => {
    const { code, stderr } = noob('help', 'frobnicate');
    expect(code).toBe(2);
    expect(stderr).toMatch(/unknown command "frobnicate"/);
  });
});

describe('a port that is taken', () => {
  for (const command of [['serve'], ['worker', '--http']]) {
    it(`error: noob ${command.join(' ')} on a taken port says so and suggests --port`, async () => {
      const holder = createServer();
      await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
      const port = (holder.address() as AddressInfo).port;
      try {
        const { code, stdout, stderr } = noob(...command, '--port', String(port));
        expect(code).toBe(2);
        expect(stdout).toBe('');
        expect(stderr).toMatch(
          new RegExp(
            `port ${port} on 127\\.0\\.0\\.1 is already in use.*choose another with --port`,
          ),
        );
      } finally {
        holder.close();
      }
    });
  }
});

/** `noob` with more environment variables. */
function noobWith(env: Record<string, string>, ...args: string[]) {
  const result = spawnSync(process.execPath, [join(ROOT, 'bin', 'noob.js'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NOOB_DEBUG: '', ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A `noob` process left running, for watching its output as it comes and signalling it. */
function startNoob(...args: string[]) {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'noob.js'), ...args], {
    cwd: ROOT,
    env: { ...process.env, NOOB_DEBUG: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiting = new Set<() => void>();
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const check of waiting) check();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once('close', (code) => resolve({ code, stdout, stderr })),
  );
  return {
    child,
    exited,
    /** Resolves with stdout once `done(stdout)` holds; fails if the process ends first. */
    stdoutUntil(done: (text: string) => boolean): Promise<string> {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!done(stdout)) return;
          waiting.delete(check);
          resolve(stdout);
        };
        waiting.add(check);
        check();
        void exited.then(() => reject(new Error(`noob exited first:\n${stdout}\n${stderr}`)));
      });
    },
  };
}
