/**
 * What the SST app (infra/peers.ts) and the CDK twin (infra/cdk/peers.ts) both need to
 * know of the peer container (peers/Dockerfile). No `sst` global here: CDK imports it.
 */

/** The peer's ports: libp2p over TCP, and over WebSockets for browser peers. */
export const PEER_PORTS = [4001, 4002] as const;

/**
 * ECS's container health check (ECS ignores a Dockerfile's HEALTHCHECK): the image's own
 * probe of the peer's `/healthz` on its `--health-port`.
 */
export const PEER_HEALTH_COMMAND = [
  'CMD',
  'node',
  '-e',
  "fetch('http://127.0.0.1:9090/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))",
];
