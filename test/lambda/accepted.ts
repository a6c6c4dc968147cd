import type { Queue } from '../../core/queue/queue.ts';

/**
 * The task ids the queue accepted a result for, one entry per acceptance, read from the
 * job's `tasks.succeeded` events: a task accepted twice appears twice (bounded pages).
 */
export async function acceptedTaskIds(queue: Queue, tenant: string, jobId: string) {
  const ids: number[] = [];
  for (let afterId = 0, i = 0; i < 1_000; i++) {
    const page = await queue.events(tenant, jobId, { afterId, limit: 500 });
    if (page.length === 0) break;
    for (const event of page) {
      if (event.type === 'tasks.succeeded')
        ids.push(...(event.data.tasks as { id: number }[]).map((task) => task.id));
    }
    afterId = page.at(-1)!.id;
  }
  return ids;
}
