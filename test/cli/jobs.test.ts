import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OWN } from '../conformance/suite.ts';
import { cleanUpServes, type ServeProcess, startServe } from '../platform/serve-process.ts';
import { noobHere, runNoob } from './run-noob.ts';
import { hasScript, onTerminal, screenLines } from './terminal.ts';

const WAITING = join(import.meta.dirname, 'tubes', 'waiting.yaml');

// One real `noob serve` (API, coordinator and a worker process on a libSQL file) for the
// file. Its database is the default one of `home` (.noob/noob.db), so that commands run
// there find the key it keeps for tenant `local` without being told.
let serve: ServeProcess;
let home: string;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'noob-cli-jobs-'));
  // The server registers this folder's tubes (the chatty one loads the module beside it).
  const saved = process.env.NOOB_TUBE_PATH;
  process.env.NOOB_TUBE_PATH = join(import.meta.dirname, 'tubes');
  try {
    serve = await startServe(join(home, '.noob', 'noob.db'), ['--workers', '1']);
  } finally {
    if (saved === undefined) delete process.env.NOOB_TUBE_PATH;
    else process.env.NOOB_TUBE_PATH = saved;
  }
}, 120_000);
afterAll(cleanUpServes);

/**
 * `noob ...args` as its own process from `home`, against the test's server given by
 * NOOB_URL, with the key it finds in home.
 */
function noob(...args: string[]) {
  return runNoob(args, { cwd: home, env: { NOOB_URL: serve.url } });
}

/** `noob ...args --url URL --key KEY` in this process (cheaper: the machine is shared). */
function here(...args: string[]) {
  return noobHere(...args, '--url', serve.url, '--key', serve.key);
}

const lines = (text: string) => text.split('\n').filter(Boolean);

/**
 * `noob jobs watch ID` as its own process (from home, as `noob`), calling `act` with it
 * once, as soon as what it said on `stream` (stderr unless told) matches `pattern`. Its
 * result, and whether `act` ran.
 */
async function watchUntil(
  id: string,
  pattern: RegExp,
  act: (child: ChildProcess) => void,
  stream: 'stdout' | 'stderr' = 'stderr',
) {
  let acted = false;
  const result = await runNoob(['jobs', 'watch', id], {
    cwd: home,
    env: { NOOB_URL: serve.url },
    started: (child) => {
      let said = '';
      child[stream]!.on('data', (chunk: Buffer) => {
        said += chunk.toString();
        if (!acted && pattern.test(said)) {
          acted = true;
          act(child);
        }
      });
    },
  });
  return { ...result, acted };
}

describe('noob jobs', () => {
  it('default: submit --watch runs a registered tube by noob_id and prints its results as JSON lines', async () => {
    const { code, stdout, stderr } = await noob(
      'jobs',
      'submit',
      'testing-basic',
      '-n',
      '5',
      '--watch',
    );
    expect(code, stderr).toBe(0);
    expect(stdout).toBe('0\n2\n4\n6\n8\n');
    expect(stderr).toMatch(/job running\n/);
    expect(stderr).toMatch(/job \S+ succeeded \(5\/5 node calls\)/);
  });

  it('behavior: submit sends a tube file, reads --input by its declared type, and prints the id; get, list and watch find the job', async () => {
    const submitted = await here('jobs', 'submit', WAITING, '-n', '3', '--input', 'seconds=0.01');
    expect(submitted.code, submitted.stderr).toBe(0);
    const id = submitted.stdout.trim();
    expect(id).toMatch(/^[\w-]+$/);
    expect(submitted.stderr).toContain(`noob jobs watch ${id}`);

    const watched = await here('jobs', 'watch', id);
    expect(watched.code, watched.stderr).toBe(0);
    expect(lines(watched.stdout).map(Number)).toEqual([0, 1, 2]);

    const got = await here('jobs', 'get', id, '--json');
    expect(JSON.parse(got.stdout)).toMatchObject({ id, state: 'succeeded', results: [0, 1, 2] });
    const text = await here('jobs', 'get', id);
    expect(text.stdout).toMatch(new RegExp(`^job +${id}\nstate +succeeded\n`));
    expect(text.stdout).toMatch(/\nresults +3\n {2}0\n {2}1\n {2}2\n$/);

    const listed = await here('jobs', 'list', '--json', '--limit', '50');
    expect(JSON.parse(listed.stdout).jobs.map((job: { id: string }) => job.id)).toContain(id);
    const table = await here('jobs', 'list');
    expect(lines(table.stdout)[0]).toMatch(
      /^ID +STATE +TUBE +PRIORITY +EPOCHS +TASKS +CREATED +DURATION$/,
    );
    expect(table.stdout).toMatch(new RegExp(`\n${id} +succeeded +\\S+ +NORMAL +\\S+ +3/3 `));
    const failedOnly = await here('jobs', 'list', '--state', 'failed', '--json');
    expect(JSON.parse(failedOnly.stdout).jobs.map((job: { id: string }) => job.id)).not.toContain(
      id,
    );

    const late = await here('jobs', 'cancel', id);
    expect(late.code).toBe(1);
    expect(late.stderr).toBe(`noob: job ${id} has already succeeded (HTTP 409 job_finished)\n`);
  });

  it('behavior: list pages with --limit and the --after cursor it prints', async () => {
    for (let i = 0; i < 2; i++) await here('jobs', 'submit', 'testing-basic');
    const first = await here('jobs', 'list', '--limit', '1');
    expect(lines(first.stdout)).toHaveLength(2);
    const cursor = /^more: noob jobs list --after (\S+)$/m.exec(first.stderr)?.[1];
    expect(cursor, first.stderr).toBeDefined();
    const second = await here('jobs', 'list', '--limit', '1', '--after', cursor!);
    const idOf = (table: string) => lines(table)[1]!.split(' ')[0];
    expect(idOf(second.stdout)).not.toBe(idOf(first.stdout));
  });

  it('behavior: watching a job that fails exits 1 with its error; its failed calls are said as they happen', async () => {
    const { code, stdout, stderr } = await here(
      'jobs',
      'submit',
      join(OWN, 'special', 'error.yaml'),
      '-n',
      '2',
      '--attempts',
      '1',
      '--watch',
    );
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(
      /node b \(epoch \d\) failed on attempt 1, for good: DeliberateError: This node just emits errors/,
    );
    expect(stderr).toMatch(/noob: job \S+ failed: NodeRunError: node b failed in epoch \d/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('behavior: cancel stops a running job; watch then exits 3, and --json gives every stream message as a line', async () => {
    const submitted = await here(
      'jobs',
      'submit',
      WAITING,
      '-n',
      '4',
      '--input',
      'seconds=60',
      '--json',
    );
    const { id } = JSON.parse(submitted.stdout) as { id: string };
    const cancelled = await here('jobs', 'cancel', id);
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(cancelled.stdout).toBe(`job ${id} cancelled\n`);
    const watched = await here('jobs', 'watch', id, '--json');
    expect(watched.code).toBe(3);
    const messages = lines(watched.stdout).map((line) => JSON.parse(line));
    expect(messages[0]).toMatchObject({ type: 'event', event: { jobId: id, type: 'job.queued' } });
    expect(messages.at(-1)).toMatchObject({ type: 'done', job: { id, state: 'cancelled' } });
  });

  it.skipIf(!hasScript)(
    'behavior: on a terminal, watch shows a progress bar while the job runs',
    async () => {
      // On its own terminal, as a user runs it; submitted from there, so that the job starts
      // once the command is up. 48 epochs of 0.3 s on a worker running 8 calls at a time
      // take 1.8 s at the very least: longer than the second before the bar shows.
      const { code, screen } = onTerminal(
        ...['jobs', 'submit', WAITING, '-n', '48', '--input', 'seconds=0.3', '--watch'],
        ...['--url', serve.url, '--key', serve.key],
      );
      expect(code).toBe(0);
      expect(screen).toMatch(/\[[#-]+\] \d+\/\d+ (epochs|calls) {2}/);
      const shown = screenLines(screen);
      expect(shown.filter((line) => /^\d+$/.test(line)).map(Number)).toEqual([...Array(48).keys()]);
      expect(shown.at(-1)).toMatch(/job \S+ succeeded/);
    },
  );

  it('behavior: watch prints each epoch’s result as the epoch finishes, long before the job ends', async () => {
    // Epoch 0 of cli-paced finishes at once, epoch 1 only after 20 s: once watch printed
    // epoch 0's result, cancel the job. It never had results of its own.
    const submitted = await here('jobs', 'submit', 'cli-paced', '-n', '2');
    expect(submitted.code, submitted.stderr).toBe(0);
    const id = submitted.stdout.trim();
    const { code, stdout, stderr, acted } = await watchUntil(
      id,
      /^0$/m,
      () => void here('jobs', 'cancel', id),
      'stdout',
    );
    expect(acted, stderr).toBe(true);
    expect(code, stderr).toBe(3);
    expect(stdout).toBe('0\n');
    const job = JSON.parse((await here('jobs', 'get', id, '--json')).stdout);
    expect(job).toMatchObject({ state: 'cancelled', progress: { epochs: { done: 1 } } });
  });

  it('behavior: a job that waits for workers with its tags says so in get and watch', async () => {
    const submitted = await here('jobs', 'submit', 'testing-basic', '--tags', 'cli-absent-tag');
    expect(submitted.code, submitted.stderr).toBe(0);
    const id = submitted.stdout.trim();
    // Once watch said what the job waits on, cancel the job: watch then ends.
    const { code, stderr, acted } = await watchUntil(id, /waiting: /, () => {
      void here('jobs', 'cancel', id);
    });
    expect(acted, stderr).toBe(true);
    expect(stderr).toMatch(
      /^waiting: its tasks need a worker with tags cli-absent-tag;.*noob worker --tags cli-absent-tag/m,
    );
    expect(code, stderr).toBe(3);
    expect((await here('jobs', 'get', id)).stdout).toMatch(/\nstate +cancelled\n/);
  });

  it('behavior: Ctrl-C stops watching, not the job, and exits 130', async () => {
    const submitted = await here('jobs', 'submit', WAITING, '-n', '2', '--input', 'seconds=60');
    expect(submitted.code, submitted.stderr).toBe(0);
    const id = submitted.stdout.trim();
    // Once the stream is open (its first event was said), interrupt it.
    const { code, stderr, acted } = await watchUntil(id, /^job \w+$/m, (child) =>
      child.kill('SIGINT'),
    );
    expect(acted, stderr).toBe(true);
    expect(code, stderr).toBe(130);
    expect(stderr).toContain(
      `stopped watching; job ${id} goes on (noob jobs cancel ${id} stops it)`,
    );
    const job = JSON.parse((await here('jobs', 'get', id, '--json')).stdout);
    expect(['queued', 'running']).toContain(job.state);
    await here('jobs', 'cancel', id);
  });

  it('error: an unknown job, an unreachable server and a refused key are one line each, exit 1', async () => {
    const unknown = await here('jobs', 'get', 'no-such-job');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe(
      'noob: job no-such-job not found: noob jobs list shows your jobs (HTTP 404 job_not_found)\n',
    );

    // A port nothing listens on: the server's own, once it is known to be closed is not
    // available, so take one from a listener that is closed again.
    const { createServer } = await import('node:net');
    const probe = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => probe.once('listening', resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise((resolve) => probe.close(resolve));
    const down = await noobHere('jobs', 'list', '--url', `http://127.0.0.1:${port}`, '--key', 'k');
    expect(down.code).toBe(1);
    expect(down.stderr).toBe(
      `noob: cannot reach the noob server at http://127.0.0.1:${port} (connection refused): start it with noob serve, or give its address with --url or NOOB_URL\n`,
    );

    const refused = await noobHere(
      ...['jobs', 'list', '--url', serve.url, '--key', 'noob_0000000000000000_wrong'],
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      new RegExp(`^noob: the server at ${serve.url} refused the API key: .*--key or NOOB_KEY\n$`),
    );
  });

  it('error: usage mistakes exit 2 naming the action and what is wrong', async () => {
    for (const [args, message] of [
      [['jobs'], /noob jobs needs an action first: submit, list, get, cancel, watch, logs/],
      [['jobs', 'frob'], /unknown jobs action "frob"/],
      [['jobs', 'get'], /missing ID \(usage: noob jobs get ID\)/],
      [['jobs', 'watch', ''], /ID is empty \(usage: noob jobs watch ID\)/],
      [
        ['jobs', 'list', '--state', 'done'],
        /--state takes queued, running, succeeded, failed, cancelled; got "done"/,
      ],
      [['jobs', 'submit', 'testing-basic', '-n', 'lots'], /--epochs takes a whole number/],
      [['jobs', 'submit', 'no/such/tube.yaml'], /no tube file no\/such\/tube.yaml/],
    ] as const) {
      const { code, stderr } = await here(...args);
      expect(code, args.join(' ')).toBe(2);
      expect(stderr, args.join(' ')).toMatch(message);
    }
    const ftp = await noobHere('jobs', 'list', '--url', 'ftp://x', '--key', 'k');
    expect(ftp.code).toBe(2);
    expect(ftp.stderr).toMatch(/--url takes an http:\/\/ or https:\/\/ address, got "ftp:\/\/x"/);
  });

  it('error: with no key given, none in NOOB_KEY and none kept here, the message says where to get one', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'noob-cli-nokey-'));
    const { code, stderr } = await runNoob(['jobs', 'list', '--url', serve.url], {
      cwd: elsewhere,
    });
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /no API key for http:\/\/127\.0\.0\.1:\d+: give --key KEY or set NOOB_KEY/,
    );
  });
});

describe('noob jobs logs', () => {
  it('default: what node calls printed, labelled with node and epoch, each on the stream it was written to; watch shows it as it comes', async () => {
    const watched = await here('jobs', 'submit', 'cli-chatty', '-n', '2', '--watch');
    expect(watched.code, watched.stderr).toBe(0);
    expect(watched.stdout).toBe('0\n10\n');
    expect(watched.stderr).toContain('[node chat #0] chatty says 0\n');
    expect(watched.stderr).toContain('[node chat #1] chatty warns 1\n');
    const id = /submitted job (\S+)/.exec(watched.stderr)![1]!;

    const logs = await here('jobs', 'logs', id);
    expect(logs.code, logs.stderr).toBe(0);
    expect(lines(logs.stdout).sort()).toEqual([
      '[node chat #0] chatty says 0',
      '[node chat #1] chatty says 1',
    ]);
    expect(lines(logs.stderr).sort()).toEqual([
      '[node chat #0] chatty warns 0',
      '[node chat #1] chatty warns 1',
    ]);

    const json = await here('jobs', 'logs', id, '--json');
    const entries = lines(json.stdout).map((line) => JSON.parse(line));
    expect(entries).toHaveLength(4);
    expect(entries).toContainEqual(
      expect.objectContaining({
        node: 'chat',
        epoch: '1',
        stream: 'stderr',
        text: 'chatty warns 1\n',
      }),
    );

    // --follow on a finished job: the same entries from the stream, then it ends.
    const followed = await here('jobs', 'logs', id, '--follow', '--json');
    expect(followed.code).toBe(0);
    expect(lines(followed.stdout).map((line) => JSON.parse(line))).toEqual(entries);
  });
});

describe('noob workers', () => {
  it('default: lists the live worker of noob serve; --json gives the API list', async () => {
    const json = await here('workers', '--json');
    expect(json.code, json.stderr).toBe(0);
    const workers = JSON.parse(json.stdout) as { id: string }[];
    expect(workers.length).toBeGreaterThanOrEqual(1);
    const table = await here('workers');
    expect(lines(table.stdout)[0]).toMatch(/^ID +STATUS +TAGS +LEASED +STARTED +LAST SEEN$/);
    expect(table.stdout).toMatch(new RegExp(`\n${workers[0]!.id} +live +`));
  });
});

describe('noob keys', () => {
  it('behavior: create --expires, list and revoke manage keys the server accepts and then refuses', async () => {
    const db = join(home, '.noob', 'noob.db');
    const created = await noobHere(
      'keys',
      'create',
      '--tenant',
      'cli-tenant',
      '--expires',
      '1h',
      '--db',
      db,
    );
    expect(created.code, created.stderr).toBe(0);
    const key = created.stdout.trim();
    expect(created.stderr).toMatch(/for tenant cli-tenant, valid until \d{4}-/);

    const listed = await noobHere('keys', 'list', '--tenant', 'cli-tenant', '--db', db, '--json');
    const [info] = JSON.parse(listed.stdout) as {
      id: string;
      createdAt: number;
      expiresAt: number;
    }[];
    expect(key.startsWith(`noob_${info!.id}_`)).toBe(true);
    expect(info!.expiresAt - info!.createdAt).toBe(3_600_000);
    expect(listed.stdout).not.toContain(key);
    const table = await noobHere('keys', 'list', '--db', db);
    expect(table.stdout).toMatch(
      new RegExp(`\n${info!.id} +cli-tenant +active +\\S+ \\S+ +\\d{4}-`),
    );
    expect(table.stdout).toMatch(/ +local +active +\S+ \S+ +never\n/);

    const withKey = (...args: string[]) => noobHere(...args, '--url', serve.url, '--key', key);
    expect((await withKey('jobs', 'list')).code).toBe(0);
    const revoked = await noobHere('keys', 'revoke', info!.id, '--db', db);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect((await noobHere('keys', 'list', '--tenant', 'cli-tenant', '--db', db)).stdout).toMatch(
      / revoked /,
    );
    const refused = await withKey('jobs', 'list');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/refused the API key/);

    const again = await noobHere('keys', 'revoke', info!.id, '--db', db);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^noob: no key \w+ to revoke \(unknown or already revoked\)/);
    const badDuration = await noobHere(
      'keys',
      'create',
      '--tenant',
      'x',
      '--expires',
      'soon',
      '--db',
      db,
    );
    expect(badDuration.code).toBe(2);
    expect(badDuration.stderr).toMatch(/--expires takes a duration such as 90s/);
  });
});

describe('help', () => {
  it('behavior: jobs, workers and keys each have their own help, with their options', async () => {
    const jobs = await noobHere('jobs', 'submit', '--help');
    expect(jobs.code).toBe(0);
    expect(jobs.stdout).toMatch(/^Usage:\n {2}noob jobs submit TUBE/);
    expect(jobs.stdout).toMatch(/--attempts N +submit: attempts per node call/);
    expect(jobs.stdout).toMatch(
      /Exit codes:\s+0 success \(watch: the job succeeded\), 1 the job failed[\s\S]*3 watch: the job was cancelled/,
    );
    const workers = await noobHere('workers', '--help');
    expect(workers.stdout).toMatch(/noob workers +the server's workers, live and dead/);
    expect(workers.stdout).not.toMatch(/--attempts/);
    const keys = await noobHere('help', 'keys');
    expect(keys.stdout).toMatch(/noob keys revoke ID/);
    expect(keys.stdout).toMatch(/--expires DURATION +create: refused after 90s/);
  });
});
