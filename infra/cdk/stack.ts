import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { SettlementOptions } from '../settlement-schedule.ts';
import { ApiFunction } from './api.ts';
import { CoordinatorService } from './coordinator.ts';
import { type PeersProps, PeersService } from './peers.ts';
import { QueueLink } from './queue-link.ts';
import { SettlementFunction } from './settlement.ts';
import { WorkerSweep } from './sweep.ts';
import { WorkerFunction } from './worker.ts';

/** How the noob stack is sized. */
export interface NoobStackProps extends StackProps {
  /** Worker Lambdas at once (reserved concurrency; default 50). */
  workerConcurrency?: number;
  /** Also run `noob peer` containers (peers/Dockerfile): a public peer service. */
  peers?: PeersProps;
  /**
   * Also run the settlement function on this schedule (it needs a Settlement contract and
   * a settler key, given as the stack's parameters: see chain-link.ts).
   */
  settlement?: SettlementOptions;
}

/**
 * noob on AWS for CloudFormation shops: the same topology as the SST app (see
 * docs/deploy-aws.md): the API Lambda on a streaming Function URL, worker Lambdas, the
 * coordinator service, a sweep schedule (and, when asked for, the scheduled settlement
 * function), all on one libSQL server given as parameters.
 *
 * @example
 * ```ts
 * const app = new App();
 * new NoobStack(app, 'noob', { workerConcurrency: 100 });
 * app.synth();
 * ```
 */
export class NoobStack extends Stack {
  readonly api: ApiFunction;
  readonly worker: WorkerFunction;
  readonly coordinator: CoordinatorService;
  readonly peers: PeersService | undefined;
  readonly settlement: SettlementFunction | undefined;

  constructor(scope: Construct, id: string, props: NoobStackProps = {}) {
    super(scope, id, props);
    const concurrency = props.workerConcurrency ?? 50;
    const queue = new QueueLink(this, 'Queue');
    this.worker = new WorkerFunction(this, 'Worker', { queue, concurrency });
    this.api = new ApiFunction(this, 'Api', { queue });
    this.coordinator = new CoordinatorService(this, 'Coordinator', {
      queue,
      worker: this.worker.function,
      workerConcurrency: concurrency,
    });
    new WorkerSweep(this, 'Sweep', { worker: this.worker.function });
    this.peers = props.peers ? new PeersService(this, 'Peers', props.peers) : undefined;
    this.settlement = props.settlement
      ? new SettlementFunction(this, 'Settlement', { ...props.settlement, queue })
      : undefined;
  }
}
