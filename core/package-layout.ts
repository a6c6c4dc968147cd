import { join } from 'node:path';

/**
 * Where noob's own files are as it runs. In a checkout of the repository Node runs the
 * TypeScript sources directly (`core/x.ts`); the published package runs them compiled
 * under `dist/` (`dist/core/x.js`, with the SQL files and the dashboard's page copied
 * beside them). Code that names one of noob's own files by path (a worker thread's
 * script, the `noob` command) asks here instead of writing `.ts` or counting `..`.
 */

/** Whether this is the compiled package (dist/) rather than the TypeScript sources. */
const COMPILED = !import.meta.url.endsWith('.ts');

/** The extension of noob's own modules as they run: `.ts` from the sources, `.js` compiled. */
export const MODULE_EXTENSION = COMPILED ? '.js' : '.ts';

/** The package's root folder: where package.json, bin/ and examples/ are. */
export const PACKAGE_ROOT = join(import.meta.dirname, ...(COMPILED ? ['..', '..'] : ['..']));

/**
 * Node options for a worker thread that may load user modules: from the sources, the
 * `noob-source` export condition, so that their `import 'noob'` means the sources as it
 * does in the main thread (bin/noob.js adds it there). None for the compiled package.
 */
export const THREAD_EXEC_ARGV: readonly string[] = COMPILED ? [] : ['--conditions=noob-source'];

/** The `noob` command's script (bin/noob.js), for starting noob processes. */
export const NOOB_BIN = join(PACKAGE_ROOT, 'bin', 'noob.js');

/**
 * The URL of one of noob's own modules, `name` without its extension, relative to `base`
 * (the caller's `import.meta.url`): `ownModuleUrl('./worker', import.meta.url)`.
 */
export function ownModuleUrl(name: string, base: string | URL): URL {
  return new URL(`${name}${MODULE_EXTENSION}`, base);
}
