#!/usr/bin/env node
// The `noob` command. Plain JavaScript that any Node can parse, so that an old Node gets a
// message rather than a syntax error. In a checkout of noob's repository it runs the
// TypeScript sources (Node >= 22.18 strips their types; the repository brings such a Node
// as a dev dependency, used by `npx noob` and the npm scripts). Installed as a package it
// runs the compiled JavaScript in dist/ (built by `npm run build` when packed).
import { existsSync } from 'node:fs';

const source = new URL('../core/cli/main.ts', import.meta.url);
const fromSource = existsSync(source);
const [major, minor] = process.versions.node.split('.').map(Number);
const needed = fromSource ? [22, 18] : [22, 0];
if (major < needed[0] || (major === needed[0] && minor < needed[1])) {
  process.stderr.write(
    fromSource
      ? `noob needs Node >= 22.18 (this is ${process.version}). In noob's repository, run it through npm (npx noob, npm start), which uses the Node the repository installs, or install Node 22.18+.\n`
      : `noob needs Node >= 22 (this is ${process.version} at ${process.execPath}). Install Node 22 or later (nodejs.org, or your version manager: nvm install 22, fnm use 22, volta install node@22) and run noob with it.\n`,
  );
  process.exit(2);
}
if (fromSource) {
  // In the repository, `import 'noob'` (the examples, your nodes beside them) means the
  // sources too, as it does for tsc and vitest: the `noob-source` export condition.
  const { registerHooks } = await import('node:module');
  registerHooks({
    resolve: (specifier, context, next) =>
      next(
        specifier,
        specifier === 'noob' || specifier.startsWith('noob/')
          ? { ...context, conditions: [...context.conditions, 'noob-source'] }
          : context,
      ),
  });
}
// A reader that went away (a pipe into `head`, or the `noob serve` that started this
// worker, killed) is no reason to crash: what is left to print has nowhere to go.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code !== 'EPIPE') throw error;
  });
}
const { main } = await import(
  fromSource ? source.href : new URL('../dist/core/cli/main.js', import.meta.url).href
);
process.exitCode = await main(process.argv.slice(2));
