import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { ModulePolicy, ModulePolicyHint } from '../node/module-policy.ts';
import { createRegistry, type ModuleRules, type NodeRegistry } from '../node/registry.ts';
import { buildTube } from './build.ts';
import { TubeLoadError, type TubeProblem } from './errors.ts';
import { mergeTubeSpecs } from './extends.ts';
import { TubeIndex } from './search.ts';
import { parseTubeSource, type TubeSource } from './source.ts';
import { tubeSpecification } from './spec.ts';
import {
  anchorModuleTypes,
  isInsideFolders,
  mergeTrust,
  ownTrust,
  type TrustedTypes,
} from './trust.ts';
import type { Tube } from './tube.ts';

/** How to load a tube. */
export interface LoadTubeOptions {
  /** Tube-scoped input values (checked against the tube's `input` declarations). */
  input?: Record<string, unknown>;
  /**
   * Input values as text (the CLI's `--input key=value`), read by each input's declared
   * type: `7` for an int, `true` for a bool, JSON for lists and mappings.
   */
  inputText?: Record<string, string>;
  /** More folders to search for tubes by `noob_id` (after the tube's own folder). */
  searchPaths?: readonly string[];
  /** Where node types come from (default: built-ins, standard library, user modules). */
  registry?: NodeRegistry;
  /**
   * Which module types (`./nodes.ts#f`, `package#f`) the tube may use; default: what the
   * registry allows (`createRegistry()` allows all). With {@link trustSearchPaths} it
   * binds only tube text and files outside the search paths.
   */
  modules?: ModulePolicy;
  /** Who {@link modules} is for and how to change it, for the message when it refuses. */
  modulesHint?: ModulePolicyHint;
  /**
   * Tube files found in the search paths (`searchPaths`, NOOB_TUBE_PATH) are the
   * operator's own: they may use any module type, relative to their own file, whatever
   * {@link modules} says. A tube that `extends` one keeps that for the types it inherits,
   * not for types it writes itself; a nested (`type: tube`) one is loaded as its file
   * reads. Default false.
   */
  trustSearchPaths?: boolean;
  /**
   * Messages name neither the folders searched nor the files found (a tube not found is
   * `no registered tube with noob_id "X"`): for messages shown to someone who should not
   * learn the server's folders, such as a job API's clients. Default false.
   */
  hideFolders?: boolean;
}

/** How tube text is read: where it resolves, and whether its own folder is searched. */
export interface LoadTubeTextOptions extends LoadTubeOptions {
  /** What the text is called in messages (default `<tube>`). */
  file?: string;
  /** Folder that `./module.ts#export` types resolve against (default: cwd). */
  directory?: string;
  /**
   * Whether tubes named in `extends` and nested tube nodes are looked for in `directory`
   * too, before the search paths (default true, as for a file). False for text from
   * outside (a request): its folder is only where the process runs, so only the search
   * paths' tubes are there for it to use.
   */
  searchDirectory?: boolean;
  /**
   * The file this text is a copy of, perhaps since edited or moved: the text is read as
   * if it were that file: it resolves beside it (overriding `directory`), searches its
   * folder, and is trusted if that file lies in the trusted search paths.
   */
  copyOf?: string;
}

/** Everything a load shares across the tubes it reads (extends, nested tubes). */
export interface LoadContext {
  readonly registry: NodeRegistry;
  readonly searchPaths: readonly string[];
  readonly index: TubeIndex;
  /** Tubes being loaded, innermost last: a tube nested in itself is an error, not a hang. */
  readonly loading: readonly string[];
  /** The module rules for untrusted tubes (undefined: the registry's own). */
  readonly moduleRules: ModuleRules | undefined;
  /** Folders whose tube files are trusted (see {@link LoadTubeOptions.trustSearchPaths}). */
  readonly trustedFolders: readonly string[];
  /**
   * Whether the folder of the tube being read is searched for tubes by noob_id, before
   * the search paths: true for a file, false for text given with `searchDirectory: false`.
   */
  readonly searchesOwnFolder: boolean;
  /** See {@link LoadTubeOptions.hideFolders}. */
  readonly hideFolders: boolean;
}

/** The module rules for types written by a trusted file, or by any other. */
export function moduleRulesFor(trusted: boolean, context: LoadContext): ModuleRules | undefined {
  return trusted ? { modules: 'allow' } : context.moduleRules;
}

/**
 * Loads, merges (`extends`), validates and resolves a tube file. Every problem found is
 * reported at once in a {@link TubeLoadError} naming the file, line and node.
 *
 * @example
 * ```ts
 * const tube = await loadTube('tubes/basic.yaml', { input: { start: 7 } });
 * const runner = new SyncRunner(tube);
 * console.log(await runner.run(5));
 * ```
 */
export async function loadTube(path: string, options: LoadTubeOptions = {}): Promise<Tube> {
  const file = resolve(path);
  const context = createLoadContext(options);
  const source = await readTubeSource(file);
  const trusted = isInsideFolders(file, context.trustedFolders);
  return loadFromSource(source, dirname(file), context, options, true, trusted);
}

/**
 * Reads a tube file, checks it against the schema and merges what it `extends`, without
 * resolving node types: the specification as the tube's author sees it after merging.
 */
export async function resolveTubeSpecification(
  path: string,
  options: Pick<LoadTubeOptions, 'searchPaths'> = {},
): Promise<Record<string, unknown>> {
  const file = resolve(path);
  const source = await readTubeSource(file);
  const problems: TubeProblem[] = [];
  const resolved = await resolveSpecification(
    source,
    dirname(file),
    createLoadContext(options),
    problems,
    [],
    false,
  );
  if (problems.length > 0 || !resolved) throw loadError(file, problems);
  return resolved.spec;
}

/** Like {@link loadTube}, for tube YAML given as text (`file` names it in messages). */
export async function loadTubeFromText(
  text: string,
  options: LoadTubeTextOptions = {},
): Promise<Tube> {
  const file = options.file ?? '<tube>';
  const context = createLoadContext(options, options.copyOf ? true : options.searchDirectory);
  const source = parseTubeSource(text, file);
  if (options.copyOf) {
    const copyOf = resolve(options.copyOf);
    const trusted = isInsideFolders(copyOf, context.trustedFolders);
    return loadFromSource(source, dirname(copyOf), context, options, true, trusted);
  }
  // Text given directly is never trusted: only files found in the search paths are.
  return loadFromSource(source, options.directory ?? process.cwd(), context, options, true, false);
}

function createLoadContext(options: LoadTubeOptions, searchesOwnFolder = true): LoadContext {
  const searchPaths = [...(options.searchPaths ?? []), ...searchPathsFromEnvironment()];
  return {
    registry: options.registry ?? createRegistry(),
    searchPaths,
    index: new TubeIndex(),
    loading: [],
    moduleRules: options.modules
      ? {
          modules: options.modules,
          ...(options.modulesHint ? { modulesHint: options.modulesHint } : {}),
        }
      : undefined,
    trustedFolders: options.trustSearchPaths ? searchPaths : [],
    searchesOwnFolder,
    hideFolders: options.hideFolders ?? false,
  };
}

/** `NOOB_TUBE_PATH`: extra folders to search, separated like PATH. */
function searchPathsFromEnvironment(): string[] {
  return (process.env.NOOB_TUBE_PATH ?? '').split(':').filter(Boolean);
}

async function readTubeSource(file: string): Promise<TubeSource> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'no such file'
        : (error as Error).message;
    throw new TubeLoadError(`cannot read tube ${file}`, file, [{ path: [], message: reason }]);
  }
  return parseTubeSource(text, file);
}

/**
 * Loads a tube found by `noob_id` (nested `tube` nodes). Its tube-scoped inputs are bound
 * later, when the enclosing runner starts, so none are required here.
 */
export async function loadTubeById(
  id: string,
  directory: string,
  context: LoadContext,
): Promise<Tube | { problem: string }> {
  const folders = lookupFolders(directory, context);
  const file = context.index.find(id, folders);
  if (!file) return { problem: missingTube(id, folders, context) };
  if (context.loading.includes(file)) {
    const chain = context.hideFolders ? '' : ` (${[...context.loading, file].join(' → ')})`;
    return { problem: `tube "${id}" nests itself${chain}` };
  }
  const source = await readTubeSource(file);
  return loadFromSource(
    source,
    dirname(file),
    { ...context, loading: [...context.loading, file], searchesOwnFolder: true },
    {},
    false,
    isInsideFolders(file, context.trustedFolders),
  );
}

/**
 * Where a tube in `directory` looks for tubes by noob_id: its own folder (unless it is
 * text from outside, see {@link LoadTubeTextOptions.searchDirectory}), then the search paths.
 */
function lookupFolders(directory: string, context: LoadContext): readonly string[] {
  return context.searchesOwnFolder ? [directory, ...context.searchPaths] : context.searchPaths;
}

/** Why no tube with noob_id `id` (`that noob_id` when omitted) was found in `folders`. */
function missingTube(
  id: string | undefined,
  folders: readonly string[],
  context: LoadContext,
): string {
  const named = id === undefined ? 'that noob_id' : `noob_id "${id}"`;
  if (context.hideFolders) return `no registered tube with ${named}`;
  return `no tube with ${named} in ${folders.join(', ') || 'no folder (no search paths given)'}`;
}

async function loadFromSource(
  source: TubeSource,
  directory: string,
  context: LoadContext,
  options: Pick<LoadTubeOptions, 'input' | 'inputText'>,
  bindInputs: boolean,
  trusted: boolean,
): Promise<Tube> {
  const problems: TubeProblem[] = [];
  const resolved = await resolveSpecification(source, directory, context, problems, [], trusted);
  // With problems found already (a missing noob_id) the rest is still checked, so that
  // every problem is reported at once.
  if (!resolved) throw loadError(source.file, problems);
  const tube = await buildTube(resolved.spec, {
    source,
    directory,
    context,
    trustedTypes: resolved.trusted,
    input: options.input,
    inputText: options.inputText,
    bindInputs,
    problems,
  });
  if (problems.length > 0 || !tube) throw loadError(source.file, problems);
  return tube;
}

/** What is wrong with a tube's `noob_id` (missing, or not a text). */
function noobIdProblem(noobId: unknown): string {
  const why = 'every tube needs one: the name other tubes and the job API know it by';
  if (noobId === undefined || noobId === null)
    return `the tube has no noob_id (${why}); add a line like "noob_id: my-tube"`;
  return `noob_id must be a non-empty text (${why}), got ${JSON.stringify(noobId)}`;
}

function loadError(file: string, problems: TubeProblem[]): TubeLoadError {
  const count = problems.length === 1 ? 'a problem' : `${problems.length} problems`;
  return new TubeLoadError(`${file}: invalid tube (${count})`, file, problems);
}

/**
 * Checks a file against the schema and merges the tubes it extends. Returns the merged
 * specification as plain data, with which of its types trusted files wrote (`trusted`:
 * whether this file is one), or `undefined` after recording problems.
 */
async function resolveSpecification(
  source: TubeSource,
  directory: string,
  context: LoadContext,
  problems: TubeProblem[],
  chain: readonly string[],
  trusted: boolean,
): Promise<{ spec: Record<string, any>; trusted: TrustedTypes } | undefined> {
  const data = source.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    problems.push({ path: [], message: 'a tube file must be a mapping with noob_id and nodes' });
    return undefined;
  }
  const parsed = tubeSpecification.safeParse(data);
  if (!parsed.success) {
    let shapeKnown = true;
    for (const issue of parsed.error.issues) {
      const path = issue.path.map((key) => (typeof key === 'symbol' ? String(key) : key));
      if (path[0] === 'noob_id') {
        // Said plainly, and the rest of the tube is still checked: its other problems too.
        problems.push({ path, message: noobIdProblem((data as Record<string, unknown>).noob_id) });
        continue;
      }
      shapeKnown = false;
      const where = path.length ? `${path.join('.')}: ` : '';
      problems.push({ path, message: `${where}${issue.message}`, line: source.lineOf(path) });
    }
    if (!shapeKnown) return undefined;
  }
  const spec = data as Record<string, any>;
  const own = { spec, trusted: ownTrust(spec, trusted) };
  const extendsIds = (spec.extends ?? []) as string[];
  if (extendsIds.length === 0) return own;

  const bases: Array<{ spec: Record<string, any>; trusted: TrustedTypes }> = [];
  for (const [position, id] of extendsIds.entries()) {
    const path = ['extends', position];
    const folders = lookupFolders(directory, context);
    const file = context.index.find(id, folders);
    if (!file) {
      problems.push({
        path,
        line: source.lineOf(path),
        message: `extends "${id}": ${missingTube(undefined, folders, context)}`,
      });
      continue;
    }
    if (chain.includes(file) || file === source.file) {
      problems.push({
        path,
        line: source.lineOf(path),
        message: `extends "${id}": tubes extend each other in a loop`,
      });
      continue;
    }
    const baseSource = await readTubeSource(file);
    const baseProblems: TubeProblem[] = [];
    const base = await resolveSpecification(
      baseSource,
      dirname(file),
      // A base is a file: it searches its own folder, whoever extends it.
      { ...context, searchesOwnFolder: true },
      baseProblems,
      [...chain, source.file],
      isInsideFolders(file, context.trustedFolders),
    );
    for (const problem of baseProblems) {
      const name = context.hideFolders ? `"${id}"` : file;
      problems.push({ ...problem, message: `in extended tube ${name}: ${problem.message}` });
    }
    // A base's `./module.ts#f` types name files beside the base, wherever it is merged.
    if (base) bases.push({ ...base, spec: anchorModuleTypes(base.spec, dirname(file), directory) });
  }
  if (bases.length !== extendsIds.length) return undefined;
  const layers = [...bases, own];
  let merged = bases[0]!.spec;
  for (const next of layers.slice(1)) merged = mergeTubeSpecs(merged, next.spec);
  const { extends: _resolved, ...rest } = merged;
  return { spec: rest, trusted: mergeTrust(layers) };
}
