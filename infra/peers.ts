import { PEER_HEALTH_COMMAND, PEER_PORTS } from './peer-container';

/**
 * The peers service: `noob peer` containers (peers/Dockerfile, built from the repository
 * root) that run tasks for anyone on the network. Its own VPC: the peers talk to strangers,
 * and nothing of the job platform (queue, coordinator) should share their network. No
 * load balancer: libp2p peers are dialled by their own address and identity, each task on
 * its public IP. They join through `NOOB_PEER_BOOTSTRAP` (multiaddrs of known peers, set in
 * the deploying shell), then find each other through the DHT and presence messages.
 */
export function peersService() {
  const vpc = new sst.aws.Vpc('PeersVpc', {
    az: 2,
    nat: undefined,
    transform: {
      // SST's group lets in the VPC only (10.0.0.0/16, its default range); peers must be
      // reachable from anywhere on their two ports.
      securityGroup: (args) => {
        args.ingress = [
          { fromPort: 0, toPort: 0, protocol: '-1', cidrBlocks: ['10.0.0.0/16'] },
          ...PEER_PORTS.map((port) => ({
            fromPort: port,
            toPort: port,
            protocol: 'tcp',
            cidrBlocks: ['0.0.0.0/0'],
          })),
        ];
      },
    },
  });
  const cluster = new sst.aws.Cluster('PeersCluster', { vpc });
  return new sst.aws.Service('Peers', {
    cluster,
    cpu: '0.25 vCPU',
    memory: '0.5 GB',
    image: { context: '.', dockerfile: 'peers/Dockerfile' },
    scaling: { min: 3, max: 3 },
    environment: { NOOB_PEER_BOOTSTRAP: process.env.NOOB_PEER_BOOTSTRAP ?? '' },
    health: { command: PEER_HEALTH_COMMAND, startPeriod: '20 seconds' },
  });
}
