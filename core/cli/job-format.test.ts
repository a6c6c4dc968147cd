import { describe, expect, it } from 'vitest';
import type { JobStatus, Worker } from '../../functions/api/client.ts';
import { formatJob, formatJobTable, formatProgress, formatWorkerTable } from './job-format.ts';

const NOW = Date.parse('2026-12-06T08:00:00Z');

const job = (fields: Partial<JobStatus> = {}): JobStatus => ({
  id: 'j1',
  state: 'running',
  priority: 'NORMAL',
  tube: null,
  progress: { total: 10, done: 4, failed: 0, cancelled: 0, epochs: { total: 5, done: 2 } },
  results: null,
  error: null,
  createdAt: '2026-12-06T07:59:30.000Z',
  finishedAt: null,
  ...fields,
});

const worker = (id: string, alive: boolean): Worker => ({
  id,
  tags: [],
  startedAt: '2026-12-06T07:00:00.000Z',
  lastSeenAt: '2026-12-06T07:59:58.000Z',
  leased: 0,
  alive,
});

describe('job formatting', () => {
  it('default: progress counts the calls done, and says the failed and cancelled ones', () => {
    const epochs = { total: null, done: 0 };
    expect(formatProgress({ total: 10, done: 4, failed: 0, cancelled: 0, epochs })).toBe('4/10');
    expect(formatProgress({ total: 10, done: 4, failed: 2, cancelled: 1, epochs })).toBe(
      '4/10 (2 failed, 1 cancelled)',
    );
  });

  it('behavior: a job shows its tube, epochs and what it waits on', () => {
    const text = formatJob(
      job({
        tube: { noobId: 'testing-basic', cid: 'bafy1' },
        waiting: { reason: 'no_workers', detail: 'no live worker: start noob worker' },
      }),
      NOW,
    );
    expect(text).toContain('tube      testing-basic (bafy1)\n');
    expect(text).toContain('waiting   no live worker: start noob worker\n');
    expect(text).toContain('epochs    2/5\n');
    expect(text).toContain('duration  30s so far\n');
  });

  it('behavior: one row a job; a job of plain tasks has no tube', () => {
    const table = formatJobTable([job()], NOW);
    expect(table.split('\n')[1]).toMatch(
      /^j1 +running +- +NORMAL +2\/5 +4\/10 +2026-12-06 07:59:30 +30s$/,
    );
  });

  it('behavior: a failed job shows its error, a succeeded one its results', () => {
    const failed = formatJob(
      job({ state: 'failed', error: { code: 'NodeRunError', message: 'node b failed' } }),
    );
    expect(failed).toContain('error     NodeRunError: node b failed\n');
    const done = formatJob(job({ state: 'succeeded', results: [0, { a: 1 }] }));
    expect(done).toMatch(/results {3}2\n {2}0\n {2}\{"a":1\}\n$/);
  });
});

describe('verdict formatting', () => {
  it('behavior: a job run on peers says how its calls were verified; others say nothing of it', () => {
    const verdict = (mode: 'trusted' | 'quorum', calls: number, evidence: number) => ({
      verification: mode === 'quorum' ? { mode, k: 3, q: 2 } : { mode },
      calls,
      accepted: [],
      evidence,
    });
    expect(formatJob(job({ verdict: verdict('quorum', 4, 0) as JobStatus['verdict'] }))).toContain(
      'verified  quorum 3/2 on peers: 4 calls accepted, no evidence\n',
    );
    expect(formatJob(job({ verdict: verdict('trusted', 1, 2) as JobStatus['verdict'] }))).toContain(
      'verified  trusted on peers: 1 call accepted, 2 evidence records\n',
    );
    expect(formatJob(job())).not.toContain('verified');
  });
});

describe('worker formatting', () => {
  it('behavior: live workers first, then the dead (not heard from lately)', () => {
    const rows = formatWorkerTable(
      [worker('w-old', false), worker('w-new', true), worker('w-any', true)],
      NOW,
    )
      .trim()
      .split('\n');
    expect(rows[0]).toMatch(/^ID +STATUS +TAGS +LEASED +STARTED +LAST SEEN$/);
    expect(rows.slice(1).map((row) => row.split(/ +/).slice(0, 2).join(' '))).toEqual([
      'w-new live',
      'w-any live',
      'w-old dead',
    ]);
    expect(rows[1]).toMatch(/ 2s ago$/);
  });
});
