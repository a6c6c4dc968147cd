import type { QueueLink } from './queue';
import { WORKER_CONCURRENCY } from './worker';

/**
 * The coordinator service: one small Fargate task running `noob coordinator` with the
 * lambda runner (see docs/deploy-aws.md for why a service and not a Lambda). Linking the
 * worker gives it the one permission it needs: to invoke that function.
 */
export function coordinatorService(queue: QueueLink, worker: sst.aws.Function) {
  const vpc = new sst.aws.Vpc('Vpc', { az: 2, nat: undefined });
  const cluster = new sst.aws.Cluster('Cluster', { vpc });
  return new sst.aws.Service('Coordinator', {
    cluster,
    cpu: '0.25 vCPU',
    memory: '0.5 GB',
    image: { context: 'infra/coordinator' },
    link: [...queue.link, worker],
    environment: {
      ...queue.environment,
      NOOB_LAMBDA_FUNCTION: worker.name,
      NOOB_LAMBDA_CONCURRENCY: String(WORKER_CONCURRENCY),
    },
  });
}
