import { CfnOutput, Duration } from 'aws-cdk-lib';
import { FunctionUrlAuthType, InvokeMode } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { noobEntry } from './bundle.ts';
import type { QueueLink } from './queue-link.ts';

/**
 * The job API Lambda (`functions/api/lambda.ts`) behind a Function URL in response
 * streaming mode (Server-Sent Events stream through it). The URL itself is public: the
 * app checks API keys on every `/v1` route.
 */
export class ApiFunction extends Construct {
  readonly function: NodejsFunction;
  readonly url: string;

  constructor(scope: Construct, id: string, props: { queue: QueueLink }) {
    super(scope, id);
    this.function = new NodejsFunction(this, 'Function', {
      ...noobEntry('functions/api/lambda.ts'),
      memorySize: 512,
      // An event stream stays open while its job runs, up to Lambda's limit.
      timeout: Duration.minutes(15),
      environment: { ...props.queue.environment },
    });
    const url = this.function.addFunctionUrl({
      authType: FunctionUrlAuthType.NONE,
      invokeMode: InvokeMode.RESPONSE_STREAM,
    });
    this.url = url.url;
    new CfnOutput(scope, 'ApiUrl', { value: url.url });
  }
}
