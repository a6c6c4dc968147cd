import { Duration } from 'aws-cdk-lib';
import { Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

/**
 * A worker invocation every minute, whatever the coordinator does: a claim also returns
 * expired leases to the queue, so tasks of a worker that died are run even if no
 * dispatcher is watching (the coordinator being replaced, say). It costs one request a
 * minute when there is nothing to do.
 */
export class WorkerSweep extends Construct {
  constructor(scope: Construct, id: string, props: { worker: IFunction }) {
    super(scope, id);
    new Rule(this, 'Rule', {
      schedule: Schedule.rate(Duration.minutes(1)),
      targets: [
        new LambdaFunction(props.worker, {
          event: RuleTargetInput.fromObject({ claim: {} }),
          retryAttempts: 0,
        }),
      ],
    });
  }
}
