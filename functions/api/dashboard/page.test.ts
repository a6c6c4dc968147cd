import { afterEach, describe, expect, it } from 'vitest';
import { listJobs } from '../job-list.ts';
import { type ServedApiTestEnv, servedApiTestEnv } from '../test-env.ts';
import { type FakePage, runPage } from './fake-dom.ts';

/**
 * The dashboard's own script, run against the real API over HTTP: what it shows after each
 * step a user takes. The queue is driven by hand where a worker and the coordinator would
 * act, so every step is known.
 */

let env: ServedApiTestEnv;
let page: FakePage | undefined;
afterEach(async () => {
  unload();
  await env?.close();
});

/** Stop the page's stream and timers (what closing the tab does). */
function unload(): void {
  page?.run('closeJob(); stopRefreshing();');
  page?.close();
  page = undefined;
}

/** The dashboard as served, running, with `stored` in its localStorage. */
async function load(stored: Record<string, string> = {}): Promise<FakePage> {
  unload();
  page = runPage(await (await fetch(`${env.url}/`)).text(), env.url, stored);
  return page;
}

/** Wait until `check` holds (the page updates as its requests come back). */
async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`the page never showed: ${what}`);
}

const text = (id: string) => page!.byId(id).textContent;

describe('the dashboard script against the API', () => {
  it('default: sign in, submit a tube, follow the job live to its results', async () => {
    env = await servedApiTestEnv();
    await load();
    await env.queue.registerWorker('w-page', ['cpu']);
    expect(page!.byId('key-form').hidden).toBe(false);
    expect(page!.byId('main').hidden).toBe(true);

    page!.byId('key-input').value = env.acme;
    page!.byId('key-form').dispatch('submit');
    await until('the signed-in view', () => !page!.byId('main').hidden);
    expect(page!.storage.get('noob.apiKey')).toBe(env.acme);
    await until('the workers', () => text('workers-body').includes('w-page'));
    await until('an empty job list', () => text('jobs-body').includes('No jobs yet'));
    expect(page!.byId('depth-head').textContent).toBe('stateCRITICALHIGHNORMALLOWtotal');

    page!.byId('submit-tube').value = 'testing-basic';
    page!.byId('submit-epochs').value = '3';
    page!.byId('submit-priority').value = 'HIGH';
    page!.byId('submit-form').dispatch('submit');
    await until('the new job', () => !page!.byId('detail').hidden && text('detail-id') !== '');
    const id = text('detail-id');
    const job = await env.queue.getJob('acme', id);
    expect(job).toMatchObject({ priority: 'HIGH', payload: { epochs: 3 } });
    await until(
      'the job in the list',
      () => page!.byId('jobs-body').children[0]?.dataset.id === id,
    );
    await until('the live stream', () => text('detail-live').includes('live'));
    expect(text('detail-state')).toBe('queued');

    // A worker runs the tasks, the coordinator records the results.
    await env.queue.addTasks('acme', id, [{ cid: 'c1' }, { cid: 'c2' }]);
    const tasks = await env.queue.claim({ workerId: 'w-page', max: 2 });
    for (const task of tasks) await env.queue.complete('w-page', task.id, {});
    await env.queue.sealJob('acme', id);
    await env.queue.setJobOutcome('acme', id, { results: [0, 2, 4] });

    await until('the results', () => text('detail-state') === 'succeeded');
    expect(JSON.parse(text('detail-results'))).toEqual([0, 2, 4]);
    expect(page!.byId('detail-results-box').hidden).toBe(false);
    expect(page!.byId('detail-error-box').hidden).toBe(true);
    expect(text('detail-progress')).toContain('2/2');
    expect(page!.byId('detail-cancel').disabled).toBe(true);
    expect(text('detail-events')).toContain('tasks.succeeded');
    await until('the stream ended', () => text('detail-live') === '');

    page!.byId('state-filter').value = 'failed';
    page!.byId('state-filter').dispatch('change');
    await until('the filtered list', () => text('jobs-body') === 'No failed jobs.');
  });

  it('behavior: pages of jobs, a job opened by its link and cancelled', async () => {
    env = await servedApiTestEnv();
    const ids: string[] = [];
    for (let i = 0; i < 27; i++) {
      ids.push((await env.queue.submitJob({ tenant: 'acme', kind: 'tube', open: true })).jobId);
    }
    await load({ 'noob.apiKey': env.acme });
    // Newest first (jobs made in the same millisecond come in id order).
    const all = (await listJobs(env.queue.driver, 'acme', { limit: 200 })).jobs.map((j) => j.id);
    expect([...all].sort()).toEqual([...ids].sort());
    const shown = () => page!.byId('jobs-body').children.map((row) => row.dataset.id);
    await until('the first page', () => shown().length === 25);
    expect(shown()).toEqual(all.slice(0, 25));
    expect(page!.byId('jobs-next').disabled).toBe(false);
    page!.byId('jobs-next').dispatch('click');
    await until('the second page', () => shown().length === 2);
    expect(shown()).toEqual(all.slice(25));
    expect(page!.byId('jobs-next').disabled).toBe(true);
    page!.byId('jobs-prev').dispatch('click');
    await until('the first page again', () => shown().length === 25);

    const last = all.at(-1)!;
    page!.navigate(`#job=${last}`);
    await until('the job', () => text('detail-id') === last && text('detail-state') !== '');
    expect(text('detail-state')).toBe('queued');
    page!.byId('detail-cancel').dispatch('click');
    await until('the cancelled job', () => text('detail-state') === 'cancelled');
    expect((await env.queue.getJob('acme', last)).state).toBe('cancelled');
    expect(page!.byId('detail-cancel').disabled).toBe(true);
  });

  it('error: a refused key asks for another one and is forgotten', async () => {
    env = await servedApiTestEnv();
    const { key: stale } = await env.keys.create('acme');
    await env.keys.revoke(stale);
    await load({ 'noob.apiKey': stale });
    await until('the key form', () => !page!.byId('key-form').hidden);
    expect(text('message')).toContain('refused');
    expect(page!.byId('main').hidden).toBe(true);
    expect(page!.storage.has('noob.apiKey')).toBe(false);
  });
});
