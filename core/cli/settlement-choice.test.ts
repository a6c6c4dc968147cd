import { describe, expect, it } from 'vitest';
import { parseSettlementChoice } from './settlement-choice.ts';

describe('parseSettlementChoice', () => {
  it('behavior: NAME:REWARD, the reward after the last colon (a name may hold colons)', () => {
    expect(parseSettlementChoice('march:10000000000000000')).toEqual({
      name: 'march',
      reward: '10000000000000000',
    });
    expect(parseSettlementChoice('acme:2026-03:5')).toEqual({ name: 'acme:2026-03', reward: '5' });
  });

  it.each([
    ['no reward', 'march', /has no REWARD/],
    ['an empty name', ':100', /NAME expected 1 to 100 letters/],
    ['a reward of 0', 'march:0', /REWARD expected a whole number of wei above 0/],
    ['a reward in ether', 'march:0.01', /REWARD expected a whole number of wei/],
    ['a reward no escrow holds', `march:${2n ** 96n}`, /REWARD more wei than an escrow holds/],
    ['a name with a space', 'my escrow:5', /NAME expected 1 to 100 letters/],
  ])('error: %s is a UsageError naming the half that is wrong', (_what, text, message) => {
    let thrown: Error | undefined;
    try {
      parseSettlementChoice(text);
    } catch (error) {
      thrown = error as Error;
    }
    expect(thrown?.name).toBe('UsageError');
    expect(thrown?.message).toMatch(/^--settlement takes NAME:REWARD/);
    expect(thrown?.message).toMatch(message);
  });
});
