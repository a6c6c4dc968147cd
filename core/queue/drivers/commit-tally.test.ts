import { describe, expect, it } from 'vitest';
import { CommitTally } from './commit-tally.ts';

/** The file's commit count is played by `file`; the writer's transactions by `around`. */
describe('CommitTally', () => {
  it("behavior: the writer's commits are taken out; another connection's move the count", () => {
    const tally = new CommitTally();
    let file = 100;
    const count = () => file;
    const before = tally.read(count)!.others;
    tally.around(count, () => {
      file += 1; // its COMMIT
    });
    expect(tally.read(count)).toEqual({ others: before, writer: 1 });
    file += 1; // another process
    expect(tally.read(count)!.others).toBe(before + 1);
  });

  it('behavior: during a transaction of the writer, the count is exact until its COMMIT, then unknown', () => {
    const writerSide = new CommitTally();
    const readerSide = new CommitTally(writerSide.buffer);
    let file = 7;
    const count = () => file;
    const seen: Array<number | undefined> = [];
    writerSide.around(count, () => {
      seen.push(readerSide.read(count)?.others);
      file += 1; // its COMMIT, not yet added to the tally
      seen.push(readerSide.read(count)?.others);
    });
    expect(seen).toEqual([7, undefined]);
    expect(readerSide.read(count)!.others).toBe(7);
  });

  it('behavior: a transaction that committed nothing (rolled back) changes nothing', () => {
    const tally = new CommitTally();
    const count = () => 3;
    expect(() =>
      tally.around(count, () => {
        throw new Error('constraint failed');
      }),
    ).toThrow('constraint failed');
    expect(tally.read(count)).toEqual({ others: 3, writer: 1 });
  });

  it('error: a count that cannot be read leaves the tally unable to tell for good', () => {
    const tally = new CommitTally();
    let readable = true;
    const count = () => (readable ? 5 : undefined);
    readable = false;
    tally.around(count, () => undefined);
    readable = true;
    expect(tally.read(count)).toBeUndefined();
  });
});
