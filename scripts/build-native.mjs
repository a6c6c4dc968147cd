// Builds noob's native addon (native/: a Rust core and its napi-rs binding) when cargo is
// on this machine, and does nothing slowly when it is up to date. Without cargo it says so
// in one line and exits 0: the project then runs on the TypeScript twins (native/twin*.ts).
//
//   node scripts/build-native.mjs            this machine's addon → native/generated/
//   node scripts/build-native.mjs --lambda   the Lambda artifact (glibc ≤ 2.17, via
//                                            cargo-zigbuild with zig from PyPI) and its check;
//                                            on x86_64 Linux it is this machine's addon too
//   --required                               fail (exit 1) instead of skipping without cargo
//
// Run on the project's Node (>= 22: it imports native/glibc.ts); scripts/bootstrap.mjs does.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compareGlibc, LAMBDA_GLIBC, newestGlibc } from '../native/glibc.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const native = join(root, 'native');
const target = join(native, 'target');
const generated = join(native, 'generated');
const addon = join(
  generated,
  `noob-native.${process.platform}-${process.arch}${process.platform === 'linux' ? '-gnu' : ''}.node`,
);
/** The Lambda artifact (x86_64, glibc ≤ 2.17; native/load.ts names it too). */
const LAMBDA_ADDON = join(generated, 'lambda', 'noob-native.linux-x64-gnu.node');
const args = new Set(process.argv.slice(2));

function say(line) {
  process.stderr.write(`noob: ${line}\n`);
}

function has(command) {
  return spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Newest modification time of the Rust sources and manifests. */
function sourcesTime() {
  let newest = 0;
  const visit = (path) => {
    const stat = statSync(path);
    if (stat.isDirectory()) for (const entry of readdirSync(path)) visit(join(path, entry));
    else newest = Math.max(newest, stat.mtimeMs);
  };
  for (const part of [
    'core/src',
    'binding/src',
    'Cargo.toml',
    'Cargo.lock',
    'core/Cargo.toml',
    'binding/Cargo.toml',
    'binding/build.rs',
  ])
    if (existsSync(join(native, part))) visit(join(native, part));
  return newest;
}

function upToDate(file) {
  return existsSync(file) && statSync(file).mtimeMs >= sourcesTime();
}

/** `napi build` of the binding into native/generated/ (the addon, its loader and .d.ts). */
function napiBuild(extra, env = process.env) {
  const napi = join(root, 'node_modules', '.bin', 'napi');
  const output = ['--output-dir', generated, '--js', 'index.js', '--dts', 'index.d.ts'];
  execFileSync(
    napi,
    ['build', '--release', '--platform', '--esm', ...output, '--target-dir', target, ...extra],
    {
      cwd: join(native, 'binding'),
      env,
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
}

function buildHost() {
  if (upToDate(addon)) return;
  say('building the native addon (cargo, release)…');
  napiBuild([]);
}

/** zig and cargo-zigbuild from PyPI, in a virtual environment cached under native/target. */
function zigTools() {
  const venv = join(target, 'zig');
  const bin = join(venv, 'bin');
  if (!existsSync(join(bin, 'cargo-zigbuild'))) {
    say('installing zig and cargo-zigbuild from PyPI into native/target/zig…');
    execFileSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
    execFileSync(join(bin, 'pip'), ['install', '-q', 'ziglang==0.17.0', 'cargo-zigbuild==0.24.0'], {
      stdio: 'inherit',
    });
  }
  // cargo-zigbuild finds zig as `python3 -m ziglang` of the venv's python.
  return { ...process.env, PATH: `${bin}:${process.env.PATH}` };
}

/**
 * The Lambda artifact: the same build linked against glibc 2.17 by cargo-zigbuild. On an
 * x86_64 Linux machine it serves as this machine's addon too (one compile, not two).
 */
function buildLambda() {
  if (!upToDate(LAMBDA_ADDON)) {
    const env = zigTools();
    say('building the Lambda addon (x86_64-unknown-linux-gnu, glibc 2.17, cargo-zigbuild)…');
    napiBuild(['--cross-compile', '--target', 'x86_64-unknown-linux-gnu.2.17'], env);
    mkdirSync(dirname(LAMBDA_ADDON), { recursive: true });
    copyFileSync(join(generated, 'noob-native.linux-x64-gnu.node'), LAMBDA_ADDON);
  }
  checkGlibc(LAMBDA_ADDON);
}

/** Fails unless every glibc symbol version `file` needs is at most 2.17 (`objdump -T`). */
function checkGlibc(file) {
  const newest = newestGlibc(file).join('.');
  if (compareGlibc(newestGlibc(file), LAMBDA_GLIBC) > 0)
    throw new Error(
      `${file} needs GLIBC_${newest}, more than Lambda's floor GLIBC_${LAMBDA_GLIBC.join('.')}`,
    );
  say(`Lambda addon needs at most GLIBC_${newest} (limit ${LAMBDA_GLIBC.join('.')}): ${file}`);
}

if (!has('cargo')) {
  say('cargo not found: native addon not built, the tests run on the TypeScript twins');
  process.exit(args.has('--required') ? 1 : 0);
}
try {
  if (args.has('--lambda')) buildLambda();
  buildHost();
} catch (error) {
  say(`native addon build failed: ${error.message}`);
  // Without --required the project goes on, slower, on the twins.
  process.exit(args.has('--required') ? 1 : 0);
}
