import type { LatencyHistogram, TaskLatency } from '../../core/queue/latency.ts';
import type { QueueStats, WorkerInfo } from '../../core/queue/types.ts';

/** The content type of the Prometheus text exposition format. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** How recently a worker must have claimed or heartbeated to count as active. */
export const ACTIVE_WORKER_MS = 60_000;

/**
 * The queue in Prometheus text: gauges of tasks by state and priority (queue depth is
 * `state="queued"`), jobs by state, known and recently active workers and tasks held;
 * histograms of task wait (ready to claimed) and run time (claimed to succeeded), kept by
 * the queue across every worker.
 */
export function renderMetrics(
  stats: QueueStats,
  workers: readonly WorkerInfo[],
  now: number,
  latency: TaskLatency,
): string {
  const lines: string[] = [];
  const gauge = (name: string, help: string, samples: Array<[Record<string, string>, number]>) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
    for (const [labels, value] of samples) lines.push(`${name}${formatLabels(labels)} ${value}`);
  };
  gauge(
    'noob_queue_tasks',
    'Tasks by state and priority (queue depth: state="queued"); finished tasks count under their job\'s priority.',
    Object.entries(stats.tasks).flatMap(([state, byPriority]) =>
      Object.entries(byPriority).map(([priority, n]): [Record<string, string>, number] => [
        { state, priority },
        n,
      ]),
    ),
  );
  gauge(
    'noob_jobs',
    'Jobs by state.',
    Object.entries(stats.jobs).map(([state, n]) => [{ state }, n]),
  );
  gauge('noob_workers', 'Workers known to the queue.', [[{}, workers.length]]);
  gauge('noob_workers_active', `Workers seen in the last ${ACTIVE_WORKER_MS / 1000} s.`, [
    [{}, workers.filter((w) => now - w.lastSeenAt <= ACTIVE_WORKER_MS).length],
  ]);
  gauge('noob_tasks_leased', 'Tasks held by workers right now.', [
    [{}, workers.reduce((sum, w) => sum + w.leased, 0)],
  ]);
  const histogram = (name: string, help: string, h: LatencyHistogram) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} histogram`);
    let cumulative = 0;
    h.boundsMs.forEach((bound, i) => {
      cumulative += h.counts[i]!;
      lines.push(`${name}_bucket{le="${bound / 1000}"} ${cumulative}`);
    });
    lines.push(
      `${name}_bucket{le="+Inf"} ${h.count}`,
      `${name}_sum ${h.sumMs / 1000}`,
      `${name}_count ${h.count}`,
    );
  };
  histogram(
    'noob_task_wait_seconds',
    'Time from a task being ready (submitted, delay or backoff over) to its claim by a worker.',
    latency.wait,
  );
  histogram(
    'noob_task_run_seconds',
    "Time from a task's claim to its result being recorded (succeeded tasks).",
    latency.run,
  );
  return `${lines.join('\n')}\n`;
}

function formatLabels(labels: Record<string, string>): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return pairs.length ? `{${pairs.join(',')}}` : '';
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}
