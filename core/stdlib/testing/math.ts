import { defineNode } from '../../node/define.ts';
import { pythonMultiply } from './python-multiply.ts';

/**
 * `multiply(left, right=2)` → `value`: Python's `left * right` (signal purposely unnamed
 * upstream): numbers multiply, a string or list times an integer repeats it.
 */
export const multiply = defineNode({
  params: {},
  description: 'Multiplies left by right.',
  slots: { left: {}, right: { default: 2 } },
  process: ({ left, right = 2 }) => pythonMultiply(left, right),
});

/** `divide(numerator, denominator=5)` → `ratio`: `numerator / denominator`. */
export const divide = defineNode({
  params: {},
  description: 'Divides numerator by denominator.',
  signals: ['ratio'],
  slots: { numerator: {}, denominator: { default: 5 } },
  process: ({ numerator, denominator = 5 }) => numerator / denominator,
});
