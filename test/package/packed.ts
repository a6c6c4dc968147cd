import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

/** A fresh project with noob's packed tarball installed, as a user would have it. */
export interface Consumer {
  /** The consumer project's folder. */
  dir: string;
  /** The tarball `npm pack` made. */
  tarball: string;
  /** Runs a command in the consumer project with this Node first on PATH. */
  run(command: string, args: readonly string[], env?: NodeJS.ProcessEnv): CommandResult;
}

/** What a finished command left. */
export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `npm pack` in the repository (its `prepack` builds dist/), then a new project in a temp
 * folder that installs the tarball with `npm install`, from npm's cache where it can (the
 * repository installed the same dependencies) and the registry otherwise, plus
 * TypeScript and Node's types as a TypeScript user would have them.
 */
export function packAndInstall(): Consumer {
  const work = mkdtempSync(join(tmpdir(), 'noob-package-'));
  const env = {
    ...process.env,
    PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH}`,
  };
  const pack = spawnSync('npm', ['pack', '--pack-destination', work], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
  });
  if (pack.status !== 0) throw new Error(`npm pack failed:\n${pack.stdout}\n${pack.stderr}`);
  const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack left no tarball in ${work}`);
  const dir = join(work, 'consumer');
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }),
  );
  const typescript = readVersion('typescript');
  const nodeTypes = readVersion('@types/node');
  execFileSync(
    'npm',
    [
      'install',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      join(work, tarball),
      `typescript@${typescript}`,
      `@types/node@${nodeTypes}`,
    ],
    { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return {
    dir,
    tarball: join(work, tarball),
    run(command, args, extra = {}) {
      const result = spawnSync(command, [...args], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...env, NOOB_DEBUG: '', ...extra },
        timeout: 290_000,
      });
      return { code: result.status, stdout: result.stdout, stderr: result.stderr };
    },
  };
}

/** The installed version of one of the repository's dev dependencies. */
function readVersion(name: string): string {
  const file = join(ROOT, 'node_modules', name, 'package.json');
  if (!existsSync(file)) throw new Error(`${name} is not installed in the repository`);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}
