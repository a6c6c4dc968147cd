import { join } from 'node:path';
import { ContainerImage, FargateService, LogDrivers } from 'aws-cdk-lib/aws-ecs';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { ROOT } from './bundle.ts';
import { publicFargate } from './public-fargate.ts';
import type { QueueLink } from './queue-link.ts';

/** How the coordinator service is deployed. */
export interface CoordinatorProps {
  queue: QueueLink;
  /** The worker function: the only one the service may invoke. */
  worker: IFunction;
  /** Its reserved concurrency: the dispatcher's limit. */
  workerConcurrency: number;
}

/**
 * The coordinator service (see docs/deploy-aws.md for why it is a service and not a
 * Lambda): one small Fargate task running `noob coordinator` with the lambda runner.
 * Tube jobs are held by lease in the queue, so a replaced task resumes them. Its only
 * AWS permission is to invoke the worker function.
 */
export class CoordinatorService extends Construct {
  readonly service: FargateService;

  constructor(scope: Construct, id: string, props: CoordinatorProps) {
    super(scope, id);
    // Public subnets and no NAT gateway: the task only calls out (Lambda, the database).
    const { cluster, task } = publicFargate(this);
    task.addContainer('coordinator', {
      image: ContainerImage.fromAsset(join(ROOT, 'infra', 'coordinator')),
      logging: LogDrivers.awsLogs({ streamPrefix: 'coordinator' }),
      environment: {
        ...props.queue.environment,
        NOOB_LAMBDA_FUNCTION: props.worker.functionName,
        NOOB_LAMBDA_CONCURRENCY: String(props.workerConcurrency),
      },
    });
    props.worker.grantInvoke(task.taskRole);
    this.service = new FargateService(this, 'Service', {
      cluster,
      taskDefinition: task,
      desiredCount: 1,
      assignPublicIp: true,
      minHealthyPercent: 0,
    });
  }
}
