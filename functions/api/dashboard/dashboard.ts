import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Context } from 'hono';
import { SCRIPTS } from './files.ts';

/**
 * The dashboard: one HTML page with its style and script inline, so it needs no build step
 * and nothing from the network. The page is assembled once, when the app is built:
 * `page.html` with `page.css` and the {@link SCRIPTS} (named in files.ts) (plain scripts, one idea each, joined
 * in order into one module) put where their `data-inline` tags stand. Its
 * Content-Security-Policy allows exactly those two inline blocks, by hash, and connections
 * to this origin only; an injected script or style would not run.
 */

/** The assembled page and the headers it is served with. */
export interface DashboardPage {
  html: string;
  headers: Record<string, string>;
}

const HERE = new URL('./', import.meta.url);

/** Put `page.css` and the scripts inside `page.html` and work out the policy for them. */
export function loadDashboard(dir: URL = HERE): DashboardPage {
  const read = (name: string) => readFileSync(new URL(name, dir), 'utf8');
  const style = read('page.css');
  const script = SCRIPTS.map((name) => `// ---- ${name}\n${read(name)}`).join('\n');
  const html = read('page.html')
    .replace('<style data-inline="page.css"></style>', () => `<style>\n${style}</style>`)
    .replace(
      '<script type="module" data-inline="page.js"></script>',
      () => `<script type="module">\n${script}</script>`,
    );
  if (html.includes('data-inline=')) throw new Error('dashboard: a data-inline tag was not filled');
  // The page must not close its own blocks early, or the hashes would not match.
  if (/<\/(script|style)/i.test(`${style}${script}`)) {
    throw new Error('dashboard: page.css or a script contains a closing tag');
  }
  const policy = [
    "default-src 'none'",
    `script-src '${sha256(`\n${script}`)}'`,
    `style-src '${sha256(`\n${style}`)}'`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return {
    html,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': policy,
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-cache',
    },
  };
}

/**
 * The route serving the page. It is public: the page holds no data, and its own requests
 * carry the API key the user enters.
 */
export function dashboardRoute(page: DashboardPage = loadDashboard()) {
  return (c: Context): Response => c.body(page.html, 200, page.headers);
}

function sha256(text: string): string {
  return `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;
}
