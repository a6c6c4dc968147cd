/**
 * The browser peer: the script of the page `noob peer` serves. It joins the network over
 * WebSockets through the peer that served it, offers itself for tasks, and runs those
 * whose node is one of the `noob.*` library's functions (anything else it leaves to the
 * next executor in rendezvous order). Its status is shown on the page and kept in
 * `window.noobPeer` ({@link BrowserPeerStatus}) for whoever drives the page.
 */
import { generateKeyPair } from '@libp2p/crypto/keys';
import { TaskExecutor } from '../../functions/worker/executor.ts';
import { Peer } from '../peer.ts';
import { TaskWorker } from '../task-worker.ts';
import { BROWSER_NODES } from './twins/registry.ts';

/** What the page exposes of its peer. */
export interface BrowserPeerStatus {
  peerId: string;
  state: 'starting' | 'running' | 'failed';
  error?: string;
  connections: number;
  /** Node calls run for others. */
  executed: number;
  quorum: boolean;
}

/**
 * The few page APIs this script uses, typed here: the project compiles without the DOM
 * library, which would retype timers and fetch for all the Node code beside it.
 */
interface Element {
  textContent: string | null;
  dataset: Record<string, string>;
  replaceChildren(...children: Element[]): void;
}
const page = globalThis as unknown as {
  noobPeer: BrowserPeerStatus;
  document: { getElementById(id: string): Element | null; createElement(tag: string): Element };
  addEventListener(type: 'pagehide', listener: () => void): void;
};
const { document } = page;

const status: BrowserPeerStatus = {
  peerId: '',
  state: 'starting',
  connections: 0,
  executed: 0,
  quorum: false,
};
page.noobPeer = status;

function render(): void {
  const fields = {
    state: status.error ? `${status.state}: ${status.error}` : status.state,
    'peer id': status.peerId,
    connections: String(status.connections),
    'tasks run': String(status.executed),
    quorum: status.quorum ? 'eligible' : 'not yet',
  };
  const list = document.getElementById('status')!;
  list.replaceChildren(
    ...Object.entries(fields).flatMap(([name, value]) => {
      const term = document.createElement('dt');
      term.textContent = name;
      const detail = document.createElement('dd');
      detail.textContent = value;
      detail.dataset.field = name;
      return [term, detail];
    }),
  );
}

/** The WebSocket addresses of the peer that served this page (from its `/healthz`). */
async function bootstrap(): Promise<string[]> {
  const health = (await (await fetch('/healthz')).json()) as { addresses: string[] };
  const ws = health.addresses.filter((address) => address.includes('/ws/'));
  if (ws.length === 0) throw new Error('the peer that served this page listens on no WebSocket');
  return ws;
}

async function main(): Promise<void> {
  render();
  const peer = new Peer({
    privateKey: await generateKeyPair('Ed25519'),
    bootstrap: await bootstrap(),
    tags: ['browser'],
  });
  await peer.start();
  status.peerId = peer.peerId;
  // No folder to resolve modules from: a browser peer runs the noob.* library only.
  const worker = new TaskWorker({
    peer,
    executor: new TaskExecutor({ directory: '/' }),
    declines: (type) => !BROWSER_NODES.has(type),
  });
  await worker.start();
  status.state = 'running';
  const refresh = () => {
    status.connections = peer.connections().length;
    status.executed = worker.executed;
    status.quorum = peer.quorumEligible;
    render();
  };
  refresh();
  setInterval(refresh, 500);
  page.addEventListener('pagehide', () => {
    worker.stop();
    void peer.stop();
  });
}

main().catch((error: unknown) => {
  status.state = 'failed';
  status.error = (error as Error).message;
  render();
});
