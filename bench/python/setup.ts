/**
 * The Python side of the benchmarks: a virtualenv at `bench/.cache/venv` holding upstream
 * noob from PyPI, made with the machine's `python3 -m venv`. Installs once; later runs see
 * the marker file and reuse it. Run alone with `node bench/python/setup.ts`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What the venv holds. noob is pinned: the baseline must not move under the benchmark. */
export const UPSTREAM_REQUIREMENTS = ['noob==1003.0.2', 'faker'] as const;

const here = dirname(fileURLToPath(import.meta.url));
/** Where the venv lives; `bench/.cache/` is gitignored. */
export const VENV_DIR = resolve(here, '..', '.cache', 'venv');
const MARKER = join(VENV_DIR, '.noob-bench-installed');
/** pip may have to download a few wheels; past this the setup gives up instead of hanging. */
const INSTALL_TIMEOUT_MS = 10 * 60_000;

/** The venv's interpreter, ready to `import noob`. */
export interface UpstreamPython {
  python: string;
}

function run(command: string, args: string[], what: string): void {
  const result = spawnSync(command, args, {
    stdio: ['ignore', process.stderr, process.stderr],
    timeout: INSTALL_TIMEOUT_MS,
  });
  if (result.error || result.status !== 0) {
    const why = result.error?.message ?? `exit code ${result.status}`;
    throw new Error(
      `${what} failed (${why}). Check that python3 (3.11+) with the venv module is installed ` +
        `and PyPI is reachable, then delete ${VENV_DIR} and rerun.`,
    );
  }
}

/**
 * Makes the venv and installs upstream noob into it unless the marker says the same
 * requirements are already there. Progress goes to stderr.
 */
export function ensureUpstreamPython(): UpstreamPython {
  const python = join(VENV_DIR, 'bin', 'python');
  const wanted = UPSTREAM_REQUIREMENTS.join('\n');
  if (existsSync(python) && existsSync(MARKER) && readFileSync(MARKER, 'utf8') === wanted) {
    return { python };
  }
  mkdirSync(dirname(VENV_DIR), { recursive: true });
  if (!existsSync(python)) {
    process.stderr.write(`[setup] creating virtualenv at ${VENV_DIR}\n`);
    run('python3', ['-m', 'venv', VENV_DIR], 'python3 -m venv');
  }
  process.stderr.write(`[setup] installing ${UPSTREAM_REQUIREMENTS.join(', ')} from PyPI\n`);
  run(
    python,
    ['-m', 'pip', 'install', '--quiet', ...UPSTREAM_REQUIREMENTS],
    `pip install ${UPSTREAM_REQUIREMENTS.join(' ')}`,
  );
  writeFileSync(MARKER, wanted);
  process.stderr.write('[setup] upstream noob installed\n');
  return { python };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { python } = ensureUpstreamPython();
  process.stdout.write(`${python}\n`);
}
