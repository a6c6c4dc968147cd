import { describe, expect, it } from 'vitest';
import { defineNode } from './define.ts';

describe('defineNode', () => {
  it('default: params stay undeclared (not checked) unless given', () => {
    const plain = defineNode({ process: () => 1 });
    expect(plain.params).toBeUndefined();
    const declared = defineNode({ params: { start: { type: 'int' } }, process: () => 1 });
    expect(declared.params).toEqual({ start: { type: 'int' } });
  });

  it('error: a param of unknown type is refused when the node is defined', () => {
    expect(() =>
      defineNode({ params: { start: { type: 'integer' as never } }, process: () => 1 }),
    ).toThrow(/param start: unknown type "integer"/);
  });
});
