import { startTracing, type Tracing } from './start.ts';

/** The service name each traced `noob` command exports its spans as. */
const SERVICES: Readonly<Record<string, string>> = {
  serve: 'noob-api',
  coordinator: 'noob-coordinator',
  worker: 'noob-worker',
  run: 'noob-run',
  peer: 'noob-peer',
};

/**
 * Starts tracing for a `noob` command when the environment asks for it (see
 * {@link startTracing}): `noob serve` (the job API) as `noob-api`, `noob coordinator` and
 * `noob worker` (queue or `--http`) under their names, `noob run` as `noob-run` and
 * `noob peer` as `noob-peer`. Their children inherit the environment, so a whole
 * `noob serve` exports to one collector. Other commands are not traced.
 */
export async function startCommandTracing(
  command: string | undefined,
): Promise<Tracing | undefined> {
  const service = command === undefined ? undefined : SERVICES[command];
  return service === undefined ? undefined : startTracing(service);
}
