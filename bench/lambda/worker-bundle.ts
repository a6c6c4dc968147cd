/**
 * The worker Lambda as the deployment ships it, for bench lambda's cold start: one ES
 * module built by esbuild from functions/worker/lambda.ts the way infra/cdk/bundle.ts
 * has the CDK app build it (Node 22, `libsql` and the AWS SDK left outside, the SQL files
 * copied beside it), minified as both deploy it (SST by default, the CDK app by its
 * bundling options) or not, to show what that saves. Written under
 * bench/.cache so that `libsql` resolves from the repository's node_modules.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { ESM_REQUIRE_BANNER, runtimeFiles } from '../../infra/files.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/** A built worker bundle: its handler file, and how to remove it. */
export interface WorkerBundle {
  file: string;
  /** Its size in bytes. */
  bytes: number;
  dispose(): void;
}

/** Bundle the worker handler into a fresh folder. */
export async function bundleWorker(options: { minify: boolean }): Promise<WorkerBundle> {
  const cache = join(ROOT, 'bench', '.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, 'lambda-worker-'));
  const file = join(dir, 'index.mjs');
  const result = await build({
    entryPoints: [join(ROOT, 'functions', 'worker', 'lambda.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    external: ['libsql', '@aws-sdk/*'],
    banner: { js: ESM_REQUIRE_BANNER },
    minify: options.minify,
    outfile: file,
    metafile: true,
    logLevel: 'error',
  });
  for (const { from, to } of runtimeFiles)
    cpSync(join(ROOT, from), join(dir, to), { recursive: true });
  const bytes = Object.values(result.metafile.outputs).reduce((sum, out) => sum + out.bytes, 0);
  return { file, bytes, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
