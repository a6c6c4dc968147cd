import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import {
  SETTLEMENT_EVENT_AGE_SECONDS,
  SETTLEMENT_TIMEOUT_MINUTES,
  type SettlementOptions,
} from '../settlement-schedule.ts';
import { noobEntry } from './bundle.ts';
import { ChainLink } from './chain-link.ts';
import type { QueueLink } from './queue-link.ts';

/** How the settlement function is deployed. */
export interface SettlementProps extends SettlementOptions {
  queue: QueueLink;
}

/**
 * The settlement function (`functions/settlement/lambda.ts`), the SST app's
 * infra/settlement.ts as CDK: an EventBridge rule invokes it on a schedule, and each
 * pass batches the verified results owed a reward and posts them on chain, with the
 * chain's settings from {@link ChainLink}.
 *
 * One pass at a time (reserved concurrency 1): two passes could batch the same rows.
 * Nothing retries a failed pass (neither the rule's target nor Lambda's async retries):
 * the next tick is the retry, and a tick that finds a pass still running is dropped after
 * a minute rather than queued. Its role has only what Lambda's basic execution needs
 * (logs): it invokes no function and reads no AWS resource.
 */
export class SettlementFunction extends Construct {
  readonly function: NodejsFunction;
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: SettlementProps) {
    super(scope, id);
    const chain = new ChainLink(this, 'Chain');
    this.function = new NodejsFunction(this, 'Function', {
      ...noobEntry('functions/settlement/lambda.ts'),
      memorySize: 512,
      timeout: Duration.minutes(SETTLEMENT_TIMEOUT_MINUTES),
      reservedConcurrentExecutions: 1,
      retryAttempts: 0,
      maxEventAge: Duration.seconds(SETTLEMENT_EVENT_AGE_SECONDS),
      environment: { ...props.queue.environment, ...chain.environment },
    });
    this.rule = new Rule(this, 'Schedule', {
      schedule: Schedule.expression(props.schedule),
      targets: [new LambdaFunction(this.function, { retryAttempts: 0 })],
    });
  }
}
