import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Hex, parseEther } from 'viem';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildBatch } from '../../contracts/client/batch.ts';
import { settlementAbi } from '../../contracts/generated/Settlement.ts';
import type { QueueDriver } from '../../core/queue/backend.ts';
import { openDriver } from '../../core/queue/open.ts';
import type { SettlementChain } from '../../core/settlement/chain.ts';
import { settle } from '../../core/settlement/pass.ts';
import { recordPosting, signPost } from '../../core/settlement/post.ts';
import { inTreeOrder, toSettled, unbatchedRows } from '../../core/settlement/rows.ts';
import {
  anvilControl,
  recordResults,
  resultsFor,
  type SettlementWorld,
  startWorld,
  takeSettlerNonce,
} from './world.ts';

/**
 * Two settlers (a `noob settle --every` and the Lambda, or two overlapping invocations) on
 * one queue, recovering the same lost batch at once: whichever re-signs it first posts it,
 * and the other, whose view of the batch is by then out of date, must leave it alone.
 */

let world: SettlementWorld;
const drivers: QueueDriver[] = [];
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world?.stop());
afterEach(async () => {
  for (const driver of drivers.splice(0)) await driver.close();
});

/** Two connections to one fresh queue file: one per settler. */
async function twoConnections(): Promise<[QueueDriver, QueueDriver]> {
  const file = join(mkdtempSync(join(tmpdir(), 'noob-two-settlers-')), 'noob.db');
  const first = await openDriver(file);
  const second = await openDriver(file);
  drivers.push(first, second);
  return [first, second];
}

describe('two settlers recovering one batch', () => {
  it("behavior: a settler whose escrow check comes after the other settler's re-post drained the escrow leaves the posted batch, its rows and allocations in place: the workers can claim, and nothing is batched again", async () => {
    const [a, b] = await twoConnections();
    // Funded with exactly what the batch pays: once posted, the escrow is empty.
    const escrow = await world.fund(parseEther('0.4'));
    await recordResults(
      world,
      a,
      escrow,
      resultsFor('drained', world.workers, 4, parseEther('0.1')),
    );
    const rows = inTreeOrder(await unbatchedRows(a, escrow, 100));
    const batch = buildBatch(toSettled(rows));
    const signed = await signPost(world.settler, escrow, batch);
    const id = await recordPosting(a, { escrow, batch, rows, signed, now: Date.now() });
    // The kept post is lost, and the settler's key took its nonce since, 12 blocks deep.
    await takeSettlerNonce(world);
    await anvilControl(world).mine({ blocks: 12 });

    // Settler B reads the batch and finds no post of it; the chain answers its log search
    // just before settler A's whole pass re-signs, posts and records the batch.
    let first: Awaited<ReturnType<typeof settle>> | undefined;
    const reader = world.settler.reader;
    const late: SettlementChain = {
      ...world.settler,
      reader: {
        ...reader,
        getContractEvents: (async (args: Parameters<typeof reader.getContractEvents>[0]) => {
          const events = await reader.getContractEvents(args);
          first ??= await settle(a, world.settler);
          return events;
        }) as typeof reader.getContractEvents,
      },
    };
    const second = await settle(b, late);
    expect(first?.posted).toMatchObject([{ how: 'reposted', escrow }]);
    expect(second.waiting).toEqual([]);

    const { rows: kept } = await b.execute({
      sql: `SELECT b.state, (SELECT count(*) FROM settlement_results WHERE batch_id = b.id) AS results,
              (SELECT count(*) FROM settlement_allocations WHERE batch_id = b.id) AS allocations
            FROM settlement_batches AS b WHERE b.id = :id`,
      params: { id },
    });
    expect(kept).toEqual([{ state: 'posted', results: 4, allocations: 3 }]);
    const { rows: loose } = await b.execute({
      sql: 'SELECT count(*) AS n FROM settlement_results WHERE escrow = :escrow AND batch_id IS NULL',
      params: { escrow },
    });
    expect(loose[0]!.n).toBe(0);
    const posts = await reader.getContractEvents({
      address: world.d.address,
      abi: settlementAbi,
      eventName: 'BatchPosted',
      args: { jobId: escrow as Hex },
      fromBlock: 0n,
    });
    expect(posts).toHaveLength(1);
  });
});
