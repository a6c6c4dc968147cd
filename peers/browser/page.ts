import { buildBrowserPeer } from './build.ts';

/** One route of the page: its content type and body. */
export interface PageRoute {
  type: string;
  body: () => Promise<string>;
}

const HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>noob browser peer</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; margin: 2rem; color: #222; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
  dt { color: #666; } dd { margin: 0; font-family: ui-monospace, monospace; word-break: break-all; }
</style>
</head>
<body>
<h1>noob browser peer</h1>
<p>This page is a peer of the noob network: it joined through the peer that served it and
runs the <code>noob.*</code> library's functions for others while it stays open.</p>
<dl id="status"></dl>
<script type="module" src="/peer.js"></script>
</body>
</html>
`;

/**
 * The routes of the browser peer's page: `/` (the page) and `/peer.js` (the bundle, built
 * on the first request and kept). A failed build is not kept, so the next request tries
 * again.
 */
export function browserPageRoutes(options: {
  allowPrivateDials: boolean;
}): Record<string, PageRoute> {
  let bundle: Promise<string> | undefined;
  return {
    '/': { type: 'text/html; charset=utf-8', body: async () => HTML },
    '/peer.js': {
      type: 'text/javascript; charset=utf-8',
      body: () => {
        bundle ??= buildBrowserPeer(options);
        bundle.catch(() => {
          bundle = undefined;
        });
        return bundle;
      },
    },
  };
}
