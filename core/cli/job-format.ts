import type { JobStatus, JobSummary, Worker } from '../../functions/api/client.ts';
import { toJson } from './output.ts';
import { durationBetween, formatTable, shortTime } from './table.ts';

/** How the client commands show jobs and workers as text (their `--json` is the API's JSON). */

/** `12/40`, with the failed and cancelled calls when there are some. */
export function formatProgress(progress: JobSummary['progress']): string {
  const extra = [
    progress.failed > 0 ? `${progress.failed} failed` : '',
    progress.cancelled > 0 ? `${progress.cancelled} cancelled` : '',
  ].filter(Boolean);
  return `${progress.done}/${progress.total}${extra.length > 0 ? ` (${extra.join(', ')})` : ''}`;
}

/** `2/5`, or `2` when the job did not say how many epochs it runs. */
export function formatEpochs(job: JobSummary | JobStatus): string {
  const { epochs } = job.progress;
  return epochs.total === null ? String(epochs.done) : `${epochs.done}/${epochs.total}`;
}

/** A peer network run's verdict in a line: `quorum 3/2 on peers: 4 calls accepted, no evidence`. */
export function formatVerdict(verdict: NonNullable<JobStatus['verdict']>): string {
  const { verification: how, calls, evidence } = verdict;
  const mode = how.mode === 'quorum' ? `quorum ${how.k}/${how.q}` : 'trusted';
  const proof =
    evidence === 0 ? 'no evidence' : `${evidence} evidence record${evidence === 1 ? '' : 's'}`;
  return `${mode} on peers: ${calls} call${calls === 1 ? '' : 's'} accepted, ${proof}`;
}

/** `noob jobs list`: one row a job, newest first, as the server sent them. */
export function formatJobTable(jobs: readonly JobSummary[], now: number = Date.now()): string {
  return formatTable(
    ['ID', 'STATE', 'TUBE', 'PRIORITY', 'EPOCHS', 'TASKS', 'CREATED', 'DURATION'],
    jobs.map((job) => [
      job.id,
      job.state,
      job.tube?.noobId ?? '-',
      job.priority,
      formatEpochs(job),
      formatProgress(job.progress),
      shortTime(job.createdAt),
      durationBetween(job.createdAt, job.finishedAt, now),
    ]),
  );
}

/** `noob jobs get`: the job's facts, its error, then its results one JSON value a line. */
export function formatJob(job: JobStatus, now: number = Date.now()): string {
  const { tube, waiting } = job;
  const lines = [
    `job       ${job.id}`,
    `state     ${job.state}`,
    ...(tube ? [`tube      ${tube.noobId ?? '-'}${tube.cid ? ` (${tube.cid})` : ''}`] : []),
    ...(waiting ? [`waiting   ${waiting.detail}`] : []),
    `priority  ${job.priority}`,
    `epochs    ${formatEpochs(job)}`,
    `tasks     ${formatProgress(job.progress)}`,
    `created   ${shortTime(job.createdAt)}`,
    `finished  ${shortTime(job.finishedAt)}`,
    `duration  ${durationBetween(job.createdAt, job.finishedAt, now)}${job.finishedAt ? '' : ' so far'}`,
    ...(job.verdict ? [`verified  ${formatVerdict(job.verdict)}`] : []),
  ];
  if (job.error) lines.push(`error     ${job.error.code}: ${job.error.message}`);
  if (job.results) {
    lines.push(`results   ${job.results.length}`);
    for (const result of job.results) lines.push(`  ${toJson(result)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** `noob workers`: live workers first, then those the queue has not heard from lately. */
export function formatWorkerTable(workers: readonly Worker[], now: number = Date.now()): string {
  const sorted = [...workers].sort((a, b) => Number(b.alive) - Number(a.alive));
  return formatTable(
    ['ID', 'STATUS', 'TAGS', 'LEASED', 'STARTED', 'LAST SEEN'],
    sorted.map((worker) => [
      worker.id,
      worker.alive ? 'live' : 'dead',
      worker.tags.length > 0 ? worker.tags.join(',') : '-',
      String(worker.leased),
      shortTime(worker.startedAt),
      `${durationBetween(worker.lastSeenAt, null, now)} ago`,
    ]),
  );
}
