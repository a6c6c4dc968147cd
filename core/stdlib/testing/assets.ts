import { defineAsset } from '../../node/asset.ts';
import { Counter, LifecycleCounter } from './counter.ts';

/** `counter(start=0)`: a fresh {@link Counter}, an endless integer iterator from `start`. */
export const counter = defineAsset<Counter>({
  description: 'An integer iterator counting up from `start`.',
  create: ({ start = 0 }) => new Counter(start),
});

/** `LifecycleCounter(start=0)`: a {@link LifecycleCounter} with no lifecycle hooks of its own. */
export const lifecycleCounter = defineAsset<LifecycleCounter>({
  description: 'A counter that can record enter/exit counts.',
  create: ({ start = 0 }) => new LifecycleCounter(start),
});

/**
 * `counter_cm(start=0)`: upstream's context-manager asset. Creating it counts one entry and
 * consumes one value (so nodes first see `start + 1`); disposing consumes another and counts
 * one exit, so tests can see when a runner opens and closes the asset's scope.
 */
export const counterCm = defineAsset<LifecycleCounter>({
  description: 'A lifecycle counter that records when its scope opens and closes.',
  create: ({ start = 0 }) => {
    const c = new LifecycleCounter(start);
    c.entered += 1;
    c.next();
    return c;
  },
  dispose: (c) => {
    c.next();
    c.exited += 1;
  },
});

/** `AnyAsset(obj=null)`: the asset is just its `obj` param, whatever it is. */
export const anyAsset = defineAsset<unknown>({
  description: 'Holds whatever `obj` param it is given.',
  create: ({ obj = null }) => obj,
});

/**
 * `Initializer()`: `true` while initialised. Upstream flips its `obj` to false on deinit, but
 * nodes are handed the boolean itself, so they only ever see `true`; the same holds here.
 */
export const initializer = defineAsset<boolean>({
  description: 'True once initialised.',
  create: () => true,
});
