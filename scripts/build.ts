/**
 * `npm run build` (and `prepack`): the published package's JavaScript and declarations in
 * dist/, from the TypeScript sources (tsconfig.build.json: `.ts` imports become `.js`),
 * plus the files noob reads from disk as it runs (SQL statements and migrations, the
 * dashboard's page) copied beside the modules that read them, so `new URL('./sql/',
 * import.meta.url)` finds them in dist/ as it does in the sources. Development needs no
 * build: Node runs the sources directly.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const DIST = join(ROOT, 'dist');
/** The folders the package publishes, as in tsconfig.build.json's `include`. */
const SOURCES = ['core', 'functions', 'contracts/client', 'contracts/generated'];

rmSync(DIST, { recursive: true, force: true });
execFileSync(
  process.execPath,
  [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
  { cwd: ROOT, stdio: 'inherit' },
);
let copied = 0;
for (const source of SOURCES) {
  for (const file of readdirSync(join(ROOT, source), { recursive: true, withFileTypes: true })) {
    const from = join(file.parentPath, file.name);
    if (!file.isFile() || !isRuntimeAsset(from)) continue;
    const to = join(DIST, relative(ROOT, from));
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(from, to);
    copied++;
  }
}
process.stdout.write(`built dist/ (${copied} files copied beside the modules)\n`);

/** Files read at run time: anything but TypeScript sources, docs and tests' files. */
function isRuntimeAsset(path: string): boolean {
  return (
    !path.endsWith('.ts') &&
    !path.endsWith('.md') &&
    !/\.test\.\w+$/.test(path) &&
    !/[/\\]fixtures[/\\]/.test(path)
  );
}
