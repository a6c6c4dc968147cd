import { join } from 'node:path';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import type { BundlingOptions, NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import { ESM_REQUIRE_BANNER, runtimeFiles } from '../files.ts';

/** The repository root (the functions' entries and the lock file are there). */
export const ROOT = join(import.meta.dirname, '..', '..');

/**
 * How a noob function is bundled (esbuild, on this machine, at synthesis): ES module
 * output for Node 22, with the embedded libSQL driver's native package copied beside the
 * bundle rather than bundled (esbuild cannot bundle a `.node` file, and `core/queue`
 * imports the driver even where only the remote one is used), and the SQL files and the
 * dashboard page noob reads at run time copied there too (the SST app's list,
 * infra/files.ts), with `extraFiles` (the worker's addon). Built for x86_64 Lambdas.
 */
export function noobBundling(
  extraFiles: readonly { from: string; to: string }[] = [],
): BundlingOptions {
  const natives = ['libsql', '@libsql/linux-x64-gnu', '@neon-rs/load', 'detect-libc'];
  return {
    format: 'esm' as BundlingOptions['format'],
    target: 'node22',
    sourceMap: true,
    // As SST does by default: a smaller file is parsed faster at every cold start.
    minify: true,
    externalModules: ['libsql', '@aws-sdk/*'],
    // An ES module bundle still meets CommonJS dependencies that call require().
    banner: ESM_REQUIRE_BANNER,
    forceDockerBundling: false,
    commandHooks: {
      beforeBundling: () => [],
      beforeInstall: () => [],
      afterBundling: (inputDir, outputDir) => [
        ...natives.map(
          (name) =>
            `mkdir -p ${outputDir}/node_modules/${name} && cp -R ${inputDir}/node_modules/${name}/. ${outputDir}/node_modules/${name}/`,
        ),
        // Files read at run time beside the module that reads them (now the bundle).
        ...[...runtimeFiles, ...extraFiles].map(
          ({ from, to }) =>
            `mkdir -p "$(dirname ${outputDir}/${to})" && cp -R ${inputDir}/${from} ${outputDir}/${to}`,
        ),
      ],
    },
  };
}

/**
 * What every noob function's `NodejsFunction` shares: the `handler` export of `entry` (a
 * path from the repository root), bundled from the repository with its lock file by
 * {@link noobBundling} (with `extraFiles`), on Node 22 for x86_64.
 */
export function noobEntry(
  entry: string,
  extraFiles: readonly { from: string; to: string }[] = [],
): NodejsFunctionProps {
  return {
    entry: join(ROOT, entry),
    handler: 'handler',
    projectRoot: ROOT,
    depsLockFilePath: join(ROOT, 'package-lock.json'),
    runtime: Runtime.NODEJS_22_X,
    architecture: Architecture.X86_64,
    bundling: noobBundling(extraFiles),
  };
}
