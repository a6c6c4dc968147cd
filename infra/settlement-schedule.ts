/**
 * What the SST app (infra/settlement.ts) and the CDK twin (infra/cdk/settlement.ts) both
 * need to know of the settlement function (functions/settlement/lambda.ts): whether it is
 * deployed, how often it runs, and its limits. No `sst` global here: CDK imports it.
 */

/** How often a settlement pass runs unless `NOOB_SETTLEMENT_SCHEDULE` says otherwise. */
export const SETTLEMENT_SCHEDULE = 'rate(5 minutes)';

/**
 * A pass's time limit in minutes: it may wait for a transaction's receipt (seconds on an
 * L2, a minute or so on a congested mainnet) and read the chain for each escrow.
 */
export const SETTLEMENT_TIMEOUT_MINUTES = 5;

/**
 * How long a scheduled invocation may wait for the function's one slot (reserved
 * concurrency 1) before Lambda drops it, in seconds (Lambda's minimum). A tick that finds
 * a pass still running is not worth keeping: every pass takes all the rows not yet
 * batched, so the next tick's pass does its work.
 */
export const SETTLEMENT_EVENT_AGE_SECONDS = 60;

/** The chain settled on unless configured otherwise (one of contracts/client's names). */
export const SETTLEMENT_CHAIN = 'base';

/** A schedule expression EventBridge (rules and Scheduler) accepts for a repeating job. */
export type ScheduleExpression = `rate(${string})` | `cron(${string})`;

/** How the settlement function is deployed, when it is. */
export interface SettlementOptions {
  /** When passes run: an EventBridge `rate(…)` or `cron(…)` expression. */
  schedule: ScheduleExpression;
}

const RATE = /^rate\((1 (minute|hour|day)|([2-9]|[1-9]\d+) (minutes|hours|days))\)$/;
const CRON = /^cron\(\S+( \S+){5}\)$/;

/**
 * Whether and how the settlement function is deployed, from the deploying shell's
 * environment: only with `NOOB_SETTLEMENT=1`, since it needs a settlement contract and a
 * funded settler key that a platform without on-chain payment does not have;
 * `NOOB_SETTLEMENT_SCHEDULE` overrides {@link SETTLEMENT_SCHEDULE}. A malformed schedule
 * throws before anything is deployed, naming the variable and the forms accepted.
 *
 * @example
 * ```ts
 * settlementOptions({ NOOB_SETTLEMENT: '1', NOOB_SETTLEMENT_SCHEDULE: 'rate(15 minutes)' });
 * // → { schedule: 'rate(15 minutes)' }
 * ```
 */
export function settlementOptions(
  env: Record<string, string | undefined>,
): SettlementOptions | undefined {
  if (env.NOOB_SETTLEMENT !== '1') return undefined;
  const schedule = env.NOOB_SETTLEMENT_SCHEDULE?.trim() || SETTLEMENT_SCHEDULE;
  if (!RATE.test(schedule) && !CRON.test(schedule)) {
    throw new TypeError(
      `NOOB_SETTLEMENT_SCHEDULE is ${JSON.stringify(schedule)}: give an EventBridge schedule, ` +
        "'rate(N minutes|hours|days)' (or 'rate(1 minute|hour|day)') or 'cron(min hour day month weekday year)'",
    );
  }
  return { schedule: schedule as ScheduleExpression };
}
