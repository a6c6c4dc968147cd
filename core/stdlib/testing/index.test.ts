import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isAssetDefinition } from '../../node/asset.ts';
import { isNodeDefinition } from '../../node/define.ts';
import { testingAssets, testingNodes } from './index.ts';

/** Signals of the nodes the conformance tubes use (README, "The `noob.testing.*` nodes"). */
const CONFORMANCE_SIGNALS: Record<string, string[]> = {
  count_source: ['index'],
  letter_source: ['letter'],
  word_source: ['word'],
  sporadic_word: ['word'],
  word_counts: ['word', 'counts'],
  switch: ['fruits', 'vegetables', 'minerals'],
  multiply: ['value'],
  divide: ['ratio'],
  concat: ['value'],
  exclaim: ['value'],
  repeat: ['value'],
  dictify: ['value'],
  error: ['value'],
  this_or_that: ['value'],
  input_party: ['works'],
  fast_forward: ['next'],
  jump: ['skirttt', 'next'],
};
const CONFORMANCE_ASSETS = ['counter'];

/** Everything upstream's `noob.testing.__all__` exports, minus the two not ported. */
// biome-ignore format: a word list reads better filled than one name per line
const UPSTREAM_NAMES = [
  'AnyAsset', 'async_error', 'concat', 'count_source', 'cycle', 'dictify', 'divide', 'error',
  'exclaim', 'letter_source', 'long_add', 'multiply', 'number_to_letter', 'passthrough',
  'repeat', 'sporadic_word', 'sporadic_word_noevent', 'word_counts', 'word_source',
  'multi_concat', 'multi_words_source', 'CountSource', 'Multiply', 'VolumeProcess', 'Volume',
  'InitCounter', 'Now', 'NumberToLetterCls', 'StatefulMultiply', 'UnannotatedGenerator',
  'counter', 'counter_cm', 'CountSourceDecor', 'LifecycleCounter', 'increment', 'inject_epoch',
  'input_party', 'fast_forward', 'rewind', 'jump', 'just_wait', 'switch', 'this_or_that',
  'zip_iter', 'Initializer',
];

/** The conformance README lives in the shared folder beside (or inside) the repository. */
function findConformanceReadme(): string | undefined {
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  const candidates = [
    process.env.NOOB_CONFORMANCE_DIR && `${process.env.NOOB_CONFORMANCE_DIR}/README.md`,
    `${root}shared/conformance/README.md`,
    `${root}../shared/conformance/README.md`,
  ];
  return candidates.find((path): path is string => !!path && existsSync(path));
}

describe('testingNodes', () => {
  it('default', () => {
    for (const [name, definition] of Object.entries(testingNodes)) {
      expect(name).toMatch(/^noob\.testing\.[A-Za-z_]+$/);
      expect(isNodeDefinition(definition)).toBe(true);
    }
    for (const [name, definition] of Object.entries(testingAssets)) {
      expect(name).toMatch(/^noob\.testing\.[A-Za-z_]+$/);
      expect(isAssetDefinition(definition)).toBe(true);
    }
  });

  it('behavior: the conformance nodes exist with their signals', () => {
    for (const [name, signals] of Object.entries(CONFORMANCE_SIGNALS)) {
      expect(testingNodes[`noob.testing.${name}`]?.signals, name).toEqual(signals);
    }
    for (const name of CONFORMANCE_ASSETS) {
      expect(testingAssets[`noob.testing.${name}`], name).toBeDefined();
    }
  });

  const readme = findConformanceReadme();
  it.skipIf(!readme)('behavior: every node the conformance README lists is covered', () => {
    const text = readFileSync(readme!, 'utf8');
    const start = text.indexOf('## The `noob.testing.*` nodes');
    expect(start).toBeGreaterThanOrEqual(0);
    const end = text.indexOf('\n## ', start + 1);
    const section = text.slice(start, end === -1 ? undefined : end);
    const listed = [...section.matchAll(/`([A-Za-z_]+)\(/g)].map((match) => match[1]!);
    expect(listed.length).toBeGreaterThan(10);
    for (const name of listed) {
      expect([...Object.keys(CONFORMANCE_SIGNALS), ...CONFORMANCE_ASSETS], name).toContain(name);
    }
  });

  it('behavior: every upstream name is ported', () => {
    const ported = [...Object.keys(testingNodes), ...Object.keys(testingAssets)];
    expect(ported.map((name) => name.slice('noob.testing.'.length)).sort()).toEqual(
      [...UPSTREAM_NAMES].sort(),
    );
  });
});
