import { execFile, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { api, cleanUpServes, startServe, tempDb, waitForJob } from './serve-process.ts';

/**
 * schemathesis (PyPI, pinned in scripts/schemathesis-venv.mjs) against a real `noob serve`:
 * every operation of /openapi.json, with all its checks (no 5xx, statuses and bodies as
 * documented, SSE messages as documented, requests the document allows accepted and ones
 * it refuses refused, methods a path does not take answered 405 with Allow), over real
 * HTTP with a real key. Zero failures, or the test prints schemathesis's report.
 */

const ROOT = join(import.meta.dirname, '..', '..');
/** Test cases per operation and phase: about a thousand requests in all. */
const MAX_EXAMPLES = 60;
/** Fixed, so that CI runs the same requests each time; NOOB_SCHEMATHESIS_SEED tries others. */
const SEED = process.env.NOOB_SCHEMATHESIS_SEED ?? '20261206';
/** Past this the run is stopped (with every loop bounded, a hang is a failure to report). */
const RUN_TIMEOUT_MS = 240_000;

/** The `schemathesis` command (installed once into .venv/), or why there is none. */
async function findSchemathesis(): Promise<{ command?: string; missing?: string }> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [
      join(ROOT, 'scripts', 'schemathesis-venv.mjs'),
    ]);
    return { command: stdout.trim() };
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? '').trim();
    const reason = stderr
      .split('\n')
      .at(-1)
      ?.replace(/^noob: no schemathesis: /, '');
    return { missing: reason || String(error) };
  }
}

const { command, missing } = await findSchemathesis();
if (missing && process.env.NOOB_SCHEMATHESIS_REQUIRED) {
  // CI sets it: there a skip would hide that the API went unchecked.
  throw new Error(`schemathesis is required (NOOB_SCHEMATHESIS_REQUIRED) but missing: ${missing}`);
}
if (missing) console.log(`schemathesis test skipped: ${missing}`);

/**
 * What the document cannot say: whether a tube exists and is valid YAML, whether its
 * inputs have the types it declares, whether epochs × nodes fits the per-job limit and
 * timeoutMs the server's maximum. So a submission the schema allows may still be a 400
 * (each names its field), and only there. The path id is a real, finished job of the
 * tenant, so that the job routes answer for a job rather than 404 every time. The job
 * list stream never ends by itself: each request reads it for a second (the messages
 * that came are checked), not for the whole request timeout, and it gets fewer cases.
 * For the same reason the "validation mismatch" warning (no generated positive case of an
 * operation was accepted) is off: for submitJob it says nothing (a generated `tube` is
 * almost never a tube, a generated p2p job meets a server without peers), schemathesis
 * reads that warning's setting only for the whole run, and the positive_data_acceptance
 * check already fails any operation that refuses data its schema allows with a status
 * not listed. Every other warning stays on.
 */
function config(jobId: string): string {
  return [
    `warnings.display = [${RUN_WARNINGS.map((w) => `"${w}"`).join(', ')}]`,
    '',
    '[parameters]',
    `"path.id" = "${jobId}"`,
    '',
    '[[operations]]',
    'include-operation-id = "submitJob"',
    'checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "401", "409", "429"]',
    '',
    '[[operations]]',
    'include-operation-id = "jobListEvents"',
    'request-timeout = 1',
    'generation.max-examples = 10',
    '',
  ].join('\n');
}

/** schemathesis's default warnings, less validation_mismatch (see {@link config}). */
const RUN_WARNINGS = [
  'missing_auth',
  'missing_test_data',
  'base_url_mismatch',
  'missing_deserializer',
  'unused_openapi_auth',
  'unsupported_regex',
  'method_not_allowed',
  'constants_extraction',
  'unmatched_filter',
  'unresolvable_reference',
  'rate_limited',
  'dictionary_mismatch',
  'timeout_units',
];

/** Runs schemathesis to the end (or the time bound); its exit code and output. */
function runSchemathesis(args: string[], cwd: string) {
  return new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(command!, args, {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const timer = setTimeout(() => {
      output += `\n(stopped after ${RUN_TIMEOUT_MS} ms)`;
      child.kill('SIGKILL');
    }, RUN_TIMEOUT_MS);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

afterAll(cleanUpServes);

describe.skipIf(command === undefined)('schemathesis against noob serve', () => {
  it('behavior: every operation of /openapi.json passes all of schemathesis checks', {
    timeout: RUN_TIMEOUT_MS + 60_000,
  }, async () => {
    const db = tempDb();
    const serve = await startServe(db);
    const submitted = await api(serve.url, serve.key, '/v1/jobs', {
      method: 'POST',
      body: JSON.stringify({ tube: 'testing-basic', epochs: 2 }),
    });
    expect(submitted.status).toBe(202);
    expect((await waitForJob(serve.url, serve.key, submitted.body.id)).state).toBe('succeeded');
    const dir = dirname(db);
    writeFileSync(join(dir, 'schemathesis.toml'), config(submitted.body.id));

    const { code, output } = await runSchemathesis(
      [
        '--config-file',
        join(dir, 'schemathesis.toml'),
        'run',
        `${serve.url}/openapi.json`,
        '--checks',
        'all',
        '--header',
        `Authorization: Bearer ${serve.key}`,
        '--phases',
        'examples,coverage,fuzzing',
        '--max-examples',
        String(MAX_EXAMPLES),
        '--seed',
        SEED,
        '--request-timeout',
        '20',
        '--generation-database',
        'none',
        '--no-color',
      ],
      dir,
    );
    const failures = output.slice(Math.max(0, output.indexOf('FAILURES')));
    expect(code, `schemathesis (seed ${SEED}) found failures:\n${failures}`).toBe(0);
    expect(output).toMatch(/No issues found/);
    // It reached the job routes with a real job, not only their 404s.
    expect(output).not.toMatch(/Missing test data/);
  });
});
