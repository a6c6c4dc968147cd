import { describe, expect, it } from 'vitest';
import { Epoch } from '../../epoch.ts';
import { slotIsRequired, slotNeedsValue } from '../../node/define.ts';
import { asyncError, error } from './failing.ts';
import { divide, multiply } from './math.ts';
import { concat, exclaim, multiConcat, repeat } from './strings.ts';
import { dictify, injectEpoch, inputParty, passthrough, thisOrThat } from './structure.ts';

const ctx = { nodeId: 'fn', epoch: new Epoch(3), signal: new AbortController().signal };

describe('multiply', () => {
  it('default', () => {
    expect(multiply.signals).toEqual(['value']);
    expect(Object.keys(multiply.slots)).toEqual(['left', 'right']);
    expect(slotNeedsValue(multiply.slots.left!)).toBe(true);
    // As upstream: `right: int = 2` has a default, so it need not be bound, but once bound
    // to a dependency the node waits for that dependency to fire.
    expect(slotNeedsValue(multiply.slots.right!)).toBe(false);
    expect(slotIsRequired(multiply.slots.right!)).toBe(true);
    expect(multiply.process!({ left: 4 }, ctx)).toBe(8);
  });

  it('behavior: multiplies by right', () => {
    expect(multiply.process!({ left: 4, right: 3 }, ctx)).toBe(12);
  });

  it("behavior: repeats strings and lists like Python's *", () => {
    expect(multiply.process!({ left: 'a' }, ctx)).toBe('aa');
    expect(multiply.process!({ left: 3, right: 'ab' }, ctx)).toBe('ababab');
    expect(multiply.process!({ left: [1, [2]], right: 2 }, ctx)).toEqual([1, [2], 1, [2]]);
    expect(multiply.process!({ left: 'a', right: -1 }, ctx)).toBe('');
    expect(multiply.process!({ left: true, right: 3 }, ctx)).toBe(3);
  });

  it('error: operands Python refuses (a string times a float, two strings)', () => {
    expect(() => multiply.process!({ left: 'a', right: 1.5 }, ctx)).toThrow(
      /unsupported operand types for \*: 'str' and 'float'/,
    );
    expect(() => multiply.process!({ left: 'a', right: 'b' }, ctx)).toThrow(/'str' and 'str'/);
  });
});

describe('divide', () => {
  it('default', () => {
    expect(divide.signals).toEqual(['ratio']);
    expect(divide.process!({ numerator: 3 }, ctx)).toBe(0.6);
  });
});

describe('strings', () => {
  it('behavior: concat joins a list', () => {
    expect(concat.process!({ strings: ['a!', 'b!', 'c!'] }, ctx)).toBe('a!b!c!');
  });

  it('behavior: exclaim adds hype exclamation marks', () => {
    expect(exclaim.process!({ string: 'hey' }, ctx)).toBe('hey!');
    expect(exclaim.process!({ string: 'hey', hype: 3 }, ctx)).toBe('hey!!!');
    expect(exclaim.process!({ string: 'hey', hype: 0 }, ctx)).toBe('hey');
  });

  it('behavior: repeat', () => {
    expect(repeat.process!({ string: 'ab', times: 3 }, ctx)).toBe('ababab');
  });

  it('behavior: multi_concat joins the letters of every keyword input', () => {
    expect(multiConcat.variadic).toBe(true);
    expect(multiConcat.process!({ a: ['h', 'i'], b: 'there' }, ctx)).toBe('hithere');
  });
});

describe('dictify', () => {
  it('behavior: wraps items under key', () => {
    expect(dictify.process!({ key: 'apple', items: [0, 1, 2] }, ctx)).toEqual({ apple: [0, 1, 2] });
  });
});

describe('this_or_that', () => {
  it('default', () => {
    for (const slot of Object.values(thisOrThat.slots)) expect(slotIsRequired(slot)).toBe(false);
    expect(thisOrThat.process!({}, ctx)).toEqual({});
  });

  it('behavior: keeps only the slots that arrived', () => {
    expect(thisOrThat.process!({ this: null, that: 'daikon', the_other: undefined }, ctx)).toEqual({
      that: 'daikon',
    });
    expect(thisOrThat.process!({ this: 0, the_other: false }, ctx)).toEqual({
      this: 0,
      the_other: false,
    });
  });
});

describe('input_party', () => {
  it('behavior: seven required slots in order, returns works: true', () => {
    expect(Object.keys(inputParty.slots)).toEqual([
      'one',
      'two',
      'three',
      'four',
      'five',
      'six',
      'seven',
    ]);
    for (const slot of Object.values(inputParty.slots)) expect(slotIsRequired(slot)).toBe(true);
    expect(inputParty.signals).toEqual(['works']);
    expect(inputParty.process!({}, ctx)).toBe(true);
  });
});

describe('passthrough', () => {
  it('behavior: returns [value, args, kwargs]', () => {
    expect(passthrough.variadic).toBe(true);
    expect(passthrough.process!({ value: 1 }, ctx)).toEqual([1, [], {}]);
    expect(passthrough.process!({ value: 1, 1: 'b', 0: 'a', l1_b: 2 }, ctx)).toEqual([
      1,
      ['a', 'b'],
      { l1_b: 2 },
    ]);
  });
});

describe('inject_epoch', () => {
  it('behavior: returns the context epoch', () => {
    expect(injectEpoch.process!({}, ctx)).toBe(ctx.epoch);
  });
});

describe('error', () => {
  it('error: always throws', () => {
    expect(() => error.process!({ value: 1 }, ctx)).toThrow('This node just emits errors');
  });

  it('error: async_error rejects', async () => {
    await expect(asyncError.process!({ value: 1 }, ctx)).rejects.toMatchObject({
      name: 'DeliberateError',
    });
  });
});
