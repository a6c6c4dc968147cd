import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.ts';

describe('parseDuration', () => {
  it('default: a number and a unit', () => {
    expect(parseDuration('90s', '--expires')).toBe(90_000);
    expect(parseDuration('30d', '--expires')).toBe(30 * 86_400_000);
    expect(parseDuration('2w', '--expires')).toBe(14 * 86_400_000);
  });

  it('behavior: parts add up, and a fraction is allowed', () => {
    expect(parseDuration('1h30m', '--expires')).toBe(5_400_000);
    expect(parseDuration('1.5h', '--expires')).toBe(5_400_000);
  });

  it('error: no unit, an unknown unit, nothing or zero is refused naming the option', () => {
    for (const text of ['30', '3y', '', '0s', 'soon', '1h 30m', '-1d']) {
      expect(() => parseDuration(text, '--expires'), text).toThrow(
        expect.objectContaining({
          name: 'UsageError',
          message: expect.stringContaining(`--expires`),
        }),
      );
    }
  });
});
