import { afterEach, describe, expect, it, vi } from 'vitest';
import { startTestPeer } from './test-peer.fixture.ts';

const started: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((stop) => stop()));
});

const startPeer = (bootstrap: string[] = []) => startTestPeer(started, { bootstrap });

describe('Peer', () => {
  it('behavior: peers joined through one bootstrap peer hear of each other and form a mesh', async () => {
    const first = await startPeer();
    const others = await Promise.all([startPeer(first.addresses), startPeer(first.addresses)]);
    const all = [first, ...others];
    await vi.waitFor(
      () => {
        for (const peer of all) {
          expect(
            peer.directory
              .live()
              .map((known) => known.id)
              .sort(),
          ).toEqual(
            all
              .filter((p) => p !== peer)
              .map((p) => p.peerId)
              .sort(),
          );
          expect(peer.health().mesh['noob/tasks/1']).toBeGreaterThan(0);
        }
      },
      { timeout: 10_000, interval: 100 },
    );
  });
});
