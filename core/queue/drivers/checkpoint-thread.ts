/**
 * The thread of a {@link LogCheckpoints}: its own connection to the database, which
 * copies the write-ahead log back into the database file each time it is asked (a
 * PASSIVE checkpoint: it neither waits for nor blocks the writers) and answers with
 * what it did.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'libsql';

/** What the thread answers to each request: done (or skipped, the file busy), or why it failed. */
export type CheckpointAnswer = { ok: true } | { ok: false; message: string };

/** What the thread is asked. */
export type CheckpointRequest = 'checkpoint' | 'close';

const port = parentPort;
if (!port) throw new Error('checkpoint-thread.ts runs as a worker thread only');
const { path } = workerData as { path: string };
let connection: { db: InstanceType<typeof Database>; checkpoint: () => void } | undefined;

function connect(): NonNullable<typeof connection> {
  const db = new Database(path);
  try {
    // NORMAL: the log is synced before it is copied and the database file after, as
    // SQLite does inside the COMMIT that checkpoints; here it happens off the committing
    // thread.
    db.exec('PRAGMA synchronous = NORMAL');
    // A checkpoint already running (another connection's) makes this one skip, not wait.
    db.exec('PRAGMA busy_timeout = 0');
    const statement = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
    return { db, checkpoint: () => statement.get([]) };
  } catch (error) {
    // Not kept: the next request connects again.
    db.close();
    throw error;
  }
}

port.on('message', (request: CheckpointRequest) => {
  if (request === 'close') {
    connection?.db.close();
    port.close();
    return;
  }
  let answer: CheckpointAnswer;
  try {
    connection ??= connect();
    connection.checkpoint();
    answer = { ok: true };
  } catch (error) {
    const { message, code } = error as { message?: string; code?: string };
    // Locked for a moment (another process migrating, say): skipped; the next commit asks again.
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') answer = { ok: true };
    // libsql's errors keep only their code when posted across threads: say it here.
    else answer = { ok: false, message: [code, message].filter(Boolean).join(': ') };
  }
  port.postMessage(answer);
});
