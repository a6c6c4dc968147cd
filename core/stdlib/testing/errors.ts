import { NoobError } from '../../errors.ts';

/**
 * Thrown on purpose by the `error` and `async_error` nodes, so tubes can check how a runner
 * surfaces a node's failure. Upstream raises `ValueError` with the same message.
 */
export class DeliberateError extends NoobError {
  override name = 'DeliberateError' as const;
}

/** A testing node was given a param it cannot work with (e.g. `every: 0`). */
export class InvalidTestingParamError extends NoobError {
  override name = 'InvalidTestingParamError' as const;

  constructor(node: string, param: string, problem: string) {
    super(`${node}: param \`${param}\` ${problem}`, {
      details: `Fix \`${param}\` in the node's \`params\` in the tube.`,
    });
  }
}
