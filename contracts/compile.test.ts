import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { compileContracts, generatedDir } from './solc.ts';

describe('compile', () => {
  test('behavior: the committed artifacts are what the sources compile to', () => {
    const modules = compileContracts();
    const committed = readdirSync(generatedDir).filter((file) => file.endsWith('.ts'));
    expect(committed.sort()).toEqual([...modules.keys()].sort());
    for (const [file, text] of modules) {
      // If this fails, run `node contracts/compile.ts` and commit contracts/generated.
      expect(readFileSync(join(generatedDir, file), 'utf8'), file).toBe(text);
    }
  });
});
