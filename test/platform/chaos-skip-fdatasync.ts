/**
 * Preloaded (`NODE_OPTIONS=--import`) into `noob serve` and the processes it starts by the
 * chaos test that shows the power-loss scenario can fail: `fs.fdatasync`, with which the
 * embedded driver flushes the log before it acknowledges a write (WalFlusher, see
 * core/queue/drivers/embedded.ts), then returns at once without flushing, as in a queue
 * that skipped it. SQLite's own syncs (at checkpoints, in C) are untouched.
 */
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

fs.fdatasync = ((_fd: number, callback: fs.NoParamCallback) =>
  queueMicrotask(() => callback(null))) as typeof fs.fdatasync;
// The driver imports `{ fdatasync } from 'node:fs'`: this updates that binding too.
syncBuiltinESMExports();
