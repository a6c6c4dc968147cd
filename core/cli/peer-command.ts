import { parseArgs } from 'node:util';
import { TaskExecutor } from '../../functions/worker/executor.ts';
import { browserPageRoutes } from '../../peers/browser/page.ts';
import { CallOutputs } from '../../peers/call-outputs.ts';
import { startHealthServer } from '../../peers/health.ts';
import { loadOrCreateKey } from '../../peers/identity.ts';
import { payoutFromEnv } from '../../peers/payout.ts';
import { DEFAULT_LISTEN, Peer } from '../../peers/peer.ts';
import { TaskWorker } from '../../peers/task-worker.ts';
import type { CommandIO } from './commands.ts';
import { modulePolicyArgument } from './serve-command.ts';
import { UsageError } from './usage.ts';

/** The usage of `noob peer`. */
export const PEER_USAGE =
  'noob peer [--listen ADDR,…] [--bootstrap ADDR,…] [--key FILE] [--tags a,b] [--health-port P] [--allow-modules [PKG,./DIR,…]]';

/** Where the identity is kept unless `--key` says otherwise. */
export const DEFAULT_KEY_FILE = '.noob/peer.key';

const list = (value: unknown): string[] =>
  String(value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

/**
 * `noob peer`: a long-lived libp2p node that runs other peers' tasks. Its identity is the
 * key in `--key` (made on first start), so a restart is the same peer. It listens on TCP
 * and WebSockets (default loopback, free ports), joins through `--bootstrap` (default
 * `NOOB_PEER_BOOTSTRAP`), serves `/healthz` and `/metrics` on 127.0.0.1 (`--health-port`,
 * default a free port) with the browser peer's page (a page that joins through this peer
 * and runs tasks), and runs tasks whose node types are built-ins and `noob.*`, plus the
 * module types `--allow-modules` lists (anyone may submit tasks, so none by default).
 * With `NOOB_PAYOUT_KEY` (never on the command line: it is a secret) and the settlement
 * contract's `NOOB_CHAIN` / `NOOB_SETTLEMENT_ADDRESS`, it announces its payout address and
 * signs each answer, so that jobs with a settlement pay it (see peers/payout.ts).
 * Stops cleanly on SIGTERM or SIGINT.
 */
export async function peerCommand(args: readonly string[], io: CommandIO): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        listen: { type: 'string' },
        bootstrap: { type: 'string' },
        key: { type: 'string', default: DEFAULT_KEY_FILE },
        tags: { type: 'string', default: '' },
        'health-port': { type: 'string', default: '0' },
        'allow-modules': { type: 'string' },
      },
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message} (${PEER_USAGE})`);
  }
  const healthPort = Number(values['health-port']);
  if (!Number.isInteger(healthPort) || healthPort < 0 || healthPort > 65535)
    throw new UsageError(`--health-port takes a port number, got "${values['health-port']}"`);
  const modules = modulePolicyArgument(values['allow-modules'] as string | undefined);
  const payout = payoutFromEnv();
  if (payout.warning) io.stderr.write(`noob peer: ${payout.warning}\n`);
  const peer = new Peer({
    privateKey: await loadOrCreateKey(String(values.key)),
    listen: values.listen ? list(values.listen) : DEFAULT_LISTEN,
    // The environment's list serves containers, whose command line is the image's.
    bootstrap: list(values.bootstrap ?? process.env.NOOB_PEER_BOOTSTRAP),
    tags: list(values.tags),
    ...(payout.signer ? { payout: payout.signer } : {}),
  });
  await peer.start();
  // What a call prints is kept for its submitter (a job's logs), served under output/.
  const outputs = new CallOutputs();
  outputs.serveOn(peer);
  const executor = outputs.capturing(new TaskExecutor({ modules }));
  const worker = new TaskWorker({ peer, executor });
  await worker.start();
  const health = await startHealthServer(
    { health: () => peer.health(), metrics: () => peer.metrics.render() },
    // The browser peer's page is served beside them; this server is on loopback, so the
    // page may dial loopback peers (a browser refuses that unless told).
    { port: healthPort, routes: browserPageRoutes({ allowPrivateDials: true }) },
  );
  const signalled = new Promise<void>((resolve) => {
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
  });
  if (payout.signer) io.stdout.write(`payout address ${payout.signer.address}\n`);
  io.stdout.write(
    `noob peer ${peer.peerId}\n${peer.addresses.map((a) => `listening on ${a}\n`).join('')}health on ${health.url}/healthz\nbrowser peer page on ${health.url}/\n`,
  );
  await signalled;
  worker.stop();
  await health.close();
  await peer.stop();
  return 0;
}
