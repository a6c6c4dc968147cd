import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * A disk that loses what was not fsync'd ({@link mountLazyFs}): `lazyfs.py` beside this
 * file, a FUSE layer in the spirit of Jepsen's LazyFS, run with mfusepy (PyPI) on libfuse3
 * (Debian's `fuse3`, which scripts/bootstrap.mjs installs when root). For the power-loss
 * scenario of the chaos matrix (test/platform/chaos.ts).
 */

const ROOT = join(import.meta.dirname, '..', '..', '..');
/** Pinned: the layer is written against this version's Operations. */
const MFUSEPY = 'mfusepy==3.1.1';
/** Project-local and gitignored (`.venv/`); made on first use. */
const VENV = join(ROOT, '.venv', 'lazyfs');
const MARKER = '.noob-installed';
const SCRIPT = join(import.meta.dirname, 'lazyfs.py');
/** One pip install of a pure-Python wheel; past this it gives up instead of hanging. */
const INSTALL_MS = 180_000;
/** Mounting and unmounting take milliseconds; these bound a layer that went wrong. */
const MOUNT_MS = 20_000;
const UNMOUNT_MS = 20_000;
/** How long the layer may serve its last open files after a crash (see crash()). */
const DETACH_MS = 2_000;

/**
 * Why this machine cannot run the layer (no /dev/fuse, no fusermount3, no python3 venv,
 * PyPI unreachable), or undefined when it can: the venv is then ready.
 */
export function lazyFsMissing(): string | undefined {
  if (!existsSync('/dev/fuse')) return 'no /dev/fuse on this machine';
  if (spawnSync('fusermount3', ['-V']).error) {
    return 'no fusermount3 (Debian package fuse3; npm test installs it when run as root)';
  }
  if (ready(VENV)) return undefined;
  // Made aside, then renamed into place: test files run side by side may both get here
  // (the python of a moved venv still finds its packages).
  const staging = `${VENV}.${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(dirname(staging), { recursive: true });
  const steps: [string, string[]][] = [
    ['python3', ['-m', 'venv', staging]],
    [
      join(staging, 'bin', 'python'),
      ['-m', 'pip', 'install', '-q', '--disable-pip-version-check', MFUSEPY],
    ],
  ];
  for (const [command, args] of steps) {
    const run = spawnSync(command, args, {
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: INSTALL_MS,
    });
    if (run.error || run.status !== 0) {
      rmSync(staging, { recursive: true, force: true });
      const why = run.error?.message ?? run.stderr.toString().trim().split('\n').at(-1);
      return `cannot set up ${MFUSEPY} in ${VENV}: ${command} ${args[0]} ${args[1]} failed (${why})`;
    }
  }
  writeFileSync(join(staging, MARKER), MFUSEPY);
  if (!ready(VENV)) {
    rmSync(VENV, { recursive: true, force: true });
    try {
      renameSync(staging, VENV);
    } catch {
      // Another process put its own in place meanwhile: that one serves.
    }
  }
  rmSync(staging, { recursive: true, force: true });
  return ready(VENV) ? undefined : `could not put the mfusepy venv in place at ${VENV}`;
}

/** Whether the venv at `folder` holds the pinned mfusepy. */
function ready(folder: string): boolean {
  const marker = join(folder, MARKER);
  return existsSync(marker) && readFileSync(marker, 'utf8') === MFUSEPY;
}

/** A mounted layer. */
export interface LazyFs {
  /** Where programs read and write. */
  mount: string;
  /** The disk: what survives a crash. */
  backing: string;
  /**
   * Power loss: drops every write not yet fsync'd, then the mount goes away. Resolves
   * with the bytes dropped (whole pages) once it is gone. Stop the mount's users first.
   * Crashing again answers the same.
   */
  crash(): Promise<{ droppedBytes: number; files: number }>;
}

/**
 * Mounts the layer on `mount` (an empty folder) over `backing` (the disk) and waits until
 * the kernel talks to it. {@link lazyFsMissing} must have said nothing first.
 */
export async function mountLazyFs(backing: string, mount: string): Promise<LazyFs> {
  const child = spawn(join(VENV, 'bin', 'python'), [SCRIPT, backing, mount], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  let errors = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    errors += chunk.toString();
  });
  const exited = once(child, 'exit');
  await bounded(
    new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', () => output.includes('mounted') && resolve());
      exited.then(() => reject(new Error(`lazyfs exited before mounting ${mount}: ${errors}`)));
    }),
    MOUNT_MS,
    () => `lazyfs did not mount ${mount}: ${errors}`,
    child,
    mount,
  );
  let crashed: Promise<{ droppedBytes: number; files: number }> | undefined;
  const crash = async () => {
    child.stdin!.end('crash\n');
    const said = /crashed: dropped (\d+) bytes in (\d+) files/;
    const match = await bounded(
      new Promise<RegExpExecArray>((resolve) => {
        const check = () => {
          const found = said.exec(output);
          if (found) resolve(found);
        };
        check();
        child.stdout!.on('data', check);
      }),
      UNMOUNT_MS,
      () => `lazyfs on ${mount} did not crash: ${errors}`,
      child,
      mount,
    );
    // The mount is detached at once, but the process serves until the last file opened
    // there is closed (a process left running, a file watch): ended then, its users get
    // ENOTCONN, as after a power cut.
    const timer = setTimeout(() => child.kill('SIGKILL'), DETACH_MS);
    await exited;
    clearTimeout(timer);
    return { droppedBytes: Number(match[1]), files: Number(match[2]) };
  };
  return {
    mount,
    backing,
    crash: () => {
      crashed ??= crash();
      return crashed;
    },
  };
}

/** `promise`, or after `ms` the layer killed, its mount taken away and `what()` thrown. */
async function bounded<T>(
  promise: Promise<T>,
  ms: number,
  what: () => string,
  child: ChildProcess,
  mount: string,
) {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      child.kill('SIGKILL');
      // A FUSE mount whose process died stays behind ("transport endpoint not connected").
      spawnSync('fusermount3', ['-u', '-z', mount]);
      reject(new Error(what()));
    }, ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}
