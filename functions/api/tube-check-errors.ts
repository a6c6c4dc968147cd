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
