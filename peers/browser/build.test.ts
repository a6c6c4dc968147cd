import { describe, expect, it } from 'vitest';
import { buildBrowserPeer } from './build.ts';

describe('the browser peer bundle', () => {
  it('behavior: bundles with no Node module left in it, and dials private addresses only when told', async () => {
    const [dev, open] = await Promise.all([
      buildBrowserPeer({ allowPrivateDials: true }),
      buildBrowserPeer({ allowPrivateDials: false }),
    ]);
    // A Node built-in (or a module with no twin) imported by a shared module would be
    // left as an import a browser cannot load: the page would fail before it starts.
    // (Booleans: a failed match would print megabytes of bundle.)
    expect(/from\s*["']node:|require\(["']node:/.test(dev)).toBe(false);
    expect(dev.includes('@libp2p/tcp')).toBe(false);
    const gater = /\.\.\.(true|false) \? \{ denyDialMultiaddr: \(\) => false \}/;
    expect(gater.exec(dev)?.[1]).toBe('true');
    expect(gater.exec(open)?.[1]).toBe('false');
  }, 60_000);
});
