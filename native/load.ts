import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NATIVE_EXPORTS, type NativeCore } from './contract.ts';
import { fromNative } from './errors.ts';

/** What {@link loadNative} found: the addon, or null and why not. */
export interface NativeLoad {
  /** The addon, behind the contract (its errors typed), or null. */
  addon: NativeCore | null;
  /** The file loaded or looked for. */
  path: string;
  /** Why there is no addon (empty when there is one), for one line of output. */
  reason: string;
}

/** Where to look and whether to look at all. */
export interface LoadNativeOptions {
  /** The `.node` file (default: `NOOB_NATIVE_PATH`, else the build's output for this platform). */
  path?: string;
  /** Skip the addon (default: true when `NOOB_NATIVE=0`): the twins run instead. */
  disabled?: boolean;
}

const require = createRequire(import.meta.url);

/** The file name napi-rs gives the build for this platform (`noob-native.linux-x64-gnu.node`). */
export function nativeFileName(platform = process.platform, arch = process.arch): string {
  return `noob-native.${platform}-${arch}${platform === 'linux' ? '-gnu' : ''}.node`;
}

const generated = join(dirname(fileURLToPath(import.meta.url)), 'generated');

/** Where `scripts/build-native.mjs` puts the addon for this machine. */
export const BUILT_ADDON = join(generated, nativeFileName());

/**
 * Where `scripts/build-native.mjs --lambda` puts the Lambda artifact (x86_64, glibc ≤
 * 2.17): the file a Lambda bundle copies, pointing `NOOB_NATIVE_PATH` at its copy.
 */
export const LAMBDA_ADDON = join(generated, 'lambda', nativeFileName('linux', 'x64'));

/**
 * Loads the addon, never throwing: a missing or broken build gives `addon: null` and the
 * reason, and the caller uses the twin. A Lambda bundle carrying the addon elsewhere
 * points `NOOB_NATIVE_PATH` (or `options.path`) at it.
 *
 * @example
 * const { addon, reason } = loadNative();
 * const core = addon ?? twin;
 * if (!addon) console.warn(`native addon not used: ${reason}`);
 */
export function loadNative(options: LoadNativeOptions = {}): NativeLoad {
  const path = options.path ?? (process.env.NOOB_NATIVE_PATH || BUILT_ADDON);
  if (options.disabled ?? process.env.NOOB_NATIVE === '0')
    return { addon: null, path, reason: 'disabled (NOOB_NATIVE=0)' };
  if (!existsSync(path))
    return { addon: null, path, reason: `not built: no ${path} (npm run build:native)` };
  let raw: Record<string, unknown>;
  try {
    raw = require(path);
  } catch (error) {
    return { addon: null, path, reason: `cannot load ${path}: ${(error as Error).message}` };
  }
  const missing = NATIVE_EXPORTS.filter((name) => typeof raw[name] !== 'function');
  if (missing.length > 0)
    return { addon: null, path, reason: `${path} is a stale build: no ${missing.join(', ')}` };
  return { addon: typed(raw as unknown as NativeCore), path, reason: '' };
}

/**
 * The addon's functions, each rethrowing the addon's errors as the contract's typed ones.
 * One wrapper per export with its own arity: a rest-parameter wrapper would allocate an
 * array per call, which costs more than the native call itself for small inputs.
 */
function typed(raw: NativeCore): NativeCore {
  const guard = <T>(call: () => T): T => {
    try {
      return call();
    } catch (error) {
      throw fromNative(error);
    }
  };
  return {
    blake3: (input) => guard(() => raw.blake3(input)),
    blake3Into: (input, out) => guard(() => raw.blake3Into(input, out)),
    blake3Many: (data, offsets, out) => guard(() => raw.blake3Many(data, offsets, out)),
    cidOfDagCbor: (bytes) => guard(() => raw.cidOfDagCbor(bytes)),
    dagCborFromJson: (json) => guard(() => raw.dagCborFromJson(json)),
    cidOfJson: (json) => guard(() => raw.cidOfJson(json)),
  };
}

let shared: NativeLoad | undefined;

/**
 * The addon for this process, loaded once: a `.node` file is loaded once per process
 * anyway, so every user (core/cid.ts, benchmarks) shares this result.
 */
export function sharedNative(): NativeLoad {
  shared ??= loadNative();
  return shared;
}
