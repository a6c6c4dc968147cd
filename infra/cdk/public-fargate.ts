import { SubnetType, Vpc } from 'aws-cdk-lib/aws-ec2';
import { Cluster, FargateTaskDefinition } from 'aws-cdk-lib/aws-ecs';
import type { Construct } from 'constructs';

/**
 * What the coordinator and peers services both stand on: a VPC of their own with public
 * subnets and no NAT gateway (each task gets a public IP and only its own traffic), a
 * cluster in it, and one small Fargate task definition (0.25 vCPU, 512 MiB).
 */
export function publicFargate(scope: Construct): {
  vpc: Vpc;
  cluster: Cluster;
  task: FargateTaskDefinition;
} {
  const vpc = new Vpc(scope, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'public', subnetType: SubnetType.PUBLIC }],
  });
  const cluster = new Cluster(scope, 'Cluster', { vpc });
  const task = new FargateTaskDefinition(scope, 'Task', { cpu: 256, memoryLimitMiB: 512 });
  return { vpc, cluster, task };
}
