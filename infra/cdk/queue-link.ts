import { CfnParameter } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/**
 * The libSQL server every function reaches (Turso, or a self-hosted `sqld`): its URL and
 * auth token, given as stack parameters at deploy time (the token as a NoEcho one), and
 * handed to the functions as their environment, which Lambda encrypts at rest.
 */
export class QueueLink extends Construct {
  readonly environment: Record<string, string>;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const url = new CfnParameter(scope, 'QueueUrl', {
      type: 'String',
      description: 'libSQL server URL: libsql://DB.turso.io, or https://your-sqld',
      allowedPattern: '^(libsql|https?|wss?)://.+$',
    });
    const token = new CfnParameter(scope, 'QueueToken', {
      type: 'String',
      noEcho: true,
      default: '',
      description: 'auth token of the libSQL server (empty for none)',
    });
    this.environment = {
      NOOB_QUEUE_URL: url.valueAsString,
      NOOB_QUEUE_TOKEN: token.valueAsString,
    };
  }
}
