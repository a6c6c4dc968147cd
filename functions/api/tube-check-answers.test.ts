import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TubeCheckAnswers, type TubeCheckAnswersOptions } from './tube-check-answers.ts';
import { TubeCheckPool } from './tube-check-pool.ts';
import type { TubeChecker } from './tube-check-protocol.ts';

const root = mkdtempSync(join(tmpdir(), 'noob-check-answers-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A tube counting from `start`, or from its tube-scoped input `start` when none is given. */
const tube = (id: string, start = 'input.start') =>
  `noob_id: ${id}\ninput:\n  start:\n    scope: tube\n    type: int\nnodes:\n  a:\n    type: noob.testing.count_source\n    params:\n      start: ${start}\n  r:\n    type: return\n    depends: a.index\n`;

/** The inputs the tubes need. */
const START = { start: 1 };

// Registered tubes unchanged for over a second (an answer is kept under a file's `stat`
// only then), shared by the tests; each test also has a folder of its own.
const settled = mkdtempSync(join(root, 'settled-'));
beforeAll(async () => {
  for (const id of ['basic', 'a', 'b', 'c']) writeFileSync(join(settled, `${id}.yaml`), tube(id));
  await sleep(1_100);
});

let folder: string;
let pool: TubeCheckPool;
/** The questions that reached the pool, as `tenant tube`. */
let asked: string[];

/** Answers of the real pool of check threads, each question that reaches it written down. */
function answers(options: TubeCheckAnswersOptions = {}): TubeCheckAnswers {
  const counted: TubeChecker = {
    check: (tenant, text, inputs) => {
      asked.push(`${tenant} ${text.slice(0, 40)}`);
      return pool.check(tenant, text, inputs);
    },
    close: () => pool.close(),
  };
  return new TubeCheckAnswers(counted, options);
}

let n = 0;
beforeEach(() => {
  folder = mkdtempSync(join(root, `t${n++}-`));
  pool = new TubeCheckPool({ tubePaths: [folder, settled] });
  asked = [];
});
afterEach(() => pool.close());

describe('TubeCheckAnswers', () => {
  it('default: a tube checked once is answered again without a check thread, the same answer', async () => {
    const checker = answers();
    const first = await checker.check('acme', 'basic', START);
    const again = await checker.check('acme', 'basic', START);
    const text = tube('text-only');
    await checker.check('acme', text, START);
    await checker.check('acme', text, START);
    expect(again).toEqual(first);
    expect(first).toMatchObject({ id: 'basic', nodeCount: 2, reusable: true });
    expect(asked).toHaveLength(2);
  });

  it('behavior: other inputs, another tenant or another NOOB_TUBE_PATH ask the checker again', async () => {
    const checker = answers();
    await checker.check('acme', 'basic', START);
    await checker.check('acme', 'basic', { start: 2 });
    await checker.check('globex', 'basic', START);
    const saved = process.env.NOOB_TUBE_PATH;
    process.env.NOOB_TUBE_PATH = join(folder, 'nowhere');
    try {
      await checker.check('acme', 'basic', START);
    } finally {
      if (saved === undefined) delete process.env.NOOB_TUBE_PATH;
      else process.env.NOOB_TUBE_PATH = saved;
    }
    expect(asked).toHaveLength(4);
  });

  it('behavior: a registered tube edited since is checked again at once, and the new text answered', async () => {
    const file = join(folder, 'fresh.yaml');
    writeFileSync(file, tube('fresh', '1'));
    const checker = answers();
    expect((await checker.check('acme', 'fresh', START)).text).toBe(tube('fresh', '1'));
    // Changed within the last second: not kept (an edit of the same size in the same
    // clock tick would leave its `stat` alike).
    await checker.check('acme', 'fresh', START);
    expect(asked).toHaveLength(2);
    writeFileSync(file, tube('fresh', '70'));
    expect((await checker.check('acme', 'fresh', START)).text).toBe(tube('fresh', '70'));
    expect(asked).toHaveLength(3);
  });

  it('behavior: a refused tube, or one that extends another, is asked about every time', async () => {
    const checker = answers();
    const extending =
      'noob_id: ext\nextends:\n  - basic\nnodes:\n  r:\n    type: return\n    depends: a.index\n';
    for (let i = 0; i < 2; i++) {
      await expect(checker.check('acme', 'no-such-tube', START)).rejects.toMatchObject({
        name: 'TubeLoadError',
      });
      expect((await checker.check('acme', extending, START)).reusable).toBeUndefined();
    }
    expect(asked).toHaveLength(4);
    expect(checker.size).toBe(0);
  });

  it('behavior: the same question asked at once reaches the checker once', async () => {
    const checker = answers();
    const all = await Promise.all(
      Array.from({ length: 20 }, () => checker.check('acme', 'basic', START)),
    );
    expect(new Set(all.map((s) => s.cid)).size).toBe(1);
    expect(asked).toHaveLength(1);
  });

  it('behavior: an answer past maxAgeMs, a long tube or large inputs go to the checker', async () => {
    const aged = answers({ maxAgeMs: -1 });
    await aged.check('acme', 'basic', START);
    await aged.check('acme', 'basic', START);
    expect(asked).toHaveLength(2);
    const small = answers({ maxTubeChars: 10, maxInputValues: 2 });
    const text = tube('long');
    await small.check('acme', text, START);
    await small.check('acme', text, START);
    const listed = tube('listed').replace(
      'nodes:',
      'nodes:\n  l:\n    type: noob.testing.count_source\n    params:\n      start: input.more\n',
    );
    const more = listed.replace(
      'type: int\n',
      'type: int\n  more:\n    scope: tube\n    type: int\n',
    );
    await small.check('acme', more, { start: 1, more: 2 });
    await small.check('acme', more, { start: 1, more: 2 });
    expect(asked).toHaveLength(6);
  });

  it('behavior: at most maxEntries answers are kept, the least recently used dropped first', async () => {
    const checker = answers({ maxEntries: 2 });
    for (const id of ['a', 'b', 'a', 'c', 'a', 'b']) await checker.check('acme', id, START);
    // a and b asked; a kept; c asked (b dropped); a kept; b asked again.
    expect(asked.map((q) => q.split(' ')[1])).toEqual(['a', 'b', 'c', 'b']);
    expect(checker.size).toBe(2);
  });
});
