import { createServer } from 'node:net';
import { UsageError } from './usage.ts';

/**
 * Fails fast, before anything starts, when `noob serve` or `noob worker --http` is told
 * to listen on a port another process holds: a usage error that says so and how to
 * choose another, rather than Node's `listen EADDRINUSE` after the workers have started.
 * Port 0 (any free port) and values that are not ports are left to the command.
 */
export async function assertPortFree(portText: unknown, host: unknown): Promise<void> {
  const port = Number(portText);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) return;
  const hostname = typeof host === 'string' ? host : '127.0.0.1';
  const probe = createServer();
  const taken = await new Promise<boolean>((resolve) => {
    probe.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'EADDRINUSE'));
    probe.listen({ port, host: hostname, exclusive: true }, () =>
      probe.close(() => resolve(false)),
    );
  });
  if (taken) {
    throw new UsageError(
      `port ${port} on ${hostname} is already in use (another noob serve or worker?); choose another with --port N, or --port 0 for any free port`,
    );
  }
}
