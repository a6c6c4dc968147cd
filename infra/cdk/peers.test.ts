import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PEER_PORTS } from '../peer-container.ts';
import { PeersService } from './peers.ts';

/** The peers service synthesized offline, on its own stack, and checked with assertions. */
const out = mkdtempSync(join(tmpdir(), 'noob-cdk-peers-'));
let template: Template;

beforeAll(() => {
  const app = new App({ outdir: out });
  const stack = new Stack(app, 'peers');
  new PeersService(stack, 'Peers', { count: 4, bootstrap: '/dns4/seed.example/tcp/4001/p2p/x' });
  app.synth();
  template = Template.fromStack(stack);
}, 180_000);
afterAll(() => {
  rmSync(out, { recursive: true, force: true });
});

describe('CDK peers service', () => {
  it("behavior: its image is built from peers/Dockerfile with the repository as context, by the Dockerfile's ignore rules", () => {
    const manifest = JSON.parse(readFileSync(join(out, 'peers.assets.json'), 'utf8')) as {
      dockerImages: Record<string, { source: { directory: string; dockerFile?: string } }>;
    };
    const images = Object.values(manifest.dockerImages);
    expect(images.map((image) => image.source.dockerFile)).toEqual(['peers/Dockerfile']);
    const staged = join(out, images[0]!.source.directory);
    expect(existsSync(join(staged, 'peers', 'Dockerfile'))).toBe(true);
    expect(existsSync(join(staged, 'package-lock.json'))).toBe(true);
    expect(existsSync(join(staged, 'node_modules'))).toBe(false);
  });

  it('behavior: peers run on public IPs, open on the libp2p ports only, with the health probe and bootstrap list', () => {
    template.hasResourceProperties('AWS::ECS::Service', {
      DesiredCount: 4,
      NetworkConfiguration: {
        AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'ENABLED' }),
      },
    });
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({
          PortMappings: PEER_PORTS.map((port) => ({ ContainerPort: port, Protocol: 'tcp' })),
          HealthCheck: Match.objectLike({
            Command: Match.arrayWith([Match.stringLikeRegexp('127\\.0\\.0\\.1:9090/healthz')]),
          }),
          Environment: [
            { Name: 'NOOB_PEER_BOOTSTRAP', Value: '/dns4/seed.example/tcp/4001/p2p/x' },
          ],
        }),
      ],
    });
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroup')).flatMap(
      (group) => group.Properties.SecurityGroupIngress ?? [],
    );
    expect(ingress.map((rule: { FromPort: number }) => rule.FromPort).sort()).toEqual([
      ...PEER_PORTS,
    ]);
    // No permission beyond what ECS needs to pull the image and write logs.
    expect(Object.keys(template.findResources('AWS::IAM::Policy')).length).toBeLessThanOrEqual(1);
  });
});
