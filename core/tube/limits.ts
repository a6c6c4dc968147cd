import { TubeLoadError } from './errors.ts';

/**
 * Bounds on a tube's text and what it parses to, checked before and right after parsing,
 * so that one submitted tube cannot stall the process that checks it (deeply nested flow
 * collections parse in time that grows fast with their depth; YAML aliases can expand a
 * small text many times over; validating a tube costs per node). Every refusal is a
 * {@link TubeLoadError} naming the limit, as any other invalid tube.
 */
export const TUBE_LIMITS = {
  /** Deepest nesting of lists and maps, flow (`[[…]]`) or block. */
  maxDepth: 64,
  /** Most nodes in one tube. */
  maxNodes: 1_000,
  /** Most aliases resolved while parsing (the `yaml` package's maxAliasCount). */
  maxAliasCount: 100,
  /** Largest parsed tube once its aliases are expanded (bytes, counted as JSON would be). */
  maxExpandedBytes: 4 * 1024 * 1024,
} as const;

/** Refuse text whose flow collections nest deeper than the limit, before parsing it. */
export function checkTubeText(text: string, file: string): void {
  let depth = 0;
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end;
    } else if (c === '[' || c === '{') {
      if (++depth > TUBE_LIMITS.maxDepth) throw tooDeep(file, lineAt(text, i));
    } else if ((c === ']' || c === '}') && depth > 0) depth--;
  }
}

/**
 * Refuse parsed data nested deeper than the limit (block nesting), larger than the limit
 * once aliases are expanded, or with more nodes than the limit. One walk with its own
 * stack, stopping at the first limit reached.
 */
export function checkTubeData(data: unknown, file: string): void {
  let bytes = 0;
  const pending: Array<[unknown, number]> = [[data, 0]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [value, depth] = next;
    if (typeof value === 'string') bytes += value.length + 2;
    else bytes += 8;
    if (bytes > TUBE_LIMITS.maxExpandedBytes) {
      throw new TubeLoadError(`${file} is too large`, file, [
        {
          path: [],
          message: `${file}: the tube is over ${TUBE_LIMITS.maxExpandedBytes} bytes once its aliases are expanded`,
        },
      ]);
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= TUBE_LIMITS.maxDepth) throw tooDeep(file);
    for (const [key, child] of Object.entries(value)) {
      bytes += key.length + 3;
      pending.push([child, depth + 1]);
    }
  }
  const nodes = (data as { nodes?: unknown } | null)?.nodes;
  const count = nodes && typeof nodes === 'object' ? Object.keys(nodes).length : 0;
  if (count > TUBE_LIMITS.maxNodes) {
    throw new TubeLoadError(`${file} has too many nodes`, file, [
      {
        path: ['nodes'],
        message: `${file}: ${count} nodes, over the limit of ${TUBE_LIMITS.maxNodes} per tube (split it into tubes that nest with type: tube)`,
      },
    ]);
  }
}

function tooDeep(file: string, line?: number): TubeLoadError {
  const where = line ? `${file}:${line}` : file;
  return new TubeLoadError(`${file} is nested too deeply`, file, [
    {
      path: [],
      message: `${where}: lists and maps nest deeper than ${TUBE_LIMITS.maxDepth} levels`,
      ...(line ? { line } : {}),
    },
  ]);
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
