import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../package-layout.ts';
import { USAGE } from './usage.ts';

/**
 * `noob COMMAND --help`: the command's part of the top-level usage text, so that each
 * command's help and `noob help` never disagree. A command's part is its lines under
 * `Usage:` (with their indented continuations) and every `Options for …:` section whose
 * heading names it, then its exit codes: the `Exit codes for …:` section that names it,
 * else the general `Exit codes:` line. `undefined` for a command the usage does not list.
 *
 * @example
 * ```ts
 * commandHelp('serve'); // "Usage:\n  noob serve [--port 8787] …\n\nOptions:\n  --port P …"
 * ```
 */
export function commandHelp(command: string, usage: string = USAGE): string | undefined {
  const lines = usage.split('\n');
  const usageLines = commandUsageLines(lines, command);
  if (usageLines.length === 0) return undefined;
  const options = lines.flatMap((line, i) =>
    sectionFor(line, command) ? sectionBody(lines, i + 1) : [],
  );
  let at = lines.findIndex((line) => exitCodesFor(line, command));
  if (at < 0) at = lines.findIndex((line) => line.startsWith('Exit codes:'));
  const exitCodes = at < 0 ? [] : continued(lines, at);
  return [
    'Usage:',
    ...usageLines,
    ...(options.length > 0 ? ['', 'Options:', ...options] : []),
    ...(exitCodes.length > 0 ? ['', ...exitCodes] : []),
  ].join('\n');
}

/** `noob --version`: the package's name and version, and the Node running it. */
export function versionText(): string {
  const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
  };
  return `${pkg.name} ${pkg.version} (Node ${process.version})`;
}

/** The `Usage:` lines for `command`: its entries and their deeper-indented continuations. */
function commandUsageLines(lines: readonly string[], command: string): string[] {
  const found: string[] = [];
  let inUsage = false;
  let inCommand = false;
  for (const line of lines) {
    if (line === 'Usage:') {
      inUsage = true;
      continue;
    }
    if (!inUsage) continue;
    if (line.trim() === '') break;
    if (/^ {2}noob /.test(line))
      inCommand = line.startsWith(`  noob ${command} `) || line === `  noob ${command}`;
    if (inCommand) found.push(line);
  }
  return found;
}

/** Whether `line` heads an options section that names `command`. */
function sectionFor(line: string, command: string): boolean {
  return names(/^Options for (.+):$/.exec(line), command);
}

/** Whether `line` is an `Exit codes for …:` line that names `command`. */
function exitCodesFor(line: string, command: string): boolean {
  return names(/^Exit codes for (.+):$/.exec(line), command);
}

/** Whether a heading's list of commands (its first group) names `command`. */
function names(heading: RegExpExecArray | null, command: string): boolean {
  return heading !== null && new RegExp(`\\b${command}\\b`).test(heading[1]!);
}

/** The exit codes heading at `start` (as `Exit codes:`) and its indented lines. */
function continued(lines: readonly string[], start: number): string[] {
  const block = [lines[start]!.replace(/^Exit codes for .+?:$/, 'Exit codes:')];
  for (let i = start + 1; i < lines.length && /^ {2}/.test(lines[i]!); i++) block.push(lines[i]!);
  return block;
}

/** The indented lines from `start` up to the next blank line. */
function sectionBody(lines: readonly string[], start: number): string[] {
  const body: string[] = [];
  for (let i = start; i < lines.length && lines[i]!.trim() !== ''; i++) body.push(lines[i]!);
  return body;
}
