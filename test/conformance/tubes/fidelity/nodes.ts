/**
 * Nodes and assets for the fidelity tubes (`./nodes.ts#name`). They pass plain data, so
 * each tube shows its engine behaviour on every runner, wherever its nodes run.
 */
import { defineAsset, defineNode } from '../../../../core/index.ts';

/** A mutable tally: what the asset tubes hand from node to node. */
export interface Tally {
  n: number;
  exited: number;
}

/** `tally(start)`: a plain object `{ n: start, exited: 0 }`. */
export const tally = defineAsset<Tally>({
  create: ({ start = 0 }) => ({ n: start, exited: 0 }),
});

/**
 * `ledger(start)`: like upstream's `counter_cm`, entering its scope takes one step
 * (`n = start + 1`) and leaving it takes another and counts the exit.
 */
export const ledger = defineAsset<Tally>({
  create: ({ start = 0 }) => ({ n: start + 1, exited: 0 }),
  dispose: (ledger) => {
    ledger.n += 1;
    ledger.exited += 1;
  },
});

/** Reads the tally's `n` as `value`, then bumps it in place; hands the tally on. */
export const bump = defineNode({
  signals: ['tally', 'value'],
  slots: { tally: {} },
  params: {},
  process: ({ tally }) => {
    const value = tally.n;
    tally.n += 1;
    return { tally, value };
  },
});

/** How many times the tally's scope was left. */
export const exits = defineNode({
  slots: { tally: {} },
  params: {},
  process: ({ tally }) => tally.exited,
});
