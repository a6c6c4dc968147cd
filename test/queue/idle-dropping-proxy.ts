import { createConnection, createServer, type Socket } from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 in front of a server (a real sqld) that forgets connections
 * left idle, as a load balancer or NAT past its idle timeout does: the next bytes a
 * client sends on such a connection are answered with a reset and never reach the
 * server. The client learns its kept-alive socket was stale only once it writes on it,
 * which is the case a client's retry must meet (a server's own close while idle races
 * with the next request the same way, but only now and then).
 */
export interface IdleDroppingProxy {
  /** `http://127.0.0.1:port` of the proxy. */
  url: string;
  /** Connections reset because they were idle. */
  readonly dropped: number;
  /** Connections made to the proxy. */
  readonly connections: number;
  /** Forget every connection now (as if each had been idle too long). */
  forgetAll(): void;
  /** While on, forget new connections too, as soon as they are made. */
  forgetNew(on: boolean): void;
  close(): Promise<void>;
}

/** Start a proxy to `target` (`http://host:port`). */
export async function startIdleDroppingProxy(target: string): Promise<IdleDroppingProxy> {
  const { hostname, port } = new URL(target);
  const open = new Set<{ client: Socket; forgotten: boolean }>();
  let dropped = 0;
  let connections = 0;
  let forgetNew = false;
  const server = createServer((client) => {
    connections++;
    const upstream = createConnection({ host: hostname, port: Number(port) });
    const entry = { client, forgotten: forgetNew };
    open.add(entry);
    client.on('data', (chunk: Buffer) => {
      if (entry.forgotten) {
        dropped++;
        upstream.destroy();
        client.resetAndDestroy();
        return;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    const end = () => {
      open.delete(entry);
      client.destroy();
      upstream.destroy();
    };
    client.once('close', end);
    upstream.once('close', end);
    client.on('error', () => {});
    upstream.on('error', () => {});
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    get dropped() {
      return dropped;
    },
    get connections() {
      return connections;
    },
    forgetAll() {
      for (const entry of open) entry.forgotten = true;
    },
    forgetNew(on) {
      forgetNew = on;
    },
    async close() {
      for (const entry of open) entry.client.destroy();
      await new Promise((closed) => server.close(closed));
    },
  };
}
