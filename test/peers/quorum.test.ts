import { join } from 'node:path';
import { multiaddr } from '@multiformats/multiaddr';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { P2PRunner } from '../../core/runners/p2p/runner.ts';
import { loadTube } from '../../core/tube/load.ts';
import { TaskExecutor } from '../../functions/worker/executor.ts';
import type { TaskRequest } from '../../functions/worker/task.ts';
import { commitmentOf, newSalt } from '../../peers/commitment.ts';
import { RESULTS_TOPIC, TOPICS } from '../../peers/messages.ts';
import type { Peer } from '../../peers/peer.ts';
import type { Evidence } from '../../peers/quorum-verifier.ts';
import { type Answer, TaskWorker } from '../../peers/task-worker.ts';
import { startTestPeer } from '../../peers/test-peer.fixture.ts';

/** Quorum on real libp2p nodes (in this process): 3 honest peers and 1 Byzantine one. */
const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

const QUORUM = { mode: 'quorum', k: 3, q: 2 } as const;
const tube = (name: string) => loadTube(join(import.meta.dirname, 'tubes', `${name}.yaml`));

/** Gives every number it emits plus one: a wrong answer that still looks like one. */
class WrongExecutor extends TaskExecutor {
  override async execute(task: TaskRequest, signal: AbortSignal) {
    const result = await super.execute(task, signal);
    const outputs = Object.fromEntries(
      Object.entries(result.outputs).map(([k, v]) => [k, typeof v === 'number' ? v + 1 : v]),
    );
    return { ...result, outputs };
  }
}

type Byzantine = (
  peer: Peer,
  honest: Peer[],
) => Partial<ConstructorParameters<typeof TaskWorker>[0]>;

/** Commits to nothing, then reveals the first result an honest executor revealed. */
const copier: Byzantine = (peer) => ({
  quorumAnswer: (async (task, _result, signal) => {
    const executor = peer.peerId;
    await peer.publish({
      kind: 'commit',
      task: task.task,
      executor,
      commitment: commitmentOf('nothing', newSalt(), executor),
    });
    const copied = await new Promise<string>((resolve) => {
      const off = peer.on('reveal', (message) => {
        if (message.task !== task.task) return;
        off();
        resolve(message.result);
      });
      signal.addEventListener('abort', () => resolve(''), { once: true });
    });
    if (copied)
      await peer.publish({
        kind: 'reveal',
        task: task.task,
        executor,
        result: copied,
        salt: newSalt(),
      });
  }) satisfies Answer,
});

/** Speaks for an honest peer: commitments and reveals signed by itself in another's name. */
const forger: Byzantine = (peer, honest) => ({
  quorumAnswer: (async (task, result) => {
    const victim = honest.find((h) => task.executors.includes(h.peerId)) ?? honest[0]!;
    const salt = newSalt();
    const executor = victim.peerId;
    await peer.publish({
      kind: 'commit',
      task: task.task,
      executor,
      commitment: commitmentOf(result, salt, executor),
    });
    await peer.publish({ kind: 'reveal', task: task.task, executor, result, salt });
  }) satisfies Answer,
});

const wrong: Byzantine = () => ({ executor: new WrongExecutor() });

/** Starts 3 honest peers, 1 Byzantine one and a submitting client; waits until all are known. */
async function network(byzantine: Byzantine) {
  const first = await startTestPeer(stops);
  const bootstrap = first.addresses;
  const honest = [
    first,
    await startTestPeer(stops, { bootstrap }),
    await startTestPeer(stops, { bootstrap }),
  ];
  const bad = await startTestPeer(stops, { bootstrap });
  for (const peer of honest) await worker(peer, {});
  await worker(bad, byzantine(bad, honest));
  const client = await startTestPeer(stops, { bootstrap, executes: false });
  await vi.waitFor(() => expect(client.directory.live([], true)).toHaveLength(4), {
    timeout: 10_000,
    interval: 50,
  });
  return { honest, bad, client };
}

async function worker(peer: Peer, options: Partial<ConstructorParameters<typeof TaskWorker>[0]>) {
  const taskWorker = new TaskWorker({ peer, executor: new TaskExecutor(), ...options });
  await taskWorker.start();
  stops.push(async () => taskWorker.stop());
}

/** Runs the square tube under quorum; the verifier writes to the client's ledger. */
async function runSquares(client: Peer) {
  const runner = new P2PRunner(await tube('square'), {
    peer: client,
    verification: QUORUM,
    deadlineMs: 1500,
  });
  try {
    return await runner.run(6);
  } finally {
    await runner.deinit();
  }
}

describe('quorum with a Byzantine peer (q = 2 of k = 3)', () => {
  for (const [name, byzantine, offence] of [
    ['gives wrong results', wrong, 'disagreed'],
    ['copies reveals', copier, 'unopened'],
  ] as const) {
    it(`behavior: one peer that ${name} is never accepted; its reputation and score drop, it is pruned, with signed evidence`, async () => {
      const { honest, bad, client } = await network(byzantine);
      // In the client's mesh first, so that being pruned from it means something.
      await client.node.dial(multiaddr(bad.addresses[0]!));
      await vi.waitFor(() => expect(client.mesh(RESULTS_TOPIC)).toContain(bad.peerId), {
        timeout: 10_000,
        interval: 50,
      });
      expect(await runSquares(client)).toEqual([0, 1, 4, 9, 16, 25]);
      // The ledger holds the verdicts and evidence, and replicates them to the executors.
      const evidence: Evidence[] = Object.values(client.ledger.document.evidence);
      await vi.waitFor(
        () =>
          expect(Object.keys(honest[0]!.ledger.document.verdicts)).toEqual(
            Object.keys(client.ledger.document.verdicts),
          ),
        { timeout: 10_000, interval: 100 },
      );
      expect(Object.keys(client.ledger.document.verdicts)).toHaveLength(6);
      expect(client.reputation.score(bad.peerId)).toBeLessThan(0);
      await vi.waitFor(() => expect(client.score(bad.peerId)).toBeLessThan(0), { timeout: 5000 });
      // A negative score is pruned from every mesh at the router's next heartbeat.
      await vi.waitFor(
        () => {
          for (const topic of TOPICS) expect(client.mesh(topic)).not.toContain(bad.peerId);
        },
        { timeout: 5000, interval: 100 },
      );
      expect(evidence.length).toBeGreaterThan(0);
      for (const record of evidence) {
        expect(record.offender).toBe(bad.peerId);
        expect(record.kind).toBe(offence);
        expect(record.reveal.from).toBe(bad.peerId);
        expect(record.quorum.length).toBeGreaterThanOrEqual(2);
      }
    }, 60_000);
  }

  it("behavior: messages forged in an honest peer's name are rejected; the forger loses reputation and the run is right", async () => {
    const { bad, client } = await network(forger);
    // Connected to the client, or its forgeries stop at the honest peers (who refuse them and
    // forward nothing) and the client has nothing to count.
    await client.node.dial(multiaddr(bad.addresses[0]!));
    await vi.waitFor(() => expect(client.mesh(RESULTS_TOPIC)).toContain(bad.peerId), {
      timeout: 10_000,
      interval: 50,
    });
    expect(await runSquares(client)).toEqual([0, 1, 4, 9, 16, 25]);
    expect(
      client.metrics
        .gauge({ name: 'noob_peer_messages_rejected_total', help: '' })
        .get({ reason: 'forged' }),
    ).toBeGreaterThan(0);
    expect(client.reputation.score(bad.peerId)).toBeLessThan(0);
  }, 60_000);

  it('error: a non-deterministic node is refused for quorum with an error naming it', async () => {
    const { client } = await network(() => ({}));
    const runner = new P2PRunner(await tube('jitter'), {
      peer: client,
      verification: QUORUM,
      deadlineMs: 1500,
    });
    try {
      const error = (await runner.process().catch((e: unknown) => e)) as Error;
      expect(error.name).toBe('NodeRunError');
      expect(error.message).toMatch(/node noisy .*gave two different results.*non-deterministic/);
    } finally {
      await runner.deinit();
    }
  }, 60_000);
});
