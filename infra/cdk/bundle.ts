import { join } from 'node:path';
import type { BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';

/** The repository root (the functions' entries and the lock file are there). */
export const ROOT = join(import.meta.dirname, '..', '..');

/** Files noob reads at run time, from the repository to the bundle's folder. */
const FILES: [string, string][] = [
  ['core/queue/sql', 'sql'],
  ['core/queue/migrations', 'migrations'],
  ['functions/api/dashboard/page.html', 'page.html'],
  ['functions/api/dashboard/page.css', 'page.css'],
  ['functions/api/dashboard/page.js', 'page.js'],
];

/**
 * How a noob function is bundled (esbuild, on this machine, at synthesis): ES module
 * output for Node 22, with the embedded libSQL driver's native package copied beside the
 * bundle rather than bundled (esbuild cannot bundle a `.node` file, and `core/queue`
 * imports the driver even where only the remote one is used), and the SQL files and the
 * dashboard page noob reads at run time copied there too. Built for x86_64 Lambdas.
 */
export function noobBundling(): BundlingOptions {
  const natives = ['libsql', '@libsql/linux-x64-gnu', '@neon-rs/load', 'detect-libc'];
  return {
    format: 'esm' as BundlingOptions['format'],
    target: 'node22',
    sourceMap: true,
    externalModules: ['libsql', '@aws-sdk/*'],
    // An ES module bundle still meets CommonJS dependencies that call require().
    banner:
      "import { createRequire as __noobCreateRequire } from 'node:module'; const require = __noobCreateRequire(import.meta.url);",
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
        ...FILES.map(([from, to]) => `cp -R ${inputDir}/${from} ${outputDir}/${to}`),
      ],
    },
  };
}
