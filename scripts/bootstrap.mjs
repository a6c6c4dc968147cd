// Runs before `npm start` and `npm test` so that a fresh clone needs no separate install
// step. It may run on the machine's own (older) Node, so it is plain JavaScript that any
// Node >= 18 understands. The project itself runs on the Node that `npm install` brings
// from the registry (the `node` dev dependency), whatever the machine has.
import { execFileSync, execSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const marker = join(root, 'node_modules', '.package-lock.json');
const lockfile = join(root, 'package-lock.json');
const projectNode = join(root, 'node_modules', 'node', 'bin', 'node');

const installed = existsSync(marker) && existsSync(projectNode);
const stale =
  installed && existsSync(lockfile) && statSync(lockfile).mtimeMs > statSync(marker).mtimeMs;

if (!installed || stale) {
  const command = existsSync(lockfile) ? 'npm ci' : 'npm install';
  process.stderr.write(`noob: installing dependencies (${command})…\n`);
  execSync(command, { cwd: root, stdio: 'inherit' });
}

// The native addon (native/): built before the tests when cargo is on this machine, skipped
// in a moment when up to date; without cargo one line says the twins run instead
// (scripts/build-native.mjs). `npm start` does not wait for a Rust build: no end-to-end
// figure gains from the addon (docs/native.md), and it is used once built.
if (process.env.npm_lifecycle_event !== 'prestart') {
  execFileSync(projectNode, [join(root, 'scripts', 'build-native.mjs')], {
    cwd: root,
    stdio: 'inherit',
  });
}

// AWS's runtime interface client for the local Lambda twin's tests: a project of its own
// (test/lambda-twin/runtime-client), out of the main install because it compiles native
// code (cmake, autoconf, automake, libtool, a C++ compiler) that npm start never needs.
if (process.env.npm_lifecycle_event === 'pretest') ensureRuntimeClient();

// Chromium for the real-browser tests (the dashboard, the browser peer): Debian's package,
// installed once with apt when missing and this user may (root, as on CI); otherwise those
// tests say in one line that they need it. Never a browser a test tool downloads.
if (process.env.npm_lifecycle_event === 'pretest') ensureChromium();
// fuse3 (fusermount3, libfuse3) for the chaos matrix's power-loss scenario, whose disk is a
// FUSE layer (test/platform/lazyfs); likewise, or that scenario says it is skipped and why.
if (process.env.npm_lifecycle_event === 'pretest' && existsSync('/dev/fuse')) {
  if (!existsSync('/usr/bin/fusermount3')) aptInstall('fuse3', 'the power-loss chaos scenario');
}

function ensureRuntimeClient() {
  const dir = join(root, 'test', 'lambda-twin', 'runtime-client');
  const installedLock = join(dir, 'node_modules', '.package-lock.json');
  const client = join(dir, 'node_modules', 'aws-lambda-ric', 'package.json');
  if (
    existsSync(client) &&
    existsSync(installedLock) &&
    statSync(join(dir, 'package-lock.json')).mtimeMs <= statSync(installedLock).mtimeMs
  ) {
    return;
  }
  process.stderr.write(
    'noob: installing the Lambda twin’s runtime client (npm ci in test/lambda-twin/runtime-client)…\n',
  );
  try {
    execSync('npm ci --no-audit --no-fund', { cwd: dir, stdio: 'inherit' });
  } catch {
    process.stderr.write(
      'noob: the Lambda twin’s runtime client (aws-lambda-ric) did not install: it compiles native code and needs cmake, autoconf, automake, libtool and a C++ compiler; the Lambda twin tests fail until it is installed\n',
    );
  }
}

function ensureChromium() {
  const found = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].some(
    (path) => existsSync(path),
  );
  if (found || process.env.NOOB_CHROMIUM) return;
  aptInstall('chromium', 'the browser tests');
}

/** `apt-get install NAME` once, where this user may; on failure one line says who misses it. */
function aptInstall(name, forWhat) {
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) return;
  process.stderr.write(`noob: installing ${name} for ${forWhat} (apt-get install ${name})…\n`);
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execSync(`apt-get update -qq && apt-get install -y -qq ${name} >/dev/null`, {
      stdio: 'inherit',
      env,
    });
  } catch {
    process.stderr.write(`noob: ${name} could not be installed; ${forWhat} will say so\n`);
  }
}
