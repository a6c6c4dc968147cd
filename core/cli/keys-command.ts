import { KeyStore } from '../../functions/api/keys.ts';
import type { QueueDriver } from '../queue/backend.ts';
import { DEFAULT_QUEUE_PATH, openDriver } from '../queue/open.ts';
import { ApiCommandError } from './api-errors.ts';
import { type ClientValues, parseClientArguments } from './client-arguments.ts';
import type { CommandIO } from './commands.ts';
import { parseDuration } from './duration.ts';
import { keyState, listKeys } from './key-list.ts';
import { toJson } from './output.ts';
import { formatTable, shortTime } from './table.ts';
import { UsageError } from './usage.ts';

/** Each `noob keys` action's usage (also in the top-level help). */
const USAGES = {
  create: 'noob keys create --tenant NAME [--expires DURATION] [--db URL]',
  list: 'noob keys list [--tenant NAME] [--db URL] [--json]',
  revoke: 'noob keys revoke ID [--db URL]',
} as const;

/** The usage of `noob keys`. */
const KEYS_USAGE = Object.values(USAGES).join('; ');

/**
 * `noob keys create|list|revoke`: the API keys on the queue's database (default
 * `.noob/noob.db`; a remote one with `--db libsql://…`), as its operator manages them.
 * `create` prints the new key alone on stdout: only its hash is stored, so this is the one
 * time it can be read; `--expires 30d` makes it stop working after that long. `list`
 * shows every key's id, tenant and state (never a secret); `revoke ID` stops a key.
 */
export async function keysCommand(args: readonly string[], io: CommandIO): Promise<number> {
  const [action, ...rest] = args;
  if (action === undefined || !Object.hasOwn(USAGES, action)) {
    throw new UsageError(
      `${action === undefined ? 'noob keys needs an action' : `unknown keys action "${action}"`}: ${KEYS_USAGE}`,
    );
  }
  const name = action as keyof typeof USAGES;
  const { values, positionals } = parseClientArguments(
    rest,
    { tenant: { type: 'string' }, db: { type: 'string' }, expires: { type: 'string' } },
    name === 'revoke' ? ['ID'] : [],
    USAGES[name],
  );
  if (values.url !== undefined || values.key !== undefined)
    throw new UsageError(`noob keys works on the database (--db), not a server (${USAGES[name]})`);
  if (name !== 'create' && values.expires !== undefined)
    throw new UsageError(`--expires is for noob keys create (${USAGES[name]})`);
  if (name === 'revoke' && values.tenant !== undefined)
    throw new UsageError(`noob keys revoke takes a key's id alone (${USAGES.revoke})`);
  const driver = await openDriver((values.db as string | undefined) ?? DEFAULT_QUEUE_PATH);
  try {
    if (name === 'create') return await create(driver, values, io);
    if (name === 'list') return await list(driver, values, io);
    return await revoke(driver, positionals[0]!, io);
  } finally {
    await driver.close();
  }
}

async function create(driver: QueueDriver, values: ClientValues, io: CommandIO): Promise<number> {
  const tenant = values.tenant as string | undefined;
  if (!tenant) throw new UsageError(`--tenant NAME is required (${USAGES.create})`);
  const expires = values.expires as string | undefined;
  const options = expires === undefined ? {} : { expiresInMs: parseDuration(expires, '--expires') };
  let created: Awaited<ReturnType<KeyStore['create']>>;
  try {
    created = await new KeyStore(driver).create(tenant, options);
  } catch (error) {
    if ((error as Error).name === 'InvalidSubmissionError') {
      throw new UsageError((error as Error).message.replace('\n', ': '));
    }
    throw error;
  }
  if (values.json) io.stdout.write(`${toJson(created)}\n`);
  else io.stdout.write(`${created.key}\n`);
  const until =
    created.expiresAt === undefined
      ? ''
      : `, valid until ${new Date(created.expiresAt).toISOString()}`;
  io.stderr.write(
    `noob: created API key ${created.id} for tenant ${created.tenant}${until}; it is shown only now\n`,
  );
  return 0;
}

async function list(driver: QueueDriver, values: ClientValues, io: CommandIO): Promise<number> {
  const now = Date.now();
  const keys = await listKeys(driver, values.tenant as string | undefined);
  if (values.json) {
    io.stdout.write(`${toJson(keys.map((key) => ({ ...key, state: keyState(key, now) })))}\n`);
    return 0;
  }
  if (keys.length === 0) {
    io.stderr.write(`no keys${values.tenant ? ` for tenant ${values.tenant}` : ''}\n`);
    return 0;
  }
  const time = (ms: number | null) => shortTime(ms === null ? null : new Date(ms).toISOString());
  io.stdout.write(
    formatTable(
      ['ID', 'TENANT', 'STATE', 'CREATED', 'EXPIRES'],
      keys.map((key) => [
        key.id,
        key.tenant,
        keyState(key, now),
        time(key.createdAt),
        key.expiresAt === null ? 'never' : time(key.expiresAt),
      ]),
    ),
  );
  return 0;
}

async function revoke(driver: QueueDriver, id: string, io: CommandIO): Promise<number> {
  if (!(await new KeyStore(driver).revoke(id))) {
    throw new ApiCommandError(
      `no key ${id} to revoke (unknown or already revoked): noob keys list shows the ids`,
      'key_not_found',
    );
  }
  io.stderr.write(`noob: revoked API key ${id}; it is refused from now on\n`);
  return 0;
}
