import { parseArgs } from 'node:util';
import { KeyStore } from '../../functions/api/keys.ts';
import { DEFAULT_QUEUE_PATH, openDriver } from '../queue/open.ts';
import type { CommandIO } from './commands.ts';
import { UsageError } from './usage.ts';

/** The usage of `noob keys`. */
export const KEYS_USAGE = 'noob keys create --tenant NAME [--db URL]';

/**
 * `noob keys create --tenant NAME [--db URL]`: creates an API key for a tenant on the
 * queue's database (default `.noob/noob.db`) and prints the key alone on stdout. Only its
 * hash is stored, so this is the one time it can be read.
 */
export async function keysCommand(args: readonly string[], io: CommandIO): Promise<number> {
  const [action, ...rest] = args;
  if (action !== 'create') {
    throw new UsageError(
      action === undefined
        ? `noob keys needs an action: ${KEYS_USAGE}`
        : `unknown keys action "${action}": ${KEYS_USAGE}`,
    );
  }
  let values: { tenant?: string | undefined; db?: string | undefined };
  try {
    ({ values } = parseArgs({
      args: [...rest],
      options: { tenant: { type: 'string' }, db: { type: 'string' } },
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message} (${KEYS_USAGE})`);
  }
  if (!values.tenant) throw new UsageError(`--tenant NAME is required (${KEYS_USAGE})`);
  const driver = await openDriver(values.db ?? DEFAULT_QUEUE_PATH);
  try {
    let created: Awaited<ReturnType<KeyStore['create']>>;
    try {
      created = await new KeyStore(driver).create(values.tenant);
    } catch (error) {
      if ((error as Error).name === 'InvalidSubmissionError') {
        throw new UsageError((error as Error).message.replace('\n', ': '));
      }
      throw error;
    }
    io.stdout.write(`${created.key}\n`);
    io.stderr.write(
      `noob: created API key ${created.id} for tenant ${created.tenant}; it is shown only now\n`,
    );
    return 0;
  } finally {
    await driver.close();
  }
}
