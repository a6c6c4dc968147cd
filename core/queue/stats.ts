import type { QueueContext } from './context.ts';
import { PRIORITIES, priorityOf } from './priority.ts';
import { sql } from './sql.ts';
import type { JobState, Priority, QueueStats, TaskState } from './types.ts';

const TASK_STATES: TaskState[] = ['queued', 'leased', 'succeeded', 'dead', 'cancelled'];
const JOB_STATES: JobState[] = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];

/** Queue depth by task state and priority, and jobs by state (zeros included, for /metrics). */
export async function queueStats(ctx: QueueContext): Promise<QueueStats> {
  const [taskRows, jobRows] = await ctx.driver.batch(
    [sql('stats_tasks', {}), sql('stats_jobs', {})],
    'read',
  );
  const zero = () => Object.fromEntries(PRIORITIES.map((p) => [p, 0])) as Record<Priority, number>;
  const tasks = Object.fromEntries(TASK_STATES.map((s) => [s, zero()])) as QueueStats['tasks'];
  for (const row of taskRows!.rows) {
    tasks[String(row.state) as TaskState][priorityOf(Number(row.priority))] = Number(row.n);
  }
  const jobs = Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as QueueStats['jobs'];
  for (const row of jobRows!.rows) jobs[String(row.state) as JobState] = Number(row.n);
  return { tasks, jobs };
}
