import { describe, expect, it } from 'vitest';
import { lambdaWorkerFromEnv } from './lambda-config.ts';

describe('lambdaWorkerFromEnv', () => {
  it('error: without NOOB_QUEUE_URL the worker says it has no queue', async () => {
    await expect(lambdaWorkerFromEnv({})).rejects.toThrow(/NOOB_QUEUE_URL is not set/);
  });

  it('error: a file path is refused, naming it (a Lambda shares no disk), before anything is opened', async () => {
    const spent: string[] = [];
    const building = lambdaWorkerFromEnv({ NOOB_QUEUE_URL: '.noob/noob.db' }, (step) =>
      spent.push(step),
    );
    await expect(building).rejects.toThrow(/libSQL server's URL.*"\.noob\/noob\.db"/);
    expect(spent).toEqual([]);
  });
});
