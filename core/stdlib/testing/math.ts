import { defineNode } from '../../node/define.ts';

/** `multiply(left, right=2)` → `value`: `left × right` (signal purposely unnamed upstream). */
export const multiply = defineNode({
  description: 'Multiplies left by right.',
  slots: { left: {}, right: { default: 2 } },
  process: ({ left, right = 2 }) => left * right,
});

/** `divide(numerator, denominator=5)` → `ratio`: `numerator / denominator`. */
export const divide = defineNode({
  description: 'Divides numerator by denominator.',
  signals: ['ratio'],
  slots: { numerator: {}, denominator: { default: 5 } },
  process: ({ numerator, denominator = 5 }) => numerator / denominator,
});
