import { afterEach, describe, expect, it, vi } from 'vitest';
import { cidOf } from '../core/cid.ts';
import { RESULTS_TOPIC } from './messages.ts';
import { TaskListeners } from './task-listeners.ts';
import { startTestPeer } from './test-peer.fixture.ts';

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

describe('task listeners', () => {
  it("behavior: a message about a task reaches that task's listeners only, and none once they stop", async () => {
    const a = await startTestPeer(stops);
    const b = await startTestPeer(stops, { bootstrap: a.addresses });
    await vi.waitFor(() => expect(b.mesh(RESULTS_TOPIC)).toContain(a.peerId), { timeout: 10_000 });
    const [one, two] = [cidOf({ task: 1 }).toString(), cidOf({ task: 2 }).toString()];
    const heard: string[] = [];
    const listeners = new TaskListeners(a, ['working']);
    const stopOne = listeners.listen(one, { working: (m) => heard.push(`one:${m.task}`) });
    listeners.listen(two, { working: (m) => heard.push(`two:${m.task}`) });
    const say = (task: string) => b.publish({ kind: 'working', task, executor: b.peerId });

    await say(one);
    await vi.waitFor(() => expect(heard).toEqual([`one:${one}`]), { timeout: 5000 });
    stopOne();
    await say(one);
    await say(two);
    await vi.waitFor(() => expect(heard).toEqual([`one:${one}`, `two:${two}`]), { timeout: 5000 });
  }, 30_000);
});
