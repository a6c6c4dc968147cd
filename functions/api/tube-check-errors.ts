import { NoobError } from '../../core/errors.ts';

/** A tenant has as many tube checks waiting as it may: the API answers 429 `quota_exceeded`. */
export class TubeCheckBusyError extends NoobError {
  override name = 'TubeCheckBusyError' as const;
  readonly tenant: string;
  readonly limit: number;

  constructor(tenant: string, limit: number) {
    super(`tenant "${tenant}" already has ${limit} tube checks waiting, its limit`, {
      details: 'wait for its submissions to be answered, then submit again',
    });
    this.tenant = tenant;
    this.limit = limit;
  }
}

/**
 * A tube check thread could not start (its module is missing, as in a single-file bundle
 * such as a Lambda's): `tubeChecker` then checks in the API's own thread.
 */
export class TubeCheckThreadError extends NoobError {
  override name = 'TubeCheckThreadError' as const;
}
