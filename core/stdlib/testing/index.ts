import type { AssetDefinition } from '../../node/asset.ts';
import type { NodeDefinition } from '../../node/define.ts';
import { anyAsset, counter, counterCm, initializer, lifecycleCounter } from './assets.ts';
import { justWait, longAdd, numberToLetter, numberToLetterCls } from './async.ts';
import {
  countSourceClass,
  countSourceDecor,
  initCounter,
  multiplyClass,
  now,
  statefulMultiply,
  unannotatedGenerator,
  volume,
  volumeProcess,
} from './classes.ts';
import { asyncError, error } from './failing.ts';
import { fastForward, increment, jump, rewind, zipIter } from './generators.ts';
import { divide, multiply } from './math.ts';
import { countSource, cycle, letterSource, switchSource } from './sources.ts';
import { concat, exclaim, multiConcat, repeat } from './strings.ts';
import { dictify, injectEpoch, inputParty, passthrough, thisOrThat } from './structure.ts';
import {
  multiWordsSource,
  sporadicWord,
  sporadicWordNoEvent,
  wordCounts,
  wordSource,
} from './wordSources.ts';

/**
 * noob's testing nodes, the TypeScript twins of upstream Python noob's `noob.testing`
 * (same names, slots, signals and defaults), keyed by the type name a tube uses.
 *
 * Not ported: `inject_eventmap` (a node cannot see the epoch's event map through
 * `NodeContext`) and `DynamicSignals` (signals and slots are fixed when a node is defined).
 *
 * @example
 * ```ts
 * const source = testingNodes['noob.testing.count_source']!;
 * source.generate!({ limit: 3 }, ctx).next(); // { value: 0, done: false }
 * ```
 */
export const testingNodes: Readonly<Record<string, NodeDefinition>> = Object.freeze({
  // sources
  'noob.testing.count_source': countSource,
  'noob.testing.letter_source': letterSource,
  'noob.testing.switch': switchSource,
  'noob.testing.cycle': cycle,
  'noob.testing.word_source': wordSource,
  'noob.testing.multi_words_source': multiWordsSource,
  'noob.testing.sporadic_word': sporadicWord,
  'noob.testing.sporadic_word_noevent': sporadicWordNoEvent,
  'noob.testing.word_counts': wordCounts,
  // plain functions
  'noob.testing.multiply': multiply,
  'noob.testing.divide': divide,
  'noob.testing.concat': concat,
  'noob.testing.multi_concat': multiConcat,
  'noob.testing.exclaim': exclaim,
  'noob.testing.repeat': repeat,
  'noob.testing.dictify': dictify,
  'noob.testing.this_or_that': thisOrThat,
  'noob.testing.input_party': inputParty,
  'noob.testing.passthrough': passthrough,
  'noob.testing.inject_epoch': injectEpoch,
  'noob.testing.error': error,
  'noob.testing.async_error': asyncError,
  // iterator-consuming
  'noob.testing.fast_forward': fastForward,
  'noob.testing.jump': jump,
  'noob.testing.rewind': rewind,
  'noob.testing.zip_iter': zipIter,
  'noob.testing.increment': increment,
  // async and sleeping
  'noob.testing.number_to_letter': numberToLetter,
  'noob.testing.NumberToLetterCls': numberToLetterCls,
  'noob.testing.long_add': longAdd,
  'noob.testing.just_wait': justWait,
  // classes
  'noob.testing.StatefulMultiply': statefulMultiply,
  'noob.testing.Multiply': multiplyClass,
  'noob.testing.VolumeProcess': volumeProcess,
  'noob.testing.Volume': volume,
  'noob.testing.Now': now,
  'noob.testing.InitCounter': initCounter,
  'noob.testing.CountSource': countSourceClass,
  'noob.testing.UnannotatedGenerator': unannotatedGenerator,
  'noob.testing.CountSourceDecor': countSourceDecor,
});

/** The testing assets of upstream's `noob.testing`, keyed by type name. */
export const testingAssets: Readonly<Record<string, AssetDefinition>> = Object.freeze({
  'noob.testing.counter': counter,
  'noob.testing.LifecycleCounter': lifecycleCounter,
  'noob.testing.counter_cm': counterCm,
  'noob.testing.AnyAsset': anyAsset,
  'noob.testing.Initializer': initializer,
});
