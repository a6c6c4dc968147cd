import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IgnoreMode } from 'aws-cdk-lib';
import { Peer, Port, SecurityGroup } from 'aws-cdk-lib/aws-ec2';
import { ContainerImage, FargateService, LogDrivers, Protocol } from 'aws-cdk-lib/aws-ecs';
import { Construct } from 'constructs';
import { PEER_HEALTH_COMMAND, PEER_PORTS } from '../peer-container.ts';
import { ROOT } from './bundle.ts';
import { publicFargate } from './public-fargate.ts';

/** How the peers service is deployed. */
export interface PeersProps {
  /** Peer containers (default 3). */
  count?: number;
  /** Multiaddrs the peers join through (`NOOB_PEER_BOOTSTRAP`), comma-separated. */
  bootstrap?: string;
}

/**
 * What the image build leaves out: peers/Dockerfile.dockerignore, which BuildKit reads
 * beside the Dockerfile and CDK does not, so the asset's hash and staged copy follow the
 * same rules as `docker build`.
 */
function dockerIgnore(): string[] {
  return readFileSync(join(ROOT, 'peers', 'Dockerfile.dockerignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
}

/**
 * The peers service, the SST app's `infra/peers.ts` as CDK: `noob peer` containers built
 * from peers/Dockerfile (context: the repository root), each on its public IP in a VPC of
 * their own (they talk to strangers), reachable from anywhere on the libp2p ports, with
 * no AWS permission at all and no load balancer (peers are dialled by address and id).
 */
export class PeersService extends Construct {
  readonly service: FargateService;

  constructor(scope: Construct, id: string, props: PeersProps = {}) {
    super(scope, id);
    const { vpc, cluster, task } = publicFargate(this);
    task.addContainer('peer', {
      image: ContainerImage.fromAsset(ROOT, {
        file: 'peers/Dockerfile',
        exclude: dockerIgnore(),
        ignoreMode: IgnoreMode.DOCKER,
      }),
      logging: LogDrivers.awsLogs({ streamPrefix: 'peer' }),
      environment: { NOOB_PEER_BOOTSTRAP: props.bootstrap ?? '' },
      portMappings: PEER_PORTS.map((port) => ({ containerPort: port, protocol: Protocol.TCP })),
      healthCheck: { command: PEER_HEALTH_COMMAND },
    });
    const group = new SecurityGroup(this, 'Peers', { vpc, allowAllOutbound: true });
    for (const port of PEER_PORTS) group.addIngressRule(Peer.anyIpv4(), Port.tcp(port));
    this.service = new FargateService(this, 'Service', {
      cluster,
      taskDefinition: task,
      desiredCount: props.count ?? 3,
      assignPublicIp: true,
      securityGroups: [group],
    });
  }
}
