import { LineCounter, parseDocument } from 'yaml';
import { TubeLoadError } from './errors.ts';
import { checkTubeData, checkTubeText, TUBE_LIMITS } from './limits.ts';

/** A tube file's text parsed, with a way back from a path in it to its line. */
export interface TubeSource {
  /** Where it came from (a path, or a name for text given directly). */
  file: string;
  /** The parsed YAML. */
  data: unknown;
  /** The 1-based line of the value at `path` (e.g. `['nodes', 'b', 'depends']`), if known. */
  lineOf(path: readonly (string | number)[]): number | undefined;
}

/**
 * Parses tube YAML. Malformed YAML fails with the file and line of the first problem; text
 * or data past {@link TUBE_LIMITS} (nesting, nodes, expanded size) fails naming the limit.
 */
export function parseTubeSource(text: string, file: string): TubeSource {
  checkTubeText(text, file);
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    const problems = document.errors.map((error) => {
      const line = lineCounter.linePos(error.pos[0]).line;
      const where = line ? `${file}:${line}` : file;
      return { path: [], message: `${where}: ${error.message.split('\n')[0]}`, line };
    });
    throw new TubeLoadError(`${file} is not valid YAML`, file, problems);
  }
  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: TUBE_LIMITS.maxAliasCount });
  } catch (error) {
    // An alias that expands too far ("billion laughs") is refused here, not in parsing.
    const message = error instanceof Error ? error.message : String(error);
    throw new TubeLoadError(`${file} is not valid YAML`, file, [
      { path: [], message: `${file}: ${message.split('\n')[0]}` },
    ]);
  }
  checkTubeData(data, file);
  return {
    file,
    data,
    lineOf(path) {
      const node = document.getIn(path, true) as { range?: [number, number, number] } | undefined;
      const offset = node?.range?.[0];
      return offset === undefined ? undefined : lineCounter.linePos(offset).line;
    },
  };
}
