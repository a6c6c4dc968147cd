import { jobSettlement } from '../../functions/api/schemas.ts';
import { UsageError } from './usage.ts';

/** What a job request's `settlement` holds: the escrow's name and the reward in wei. */
export interface SettlementChoice {
  name: string;
  reward: string;
}

/** How `--settlement` is written, for its errors. */
const FORM =
  '--settlement takes NAME:REWARD, the name of the escrow that pays and the wei paid per accepted call and executor (march:10000000000000000)';

/**
 * Reads `noob jobs submit --settlement NAME:REWARD` into the request's `settlement`. The
 * reward follows the last colon (an escrow name may hold colons). Both are checked here
 * by the job API's own schema, so a value the server would refuse is a usage error before
 * anything is sent, naming which half is wrong and why.
 */
export function parseSettlementChoice(text: string): SettlementChoice {
  const colon = text.lastIndexOf(':');
  if (colon < 0) throw new UsageError(`${FORM}; got "${text}", which has no REWARD`);
  const choice = { name: text.slice(0, colon), reward: text.slice(colon + 1) };
  const parsed = jobSettlement.safeParse(choice);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const half = issue.path[0] === 'name' ? 'NAME' : 'REWARD';
    throw new UsageError(`${FORM}; got "${text}": ${half} ${issue.message}`);
  }
  return parsed.data;
}
