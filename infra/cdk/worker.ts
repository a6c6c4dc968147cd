import { Duration } from 'aws-cdk-lib';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { workerAddon } from '../files.ts';
import { noobEntry, ROOT } from './bundle.ts';
import type { QueueLink } from './queue-link.ts';

/** How the worker function is deployed. */
export interface WorkerProps {
  queue: QueueLink;
  /** Reserved concurrency: the most worker Lambdas at once (the dispatcher's limit too). */
  concurrency: number;
}

/**
 * The worker Lambda (`functions/worker/lambda.ts`): invoked asynchronously with a claim
 * request, it claims tasks from the queue and runs them. Lambda's own retries are off
 * (the dispatcher re-invokes, and leases hand tasks over); an async invocation that
 * failed anyway lands in a dead-letter queue to be looked at. It carries the native addon
 * when its Lambda artifact is built (`NOOB_NATIVE_PATH` points at it; see infra/files.ts).
 */
export class WorkerFunction extends Construct {
  readonly function: NodejsFunction;
  readonly failures: Queue;

  constructor(scope: Construct, id: string, props: WorkerProps) {
    super(scope, id);
    this.failures = new Queue(this, 'Failures', { retentionPeriod: Duration.days(14) });
    const addon = workerAddon(ROOT);
    this.function = new NodejsFunction(this, 'Function', {
      ...noobEntry('functions/worker/lambda.ts', addon.files),
      memorySize: 1024,
      timeout: Duration.minutes(15),
      reservedConcurrentExecutions: props.concurrency,
      retryAttempts: 0,
      onFailure: new SqsDestination(this.failures),
      environment: { ...props.queue.environment, NOOB_RESERVE_MS: '5000', ...addon.environment },
    });
  }
}
