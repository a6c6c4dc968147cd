import { execFileSync } from 'node:child_process';

/**
 * The glibc a shared object needs, read from its dynamic symbol table (`objdump -T`):
 * the Lambda addon must need at most {@link LAMBDA_GLIBC}, the oldest glibc the
 * artifact is promised to load on (Lambda's own is 2.34; 2.17 leaves room for older
 * hosts too). Used by scripts/build-native.mjs and native/lambda.test.ts.
 */

/** A glibc version, as [major, minor]. */
export type GlibcVersion = readonly [number, number];

/** Highest glibc the Lambda artifact may need. */
export const LAMBDA_GLIBC: GlibcVersion = [2, 17];

/** Orders two versions (negative when `a` is older). */
export function compareGlibc(a: GlibcVersion, b: GlibcVersion): number {
  return a[0] - b[0] || a[1] - b[1];
}

/** The newest `GLIBC_x.y` that `file` references ([0, 0] if none). */
export function newestGlibc(file: string): GlibcVersion {
  const table = execFileSync('objdump', ['-T', file], { encoding: 'utf8' });
  let newest: GlibcVersion = [0, 0];
  for (const match of table.matchAll(/GLIBC_(\d+)\.(\d+)/g)) {
    const version: GlibcVersion = [Number(match[1]), Number(match[2])];
    if (compareGlibc(version, newest) > 0) newest = version;
  }
  return newest;
}
