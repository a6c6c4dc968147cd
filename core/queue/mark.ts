import { randomInt } from 'node:crypto';

/**
 * A random mark for one claim or completion. The statement that moves tasks stamps them
 * with it, and the statements after it in the same transaction select "the tasks this
 * operation moved" by it (together with their ids or lease expiry, so a collision
 * between two operations would also need the same tasks).
 */
export function operationMark(): number {
  return randomInt(2 ** 47);
}
