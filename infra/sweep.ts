/**
 * A worker invocation every minute with a claim request: a claim also returns expired
 * leases to the queue, so tasks of a worker that died run even while no dispatcher
 * watches. One request a minute when there is nothing to do.
 */
export function workerSweep(worker: sst.aws.Function) {
  return new sst.aws.CronV2('Sweep', {
    schedule: 'rate(1 minute)',
    function: worker.arn,
    event: { claim: {} },
  });
}
