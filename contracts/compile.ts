/**
 * `node contracts/compile.ts` recompiles the Solidity sources and rewrites
 * `contracts/generated/*.ts`. Commit the result: a test recompiles and fails when the
 * committed artifacts are stale.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileContracts, generatedDir } from './solc.ts';

const modules = compileContracts();
mkdirSync(generatedDir, { recursive: true });
for (const file of readdirSync(generatedDir)) {
  if (file.endsWith('.ts') && !modules.has(file)) rmSync(join(generatedDir, file));
}
for (const [file, text] of modules) writeFileSync(join(generatedDir, file), text);
process.stdout.write(`compiled ${modules.size} contracts into contracts/generated/\n`);
