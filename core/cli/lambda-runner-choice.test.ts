import { describe, expect, it } from 'vitest';
import { lambdaSettings } from './lambda-runner-choice.ts';

describe('lambdaSettings', () => {
  it('default: flags first, then the environment, then 10 invocations at once', () => {
    expect(lambdaSettings({ function: 'w', db: 'http://q' }, {})).toEqual({
      functionName: 'w',
      queueUrl: 'http://q',
      queueToken: undefined,
      concurrency: 10,
    });
    const env = {
      NOOB_LAMBDA_FUNCTION: 'env-w',
      NOOB_QUEUE_URL: 'libsql://env',
      NOOB_QUEUE_TOKEN: 'secret',
      NOOB_LAMBDA_CONCURRENCY: '50',
    };
    expect(lambdaSettings({}, env)).toEqual({
      functionName: 'env-w',
      queueUrl: 'libsql://env',
      queueToken: 'secret',
      concurrency: 50,
    });
    expect(lambdaSettings({ function: 'flag', lambdaConcurrency: '3' }, env)).toMatchObject({
      functionName: 'flag',
      concurrency: 3,
    });
  });

  it('error: a missing function or queue, or a concurrency that is no whole number ≥ 1, is a usage error naming the flag', () => {
    expect(() => lambdaSettings({ db: 'q' }, {})).toThrow(/--function NAME/);
    expect(() => lambdaSettings({ function: 'w' }, {})).toThrow(/--db URL/);
    for (const bad of ['0', '-1', '2.5', 'many'])
      expect(() => lambdaSettings({ function: 'w', db: 'q', lambdaConcurrency: bad }, {})).toThrow(
        expect.objectContaining({
          name: 'UsageError',
          message: expect.stringContaining(`"${bad}"`),
        }),
      );
  });
});
