import type { Context } from 'hono';
import type { LatencyHistogram, TaskLatency } from '../../core/queue/latency.ts';
import type { Queue } from '../../core/queue/queue.ts';
import type { QueueStats, WorkerInfo } from '../../core/queue/types.ts';
import type { AuthVariables } from './auth.ts';
import { ACTIVE_WORKER_MS, scopedTenant, viewScope } from './queue-view.ts';

/** The content type of the Prometheus text exposition format. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * `GET /metrics`, behind a key: a tenant key reads its own jobs' counts and the tasks
 * workers hold for it, an operator key the whole queue with its latency histograms (they
 * cover every tenant, so a tenant is not shown them). Scrape it with a bearer token.
 */
export function metricsRoute(queue: Queue, operators: ReadonlySet<string>) {
  return async (c: Context<{ Variables: AuthVariables }>): Promise<Response> => {
    const scope = viewScope(c, operators);
    const tenant = scopedTenant(scope);
    const [stats, workers, latency] = await Promise.all([
      queue.stats(tenant),
      queue.listWorkers(tenant),
      scope.operator ? queue.taskLatency() : undefined,
    ]);
    return c.body(renderMetrics(stats, workers, Date.now(), latency), 200, {
      'content-type': PROMETHEUS_CONTENT_TYPE,
    });
  };
}

/**
 * The queue in Prometheus text: gauges of tasks by state and priority (queue depth is
 * `state="queued"`), jobs by state, known and recently active workers and tasks held;
 * histograms of task wait (ready to claimed) and run time (claimed to succeeded), kept by
 * the queue across every worker. `noob_view` says whose counts they are: `scope="all"`
 * with the histograms, `scope="tenant"` (one tenant's, no histograms) without `latency`.
 */
export function renderMetrics(
  stats: QueueStats,
  workers: readonly WorkerInfo[],
  now: number,
  latency?: TaskLatency,
): string {
  const lines: string[] = [];
  const gauge = (name: string, help: string, samples: Array<[Record<string, string>, number]>) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
    for (const [labels, value] of samples) lines.push(`${name}${formatLabels(labels)} ${value}`);
  };
  gauge('noob_view', "Whose counts these are: the whole queue (all) or one tenant's (tenant).", [
    [{ scope: latency ? 'all' : 'tenant' }, 1],
  ]);
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
  if (!latency) return `${lines.join('\n')}\n`;
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
