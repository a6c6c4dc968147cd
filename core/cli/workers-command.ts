import { connect } from './api-connection.ts';
import { explainApiError } from './api-errors.ts';
import { parseClientArguments } from './client-arguments.ts';
import type { CommandIO } from './commands.ts';
import { formatWorkerTable } from './job-format.ts';
import { toJson } from './output.ts';

/** The usage of `noob workers`. */
const USAGE = 'noob workers [--url URL] [--key KEY] [--json]';

/**
 * `noob workers`: the workers the server's queue knows, live ones first, with their tags,
 * the calls they hold and when they were last heard from; a worker that stopped
 * heartbeating is marked dead. `--json`: the API's list as it is.
 */
export async function workersCommand(args: readonly string[], io: CommandIO): Promise<number> {
  const { values } = parseClientArguments(args, {}, [], USAGE);
  const { client, url } = connect(values);
  let workers: Awaited<ReturnType<typeof client.listWorkers>>;
  try {
    workers = await client.listWorkers();
  } catch (error) {
    throw explainApiError(error, url);
  }
  if (values.json) io.stdout.write(`${toJson(workers)}\n`);
  else if (workers.length === 0) io.stderr.write(`no workers have joined the queue at ${url}\n`);
  else io.stdout.write(formatWorkerTable(workers));
  return 0;
}
