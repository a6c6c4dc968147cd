import type { ParamSpec } from '../../node/define.ts';

/** An optional integer param. */
export const INT: ParamSpec = { type: 'int' };
/** An optional number param (an integer or not). */
export const NUM: ParamSpec = { type: 'float' };
