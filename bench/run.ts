/**
 * `npm run bench -- NAME [args…]` runs the benchmark program `bench/NAME.ts` on the
 * project's Node. Each program prints, as its last line, one JSON object
 * `{"bench", "metric", "value", "baseline", "ratio"}` (see `bench/report.ts`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((file) => file.endsWith('.ts') && !['run.ts', 'report.ts'].includes(file))
  .map((file) => file.slice(0, -3));
const [name, ...args] = process.argv.slice(2);

if (!name || !existsSync(join(here, `${name}.ts`))) {
  const problem = name ? `no benchmark named "${name}"` : 'no benchmark named';
  process.stderr.write(
    `${problem}. Usage: npm run bench -- NAME. Available: ${available.join(', ')}\n`,
  );
  process.exit(2);
}

const result = spawnSync(process.execPath, [join(here, `${name}.ts`), ...args], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
