import type { QueueContext } from './context.ts';
import { PRIORITIES, priorityOf } from './priority.ts';
import { sql } from './sql.ts';
import type { JobState, Priority, QueueStats, TaskState } from './types.ts';

const TASK_STATES: TaskState[] = ['queued', 'leased', 'succeeded', 'dead', 'cancelled'];
const JOB_STATES: JobState[] = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];

/**
 * Queue depth by task state and priority, and jobs by state (zeros included, for /metrics):
 * the whole queue's, or with `tenant` that tenant's jobs' only.
 */
export async function queueStats(ctx: QueueContext, tenant?: string): Promise<QueueStats> {
  const [taskRows, jobRows] = await ctx.driver.batch(
    tenant === undefined
      ? [sql('stats_tasks', {}), sql('stats_jobs', {})]
      : [sql('stats_tasks_tenant', { tenant }), sql('stats_jobs_tenant', { tenant })],
    'read',
  );
  const zero = () => Object.fromEntries(PRIORITIES.map((p) => [p, 0])) as Record<Priority, number>;
  const tasks = Object.fromEntries(TASK_STATES.map((s) => [s, zero()])) as QueueStats['tasks'];
  for (const row of taskRows!.rows) {
    tasks[String(row.state) as TaskState][priorityOf(Number(row.priority))] = Number(row.n ?? 0);
  }
  const jobs = Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as QueueStats['jobs'];
  for (const row of jobRows!.rows) jobs[String(row.state) as JobState] = Number(row.n);
  return { tasks, jobs };
}
