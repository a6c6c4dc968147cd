#!/usr/bin/env node
// The `noob` command. The CLI is TypeScript run by Node's built-in type stripping, which
// needs Node >= 22.18; the project brings such a Node as a dev dependency.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `noob needs Node >= 22.18 (this is ${process.version}). Run it through npm (npx noob, npm start), which uses the Node the project installs, or install Node 22+.\n`,
  );
  process.exit(2);
}
const { main } = await import('../core/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
