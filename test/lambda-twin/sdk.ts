import { LambdaClient } from '@aws-sdk/client-lambda';

/**
 * The real AWS SDK's Lambda client pointed at a twin: its endpoint, a region, and
 * credentials it signs with (the twin does not check them). One attempt per call, so a
 * test sees every throttle itself.
 */
export function twinClient(endpoint: string, maxAttempts = 1): LambdaClient {
  return new LambdaClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'twin', secretAccessKey: 'twin' },
    maxAttempts,
  });
}
