import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'esbuild';
import { PeerError } from '../errors.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const require = createRequire(import.meta.url);

/**
 * Modules that a browser cannot run, and the twin the bundle takes in their place (what
 * package.json's `browser` field does for a package, kept here beside the bundle it
 * shapes). Each twin is typed as the module it replaces, so the two cannot drift apart.
 */
const TWINS: Record<string, string> = {
  [join(root, 'native', 'load.ts')]: join(here, 'twins', 'native-load.ts'),
  [join(root, 'core', 'node', 'registry.ts')]: join(here, 'twins', 'registry.ts'),
  [join(root, 'core', 'node', 'module-policy.ts')]: join(here, 'twins', 'module-policy.ts'),
  [join(root, 'peers', 'node.ts')]: join(here, 'node.ts'),
};

/**
 * Automerge's browser entry imports its `.wasm` file, which only a bundler with a wasm
 * loader handles; its base64 entry (in the same package) carries the same module inline.
 */
function automergeInline(): string {
  const entry = require.resolve('@automerge/automerge');
  return join(
    entry.slice(0, entry.lastIndexOf('/dist/')),
    'dist/mjs/entrypoints/fullfat_base64.js',
  );
}

const twins: Plugin = {
  name: 'noob-browser-twins',
  setup(build) {
    build.onResolve({ filter: /^@automerge\/automerge$/ }, () => ({ path: automergeInline() }));
    build.onResolve({ filter: /\.ts$/ }, (args) => {
      const twin = TWINS[resolve(args.resolveDir, args.path)];
      return twin ? { path: twin } : undefined;
    });
  },
};

/** How the browser peer is bundled. */
export interface BrowserBuildOptions {
  /**
   * Let the page dial private and loopback addresses (js-libp2p refuses them in a
   * browser). Only for a page served on the machine or network of the peers it joins:
   * development and tests.
   */
  allowPrivateDials: boolean;
  /** Minify (default false: a page served for development is read in devtools). */
  minify?: boolean;
}

/**
 * Bundles the browser peer (peers/browser/main.ts) into one ES module, with esbuild (a
 * development dependency: the bundle is made when a page asks for it, never committed).
 * Throws {@link PeerError} when esbuild is not installed or the bundle does not build.
 */
export async function buildBrowserPeer(options: BrowserBuildOptions): Promise<string> {
  const entry = join(here, 'main.ts');
  if (!existsSync(entry))
    throw new PeerError(
      'the browser peer is bundled from its TypeScript sources, which an installed package does not carry',
      { details: "Serve the page with noob peer from a checkout of noob's repository." },
    );
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch {
    throw new PeerError('the browser peer is bundled with esbuild, which is not installed', {
      details: 'Install it beside noob (npm install --save-dev esbuild) to serve the page.',
    });
  }
  try {
    const result = await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      minify: options.minify ?? false,
      logLevel: 'silent',
      define: { NOOB_ALLOW_PRIVATE_DIALS: String(options.allowPrivateDials) },
      plugins: [twins],
    });
    return result.outputFiles[0]!.text;
  } catch (error) {
    throw new PeerError(`the browser peer does not bundle: ${(error as Error).message}`);
  }
}
