import type { SignedMessage } from '@libp2p/gossipsub';
import { commitmentOf, type SignedRecord, signedRecord } from './commitment.ts';
import { QuorumError } from './errors.ts';
import type { TaskMessage } from './messages.ts';
import type { Peer } from './peer.ts';
import { type Accepted, fetchOutcome, type Verifier } from './submitter.ts';
import { TaskListeners } from './task-listeners.ts';

/** Signed proof that an executor's answer lost a quorum (kept for the settlement function). */
export interface Evidence {
  task: string;
  /** The result CID the quorum accepted. */
  accepted: string;
  /** The executors whose reveals made the quorum, as they signed them. */
  quorum: SignedRecord[];
  offender: string;
  /** `disagreed`: a valid reveal of another result; `unopened`: a reveal that does not open its commitment. */
  kind: 'disagreed' | 'unopened';
  commit: SignedRecord;
  reveal: SignedRecord;
}

/** What the verifier reports as it goes (the ledger records it). */
export interface QuorumObserver {
  claimed?(task: TaskMessage): void;
  committed?(task: string, executor: string, commitment: string): void;
  revealed?(task: string, executor: string, result: string, valid: boolean): void;
  decided?(task: string, result: string, executors: readonly string[]): void;
  evidence?(evidence: Evidence): void;
}

/** A reveal as it came (its payout signature, if the executor has a payout account). */
interface Reveal {
  result: string;
  salt: string;
  signed: SignedMessage;
  signature?: string;
}

interface Answer {
  commitment: string;
  commit: SignedMessage;
  reveal?: { result: string; signed: SignedMessage; valid: boolean; signature?: string };
}

/**
 * Quorum verification (k executors, accepted at q equal result CIDs). Commitments are
 * taken from the named executors only, first one each; a reveal counts only if it opens
 * that executor's commitment. Once a result CID has q valid reveals its block is fetched
 * (hash-checked) and accepted; executors that revealed another result, or a reveal that
 * opens nothing, lose reputation and leave signed evidence. When every named executor has
 * answered and no result reached q, the call fails with {@link QuorumError}.
 */
export class QuorumVerifier implements Verifier {
  readonly #peer: Peer;
  readonly #observer: QuorumObserver;
  readonly #listeners: TaskListeners;

  constructor(peer: Peer, observer: QuorumObserver = {}) {
    this.#peer = peer;
    this.#observer = observer;
    this.#listeners = new TaskListeners(peer, ['working', 'commit', 'reveal']);
  }

  accept(task: TaskMessage, signal: AbortSignal, alive: () => void): Promise<Accepted> {
    if (task.verification.mode !== 'quorum') throw new Error('internal: not a quorum task');
    const { q } = task.verification;
    const peer = this.#peer;
    const observer = this.#observer;
    const answers = new Map<string, Answer>();
    const early = new Map<string, Reveal>();
    const named = (executor: string) => task.executors.includes(executor);
    let decided: string | undefined;
    observer.claimed?.(task);

    return new Promise<Accepted>((resolve, reject) => {
      const offs: Array<() => void> = [];
      let lingering: NodeJS.Timeout | undefined;
      const stop = () => {
        for (const off of offs.splice(0)) off();
        clearTimeout(lingering);
        signal.removeEventListener('abort', onAbort);
      };
      const onAbort = () => {
        stop();
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });

      const judge = (executor: string, answer: Answer) => {
        const reveal = answer.reveal;
        if (!decided || !reveal || (reveal.valid && reveal.result === decided)) return;
        peer.reputation.penalize(executor, 'wrong');
        observer.evidence?.({
          task: task.task,
          accepted: decided,
          quorum: [...answers.values()]
            .filter((a) => a.reveal?.valid && a.reveal.result === decided)
            .map((a) => signedRecord(a.reveal!.signed)),
          offender: executor,
          kind: reveal.valid ? 'disagreed' : 'unopened',
          commit: signedRecord(answer.commit),
          reveal: signedRecord(reveal.signed),
        });
      };

      const tally = async () => {
        if (decided) return;
        const byResult = new Map<string, string[]>();
        for (const [executor, answer] of answers) {
          if (!answer.reveal?.valid) continue;
          const list = byResult.get(answer.reveal.result) ?? [];
          list.push(executor);
          byResult.set(answer.reveal.result, list);
        }
        for (const [result, executors] of byResult) {
          if (executors.length < q) continue;
          decided = result;
          for (const executor of executors) {
            const outcome = await fetchOutcome(peer, executor, result, task.task, signal).catch(
              () => undefined,
            );
            if (!outcome) continue;
            observer.decided?.(task.task, result, executors);
            for (const [other, answer] of answers) judge(other, answer);
            const signatures: Record<string, string> = {};
            for (const executor of executors) {
              const signature = answers.get(executor)?.reveal?.signature;
              if (signature) signatures[executor] = signature;
            }
            resolve({ result, outcome, executors, signatures });
            // Late reveals are still judged for a while, then everything is let go.
            lingering = setTimeout(stop, task.deadlineMs);
            return;
          }
          decided = undefined;
        }
        const settled = task.executors.every((id) => answers.get(id)?.reveal);
        if (settled) {
          stop();
          reject(
            new QuorumError(`no result of task ${task.task} reached ${q} equal answers`, {
              details: [...byResult]
                .map(([result, executors]) => `${result}: ${executors.join(', ')}`)
                .join('\n'),
            }),
          );
        }
      };

      const reveal = (executor: string, { result, salt, signed, signature }: Reveal) => {
        const answer = answers.get(executor)!;
        if (answer.reveal) return;
        const valid = commitmentOf(result, salt, executor) === answer.commitment;
        answer.reveal = { result, signed, valid, ...(signature ? { signature } : {}) };
        observer.revealed?.(task.task, executor, result, valid);
        if (!valid) peer.reputation.penalize(executor, 'wrong');
        if (decided) judge(executor, answer);
        else void tally();
      };

      offs.push(
        this.#listeners.listen(task.task, {
          working: () => alive(),
          commit: (message, _signer, signed) => {
            if (!named(message.executor) || answers.has(message.executor)) return;
            alive();
            answers.set(message.executor, { commitment: message.commitment, commit: signed });
            observer.committed?.(task.task, message.executor, message.commitment);
            const waiting = early.get(message.executor);
            if (waiting) reveal(message.executor, waiting);
          },
          reveal: (message, _signer, signed) => {
            if (!named(message.executor)) return;
            alive();
            // A result that came inline (and hashes to its CID) needs no fetch once decided.
            peer.blocks.keepInline(message.result, message.block);
            const revealed: Reveal = {
              result: message.result,
              salt: message.salt,
              signed,
              ...(message.signature ? { signature: message.signature } : {}),
            };
            // Gossip may deliver the reveal first: held until its commitment arrives.
            if (!answers.has(message.executor)) early.set(message.executor, revealed);
            else reveal(message.executor, revealed);
          },
        }),
      );
    });
  }
}
