import type { NoEvent } from '../events.ts';
import type { NodeContext, NodeDefinition, ParamType, SlotSpec } from './define.ts';

/*
 * The types defineNode infers: what a node's `process` (or `generate`, or class) receives,
 * from its `slots` and `params`, and what it emits, from what it returns. They exist only
 * for the compiler; nothing here runs.
 */

/**
 * A slot that says its value's type: `slot<Uint8Array>()`, `slot<number | null>({ default:
 * null })`; `T` is taken as is (optionality included). The `~type` field is never set; it
 * only carries `T` for the compiler (valibot's style).
 */
export interface TypedSlot<T> extends SlotSpec {
  readonly '~type'?: { readonly value: T };
}

/** A literal default's everyday type: `256` → number, `'a'` → string, `[1]` → number[]. */
type Widen<D> = D extends string
  ? string
  : D extends number
    ? number
    : D extends boolean
      ? boolean
      : D extends bigint
        ? bigint
        : D extends null | undefined
          ? any
          : D extends readonly []
            ? any[]
            : D extends readonly (infer E)[]
              ? Widen<E>[]
              : D;

/** A slot's type before optionality: its `slot<T>()` marker, else its default's, else any. */
type SlotBase<S> = '~type' extends keyof S
  ? NonNullable<S['~type' & keyof S]> extends { readonly value: infer T }
    ? T
    : any
  : S extends { default: infer D }
    ? Widen<D>
    : any;

/**
 * What a slot's value is when the node runs: a default is filled in when nothing is bound
 * (so it is always there), `default: null` means it may be null, and an optional slot
 * without a default may be missing.
 */
export type SlotValue<S> = S extends { default: null }
  ? SlotBase<S> | null
  : S extends { default: unknown }
    ? SlotBase<S>
    : S extends { required: false }
      ? SlotBase<S> | undefined
      : SlotBase<S>;

/** The slot values a node receives, by slot name. */
export type SlotsInput<S> = { -readonly [K in keyof S]: SlotValue<S[K]> };

/** The TypeScript type behind each {@link ParamType} name. */
interface ParamTypes {
  int: number;
  float: number;
  str: string;
  bool: boolean;
  list: unknown[];
  dict: Record<string, unknown>;
  null: null;
  any: any;
}

/** `'int'` → number, `['int', 'null']` → number | null; a type not known literally → any. */
type ParamTypeValue<T> = T extends readonly (infer E)[] ? OneParamType<E> : OneParamType<T>;
type OneParamType<T> = ParamType extends T ? any : T extends ParamType ? ParamTypes[T] : any;

/** A param's value: its declared type, or any when it declares none. */
export type ParamValue<P> = P extends { type: infer T } ? ParamTypeValue<T> : any;

/** The params a node receives: `required: true` ones always, the others maybe. */
export type ParamsInput<P> = Simplify<
  { -readonly [K in keyof P as P[K] extends { required: true } ? K : never]: ParamValue<P[K]> } & {
    -readonly [K in keyof P as P[K] extends { required: true } ? never : K]?: ParamValue<P[K]>;
  }
>;

/** Flattens an intersection so editors show one object. */
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** Slots and params declared: each given as `undefined` when a definition leaves it out. */
type Declared = Record<string, unknown> | undefined;

/**
 * What a function node's `process` receives: params and slots in one object (a slot wins
 * over a param of the same name). Only what is declared is there, so a misspelt name does
 * not compile; a node that declares neither gets `Record<string, any>` (nothing to check),
 * and a variadic one also takes any other keyword.
 */
export type FunctionInputs<S extends Declared, P extends Declared, V> = S extends undefined
  ? P extends undefined
    ? Record<string, any>
    : WithExtras<ParamsInput<P>, V>
  : WithExtras<Simplify<Omit<ParamsInput<P>, keyof S> & SlotsInput<S>>, V>;

/** A class node's per-call inputs: its slots only (params went to the constructor). */
export type ClassInputs<S extends Declared, V> = S extends undefined
  ? Record<string, any>
  : WithExtras<SlotsInput<S>, V>;

/** What a generator or a class constructor receives: the declared params, or anything. */
export type ParamsArgument<P extends Declared> = P extends undefined
  ? Record<string, any>
  : ParamsInput<P>;

type WithExtras<T, V> = true extends V ? T & Record<string, any> : T;

/** A value or its promise. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * What a node emits, from what its `process` (or class `process`, or generator) returns:
 * the awaited value without {@link NoEvent}; for several signals, the object keyed by signal.
 */
export type EmittedValue<R> = Exclude<Awaited<R>, NoEvent>;

/** A class whose instances are nodes taking `I` per call and returning `R`. */
export type TypedNodeClass<P, I, R> = new (
  params: P,
) => {
  init?(): void | Promise<void>;
  process(inputs: I, context: NodeContext): R;
  deinit?(): void | Promise<void>;
};

/**
 * For a node with several signals, refuses a `process` that returns an object with a key
 * that is not a signal (a misspelt signal would never fire).
 */
export type SignalCheck<Sig extends string, R> = [IsUnion<Sig>] extends [true]
  ? string extends keyof EmittedValue<R>
    ? unknown // keys not known literally (a record built in a loop): nothing to check
    : Exclude<keyof Exclude<EmittedValue<R>, NoEvent>, Sig> extends never
      ? unknown
      : {
          '~error': `process returns a key that is not a signal: ${Extract<Exclude<keyof EmittedValue<R>, Sig>, string>}`;
        }
  : unknown;

type IsUnion<T, U = T> = T extends unknown ? ([U] extends [T] ? false : true) : never;

/** What a node's call receives (for a generator: its params). */
export type NodeInputs<D> = D extends NodeDefinition<infer I, any, any> ? I : never;

/** What a node emits: the value of its one signal, or for several, the object by signal. */
export type NodeOutput<D> = D extends NodeDefinition<any, infer O, any> ? O : never;

/** The value each of a node's signals carries, by signal name. */
export type NodeSignalValues<D> =
  D extends NodeDefinition<any, infer O, infer Sig>
    ? [IsUnion<Sig>] extends [true]
      ? { [K in Sig]: K extends keyof O ? Exclude<O[K], NoEvent | undefined> : unknown }
      : { [K in Sig]: O }
    : never;
