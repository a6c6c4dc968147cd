/**
 * Files noob reads at run time, copied beside each function's bundle (the native addon
 * joins them here once it is built).
 */
export const runtimeFiles = [
  { from: 'core/queue/sql', to: 'sql' },
  { from: 'core/queue/migrations', to: 'migrations' },
  { from: 'functions/api/dashboard/page.html', to: 'page.html' },
  { from: 'functions/api/dashboard/page.css', to: 'page.css' },
  { from: 'functions/api/dashboard/page.js', to: 'page.js' },
];

/** The embedded driver's native package is installed, not bundled. */
export const nodejs = { install: ['libsql'], format: 'esm' as const };
