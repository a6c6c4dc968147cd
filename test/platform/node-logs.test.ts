import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createNoobClient, type JobLogMessage } from '../../functions/api/client.ts';
import { cleanUpServes, eventually, startServe, tempDb, waitForJob } from './serve-process.ts';

/**
 * Node logs on real processes: what a node prints under `noob serve` is kept with its task
 * (GET /v1/jobs/:id/logs, the event stream), labelled in serve's terminal, and never
 * reaches a worker's stdout; an HTTP worker labels it in its own terminal.
 */

const ROOT = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'noob-node-logs-'));
const NODES = join(dir, 'nodes.ts');

beforeAll(() => {
  // A module node that prints on both streams, and a line that looks like a worker's own.
  writeFileSync(
    NODES,
    [
      'export function chatty({ value }) {',
      '  console.log("chatty says " + value);',
      '  console.error("chatty warns " + value);',
      "  process.stdout.write('noob worker impostor pulling from nowhere\\n');",
      '  return value * 10;',
      '}',
      'export function tally({ value }) {',
      '  console.log("tally saw " + value);',
      '  return value;',
      '}',
      '',
    ].join('\n'),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(cleanUpServes);

const TUBE = `noob_id: chatty
nodes:
  count:
    type: noob.testing.count_source
  chat:
    type: "${NODES}#chatty"
    depends:
      - value: count.index
  tally:
    type: "${NODES}#tally"
    stateful: true
    depends:
      - value: count.index
  out:
    type: return
    depends:
      - chat: chat.value
      - tally: tally.value
`;

describe('node logs under noob serve (real processes)', () => {
  it('default: a node’s console output is kept per call with job, node, epoch and stream, streamed, and labelled in the terminal', async () => {
    const server = await startServe(tempDb(), ['--allow-modules', '--workers', '1']);
    const client = createNoobClient({ baseUrl: server.url, apiKey: server.key });
    const { id } = await client.submitJob({ tube: TUBE, epochs: 3 });
    const streamed = (async () => {
      const logs: JobLogMessage['log'][] = [];
      for await (const message of client.events(id, { logs: true })) {
        if (message.type === 'log') logs.push(message.log);
      }
      return logs;
    })();
    const job = await waitForJob(server.url, server.key, id);
    expect(job.state).toBe('succeeded');
    expect(job.results).toEqual([0, 1, 2].map((n) => ({ chat: n * 10, tally: n })));

    const { logs, next } = await client.logs(id);
    expect(next).toBeNull();
    const seen = logs.map(({ node, epoch, stream, text }) => `${node} ${epoch} ${stream} ${text}`);
    for (const epoch of [0, 1, 2]) {
      expect(seen).toContain(`chat ${epoch} stdout chatty says ${epoch}\n`);
      expect(seen).toContain(`chat ${epoch} stderr chatty warns ${epoch}\n`);
      expect(seen).toContain(`chat ${epoch} stdout noob worker impostor pulling from nowhere\n`);
    }
    // The stateful node ran in the coordinator: its output is the job's, with no task.
    const coordinator = logs.filter((entry) => entry.taskId === null).map((entry) => entry.text);
    expect(coordinator).toEqual(['tally saw 0\n', 'tally saw 1\n', 'tally saw 2\n']);
    expect(await streamed).toEqual(logs);

    const terminal = await eventually('labelled lines in serve’s terminal', async () =>
      server.stderr().includes(`[job ${id} node chat #2] chatty warns 2`) &&
      server.stderr().includes(`[job ${id} coordinator] tally saw 2`)
        ? server.stderr()
        : undefined,
    );
    expect(terminal).toContain(`[job ${id} node chat #0] chatty says 0`);
    expect(terminal).toContain(`[job ${id} coordinator] tally saw 1`);
    // Nothing unlabelled: every line the node printed came with its job and node.
    expect(terminal).not.toMatch(/^chatty/m);
  });
});

describe('node logs on an HTTP worker (real process)', () => {
  it('behavior: a node’s output goes to the worker’s stderr labelled, never into its answer or its stdout', async () => {
    const token = 'node-logs-test-token-0123456789';
    const child = spawn(
      process.execPath,
      [
        join(ROOT, 'bin', 'noob.js'),
        'worker',
        '--http',
        '--port',
        '0',
        '--token',
        token,
        '--allow-modules',
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      let stdout = '';
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
          if (match) resolve(match[1]!);
        });
        child.once('exit', (code) => reject(new Error(`worker exited early with ${code}`)));
      });
      const response = await fetch(`${url}/v1/tasks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({
          cid: 'k',
          type: `${NODES}#chatty`,
          inputs: { value: 4 },
          nodeId: 'chat',
          epoch: '4',
        }),
      });
      expect(await response.json()).toEqual({ cid: 'k', outputs: { value: 40 }, exhausted: false });
      await eventually('the labelled line', async () =>
        stderr.includes('[node chat #4] chatty warns 4') ? true : undefined,
      );
      expect(stderr).toContain('[node chat #4] chatty says 4');
      expect(stdout).not.toContain('chatty');
      expect(stdout).not.toContain('impostor');
      child.kill('SIGTERM');
      await once(child, 'exit');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
