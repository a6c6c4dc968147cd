/**
 * The dashboard's files, named once: dashboard.ts reads them beside itself, and the
 * bundles copy them there (infra/files.ts). No imports, so the infrastructure code can
 * read the list without loading the server.
 */

/**
 * The page's scripts, in the order they are joined: each may use what the ones before it
 * declare (they share one module scope); main.js starts the page.
 */
export const SCRIPTS = [
  'api.js',
  'view.js',
  'graph.js',
  'charts.js',
  'overview.js',
  'jobs.js',
  'detail.js',
  'verdict.js',
  'stream.js',
  'feed.js',
  'main.js',
] as const;

/** Every file the page is assembled from: the HTML, its style and its scripts. */
export const DASHBOARD_FILES = ['page.html', 'page.css', ...SCRIPTS] as const;
