import { existsSync } from 'node:fs';
import { DASHBOARD_FILES } from '../functions/api/dashboard/files.ts';

/**
 * Files noob reads at run time, copied beside each function's bundle (SST `copyFiles`,
 * and the CDK app's bundling in infra/cdk/bundle.ts): `from` in this repository, `to` in
 * the bundle.
 */
export const runtimeFiles = [
  { from: 'core/queue/sql', to: 'sql' },
  { from: 'core/queue/migrations', to: 'migrations' },
  // The dashboard's page, style and scripts (functions/api/dashboard/dashboard.ts reads
  // them beside itself, which in a bundle is the bundle's folder).
  ...DASHBOARD_FILES.map((name) => ({ from: `functions/api/dashboard/${name}`, to: name })),
];

/**
 * The native addon's Lambda artifact (x86_64, glibc ≤ 2.17), built by
 * `node scripts/build-native.mjs --lambda` (docs/native.md), and where the worker's
 * bundle carries it.
 */
export const lambdaAddon = {
  from: 'native/generated/lambda/noob-native.linux-x64-gnu.node',
  to: 'native/noob-native.node',
};

/**
 * The worker's extra files and environment when the addon's Lambda artifact is built:
 * the file, and `NOOB_NATIVE_PATH` pointing at its place in the function (`/var/task` is
 * where Lambda unpacks a bundle). Without it the worker runs on the TypeScript twins.
 */
export function workerAddon(root = '.'): {
  files: { from: string; to: string }[];
  environment: Record<string, string>;
} {
  if (!existsSync(`${root}/${lambdaAddon.from}`)) return { files: [], environment: {} };
  return {
    files: [lambdaAddon],
    environment: { NOOB_NATIVE_PATH: `/var/task/${lambdaAddon.to}` },
  };
}

/**
 * The first line of an ES module bundle: CommonJS dependencies bundled into it still
 * call `require()`, which an ES module lacks.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __noobCreateRequire } from 'node:module'; const require = __noobCreateRequire(import.meta.url);";

/** The embedded driver's native package is installed, not bundled. */
export const nodejs = { install: ['libsql'], format: 'esm' as const };
