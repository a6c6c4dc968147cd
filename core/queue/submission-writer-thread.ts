/**
 * The thread of a {@link SubmissionWriter}: its own connection to the database file, which
 * commits the submissions the API thread sends in groups (see GroupCommit: one
 * transaction and one flush for those that arrive together) and answers each once its
 * commit is durable, so the API's event loop never runs a write transaction.
 */
import { realpathSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { QueueDriver } from './backend.ts';
import { isBusy } from './drivers/busy.ts';
import { CommitTally } from './drivers/commit-tally.ts';
import { openEmbeddedDriver } from './drivers/embedded.ts';
import { WalIndex } from './drivers/log-checkpoints.ts';
import { GroupCommit } from './group-commit.ts';
import {
  postError,
  type WriterAnswer,
  type WriterReport,
  type WriterRequest,
  type WriterSetup,
} from './submission-writer-protocol.ts';

const port = parentPort;
if (!port) throw new Error('submission-writer-thread.ts runs as a worker thread only');
const setup = workerData as WriterSetup;
const report = (message: WriterReport) => port.postMessage(message);

/** Most tries to open the file while another process sets it up (as openDriver does). */
const OPEN_TRIES = 40;

/** The connection; another process switching the file to WAL can hold it for a moment. */
function open(): QueueDriver {
  for (let attempt = 1; ; attempt++) {
    try {
      return openEmbeddedDriver(setup.path, {
        commitsFor: new CommitTally(setup.tally),
        ...(setup.busyTimeoutMs !== undefined ? { busyTimeoutMs: setup.busyTimeoutMs } : {}),
        onBroken: (error) => report({ type: 'broken', error: postError(error) }),
      });
    } catch (error) {
      if (!isBusy(error) || attempt >= OPEN_TRIES) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 25 + Math.random() * 50);
    }
  }
}

let driver: QueueDriver;
try {
  driver = open();
} catch (error) {
  report({ type: 'failed', error: postError(error) });
  port.close();
  process.exit(1);
}
// Never let go: the descriptor this thread's connection reads the WAL index through must
// not close while the process lives, since closing any descriptor of a file drops every
// POSIX lock the process holds on it, the API connection's too (see WalIndex). One
// descriptor per writer thread started, kept until the process exits.
WalIndex.acquire(realpathSync(setup.path));
const submissions = new GroupCommit(driver);
report({ type: 'ready' });

// The SQL texts the API thread sent, by number (see WriterRequest).
const sql: string[] = [];

// Answers settled in one go (a group's) leave in one message.
let answers: WriterAnswer[] = [];
function answer(reply: WriterAnswer): void {
  answers.push(reply);
  if (answers.length > 1) return;
  queueMicrotask(() => {
    report({ type: 'answers', answers });
    answers = [];
  });
}

port.on('message', (request: WriterRequest) => {
  if (request.type === 'close') {
    void close();
    return;
  }
  sql.push(...request.sql);
  for (const [n, jobId, payloadHash, key, taskCount, statements] of request.items) {
    const submission = {
      jobId,
      payloadHash,
      idempotencyKey: key ?? undefined,
      taskCount,
      statements: statements.map(([number, params]) => ({ sql: sql[number]!, params })),
    };
    submissions.submit(submission).then(
      ({ jobId, created }) => answer({ n, jobId, created }),
      (error: unknown) => answer({ n, error: postError(error) }),
    );
  }
});

/** Commit what is waiting, then close the connection and end the thread. */
async function close(): Promise<void> {
  await submissions.flush();
  await driver.close().catch(() => undefined);
  port?.close();
}
