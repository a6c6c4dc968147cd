import { describe, expect, it } from 'vitest';
import { commandHelp } from './help.ts';

const USAGE = `tool — does things

Usage:
  noob alpha [--x N]
                      what alpha does
  noob alpha --other
  noob beta           what beta does
  noob alphabet

Options for alpha and beta:
  --x N               the x

Options for beta:
  --y                 the y

Exit codes: 0 fine.`;

describe('commandHelp', () => {
  it("default: a command's usage lines with their continuations, its option sections and the exit codes", () => {
    expect(commandHelp('alpha', USAGE)).toBe(`Usage:
  noob alpha [--x N]
                      what alpha does
  noob alpha --other

Options:
  --x N               the x

Exit codes: 0 fine.`);
  });

  it('behavior: every section whose heading names the command, in order', () => {
    expect(commandHelp('beta', USAGE)).toBe(`Usage:
  noob beta           what beta does

Options:
  --x N               the x
  --y                 the y

Exit codes: 0 fine.`);
  });

  it('behavior: a command whose name starts another one gets only its own lines', () => {
    expect(commandHelp('alphabet', USAGE)).toBe('Usage:\n  noob alphabet\n\nExit codes: 0 fine.');
  });

  it("behavior: a command's own exit codes section wins over the general line, as 'Exit codes:'", () => {
    const withOwn = `${USAGE}\nExit codes for beta and gamma:\n  0 done,\n  3 beta's own.`;
    expect(commandHelp('beta', withOwn)).toMatch(
      /\n\nExit codes:\n {2}0 done,\n {2}3 beta's own\.$/,
    );
    expect(commandHelp('alpha', withOwn)).toMatch(/\n\nExit codes: 0 fine\.$/);
  });

  it('error: a command the usage does not list has no help', () => {
    expect(commandHelp('gamma', USAGE)).toBeUndefined();
  });
});
