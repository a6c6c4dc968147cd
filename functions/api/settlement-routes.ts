/**
 * `GET /v1/settlement/claims/:address`: what a worker's payout address can claim on chain,
 * from the batches the settlement function posted (core/settlement/claims.ts), a page at a
 * time, each with the contract's `Allocation` argument of `claim(worker, allocations)`,
 * read from the allocations stored with each batch (no tree is built here, but for batches
 * made before migration 0051 that no pass has stored yet).
 *
 * Any tenant's key may read any address's claims. The answer holds no tenant's data (no
 * job ids, no task or result CIDs), only what a claim reveals on chain anyway (batch,
 * amount, task count, the allocation's subtree root and proof), and it can only pay the
 * worker: `claim` sends the money to the worker whoever calls it. A key is still asked for,
 * as on every /v1 route, so that what a read costs (rows, the hashes up each proof, and
 * for an old batch its tree built again, then kept) is not open to anyone.
 */
import type { Context } from 'hono';
import { z } from 'zod';
import type { QueueDriver } from '../../core/queue/backend.ts';
import type { ClaimBook } from '../../core/settlement/claims.ts';
import { type FieldProblem, fieldProblems, invalidRequest } from './errors.ts';
import { singleQueryValues } from './query.ts';
import { apiSchemas } from './schemas.ts';

/** Most claims one page holds. */
export const MAX_CLAIM_PAGE = 100;

/** A page cursor: the last claim's `id`, or empty for the first page. */
export const CLAIM_CURSOR = '^[0-9]{0,15}$';

const decimal = z.string().regex(/^[0-9]+$/);
const hex32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/);

/** One allocation a worker can claim. */
export const settlementClaim = z
  .object({
    id: z.int().describe('The batch in this platform; the cursor of the next page.'),
    escrow: hex32.describe('The on-chain job whose escrow pays.'),
    txHash: hex32.describe('The transaction that posted the batch.'),
    amount: decimal.describe("The worker's reward in this batch, wei, before the protocol fee."),
    taskCount: z.int(),
    claimableAfter: z.int().describe('Unix seconds: the end of the challenge window.'),
    allocation: z
      .object({
        batchId: decimal,
        index: decimal,
        amount: decimal,
        taskCount: decimal,
        tasksRoot: hex32,
        proof: z.array(hex32),
      })
      .describe("The contract's Allocation argument, integers as decimal text."),
  })
  .register(apiSchemas, { id: 'SettlementClaim' });

/** `GET /v1/settlement/claims/:address`. */
export const settlementClaims = z
  .object({
    address: z.string().describe('The payout address, checksummed.'),
    claims: z
      .array(settlementClaim)
      .describe('Oldest batch first, claimed or not (the chain says: isClaimed).'),
    next: z
      .string()
      .nullable()
      .describe('Pass as ?after= for the next page; null on the last page.'),
  })
  .register(apiSchemas, { id: 'SettlementClaims' });

const claimQuery = z.strictObject({
  after: z
    .string()
    .regex(/^[0-9]{1,15}$/, 'expected a claim id')
    .optional(),
  limit: z.coerce.number().int().min(1).max(MAX_CLAIM_PAGE).optional(),
});

/** The route's handler over the queue's database (its ClaimBook kept for the app's life). */
export function settlementClaimsRoute(driver: QueueDriver) {
  // Loaded on the first claims request: the API's cold start need not load viem.
  let book: Promise<ClaimBook> | undefined;
  return async (c: Context): Promise<Response> => {
    const { query, problems } = singleQueryValues(c);
    if (query.after === '') delete query.after;
    const parsed = claimQuery.safeParse(query);
    if (!parsed.success) problems.push(...fieldProblems(parsed.error));
    const address = c.req.param('address') ?? '';
    if (!/^0x[0-9a-fA-F]{40}$/.test(address)) {
      const problem: FieldProblem = {
        field: 'address',
        message: `expected a 0x address of 40 hex digits, got ${JSON.stringify(address.slice(0, 100))}`,
      };
      problems.push(problem);
    }
    if (problems.length > 0 || !parsed.data) return invalidRequest(c, 'claims request', problems);
    book ??= import('../../core/settlement/claims.ts').then(
      ({ ClaimBook }) => new ClaimBook(driver),
    );
    const page = await (await book).page(address as `0x${string}`, {
      after: Number(parsed.data.after ?? 0),
      limit: parsed.data.limit ?? 20,
    });
    return c.json(page);
  };
}

/** A page of a payout address's claims as the client reads it. */
export type SettlementClaims = z.output<typeof settlementClaims>;
