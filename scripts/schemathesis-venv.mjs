// schemathesis (PyPI) in a project-local virtualenv, for test/platform/schemathesis.test.ts:
// made with the machine's `python3 -m venv` at .venv/schemathesis (gitignored), installed
// once and reused while its marker names the same pinned version. Plain JavaScript, like
// bootstrap.mjs, so that any Node runs it: `node scripts/schemathesis-venv.mjs` prints the
// path of the `schemathesis` command, or exits 1 with one line saying why there is none.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Pinned: a new release may add checks, and a test must not start failing on its own. */
export const SCHEMATHESIS = 'schemathesis==4.32.5';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Where the virtualenv lives. */
export const VENV = join(root, '.venv', 'schemathesis');
const MARKER = join(VENV, '.noob-installed');
/** pip downloads a few dozen wheels; past this it gives up rather than hang a test run. */
const INSTALL_TIMEOUT_MS = 5 * 60_000;

/**
 * The `schemathesis` command, installing it first when missing. Throws an Error whose
 * message is one line saying why it cannot be had (no python3, no venv module, PyPI not
 * reachable); nothing half-installed is left to be taken for ready.
 */
export function ensureSchemathesis() {
  const command = join(VENV, 'bin', 'schemathesis');
  if (existsSync(command) && existsSync(MARKER) && readFileSync(MARKER, 'utf8') === SCHEMATHESIS) {
    return command;
  }
  rmSync(VENV, { recursive: true, force: true });
  mkdirSync(dirname(VENV), { recursive: true });
  if (!makeVenv()) {
    // Debian's python3 keeps ensurepip in python3-venv; CI runs as root, so it may add it,
    // the way bootstrap.mjs adds chromium.
    if (!installVenvPackage() || !makeVenv()) {
      rmSync(VENV, { recursive: true, force: true });
      throw new Error('python3 -m venv does not work here (python3 and its venv module needed)');
    }
  }
  process.stderr.write(`noob: installing ${SCHEMATHESIS} into ${VENV} (once)…\n`);
  const pip = run(join(VENV, 'bin', 'python'), [
    '-m',
    'pip',
    'install',
    '--quiet',
    '--disable-pip-version-check',
    SCHEMATHESIS,
  ]);
  if (!pip.ok) {
    rmSync(VENV, { recursive: true, force: true });
    throw new Error(`pip install ${SCHEMATHESIS} failed (${pip.why}); is PyPI reachable?`);
  }
  writeFileSync(MARKER, SCHEMATHESIS);
  return command;
}

function makeVenv() {
  return run('python3', ['-m', 'venv', VENV]).ok;
}

function installVenvPackage() {
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) return false;
  process.stderr.write('noob: installing python3-venv for schemathesis (apt-get)…\n');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  return run(
    'sh',
    ['-c', 'apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null'],
    env,
  ).ok;
}

function run(command, args, env = process.env) {
  const result = spawnSync(command, args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: INSTALL_TIMEOUT_MS,
    env,
  });
  if (!result.error && result.status === 0) return { ok: true };
  const stderr =
    String(result.stderr ?? '')
      .trim()
      .split('\n')
      .at(-1) ?? '';
  const why = result.error?.message ?? (stderr || `exit code ${result.status}`);
  return { ok: false, why };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.stdout.write(`${ensureSchemathesis()}\n`);
  } catch (error) {
    process.stderr.write(`noob: no schemathesis: ${error.message}\n`);
    process.exit(1);
  }
}
