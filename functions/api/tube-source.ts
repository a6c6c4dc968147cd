import { access, readFile } from 'node:fs/promises';
import type { ModulePolicy, ModulePolicyHint } from '../../core/node/module-policy.ts';
import type { NodeRegistry } from '../../core/node/registry.ts';
import { TubeLoadError, type TubeProblem } from '../../core/tube/errors.ts';
import { type LoadTubeOptions, loadTube, loadTubeFromText } from '../../core/tube/load.ts';
import { noobIdOf, TubeIndex } from '../../core/tube/search.ts';
import { isInsideFolders } from '../../core/tube/trust.ts';
import type { Tube } from '../../core/tube/tube.ts';

/** Where submitted tubes are looked up and resolved. */
export interface TubeSourceOptions {
  /** Folders of registered tubes, found by `noob_id` (also what `extends` searches). */
  tubePaths?: readonly string[];
  /** Folder that `./module.ts#export` types of tube text resolve against (default: cwd). */
  directory?: string;
  /** Node types the tube may use (default: built-ins, standard library, user modules). */
  registry?: NodeRegistry;
  /**
   * Which module types (`./nodes.ts#f`, `/abs/nodes.ts#f`, `package#f`) a submitted tube
   * may use; default `'deny'`: none, so a request cannot make the server load code.
   * Built-ins, the standard library and registered types are always there. Registered
   * tubes (files in `tubePaths` or NOOB_TUBE_PATH) are the operator's and may use any
   * module, relative to their own file; a submitted tube that extends or nests one may
   * still not add module types of its own.
   */
  modules?: ModulePolicy;
  /** What tube text is called in messages (default `<tube>`). */
  name?: string;
}

/** How a refused module type in a submitted tube is explained. */
export const SUBMITTED_TUBES_HINT: ModulePolicyHint = {
  subject: 'submitted tubes',
  remedy:
    "an operator enables them with `noob serve --allow-modules` (all) or `noob serve --allow-modules PKG,./FOLDER,...` (only those), or the job API's `modules` option",
};

/**
 * A tube checked for submission: the YAML text the job stores, its noob_id, the tube,
 * and which registered tube it is, if it is one (the job stores that too).
 */
export interface CheckedTube {
  text: string;
  id: string;
  tube: Tube;
  registered?: RegisteredIdentity;
}

/**
 * Which registered tube a job's text was when the API accepted it: its `noob_id` and its
 * file (absolute). The coordinator runs the stored text with that file's trust, so an
 * edit to the file while the job waits does not turn the accepted text into a refused one.
 */
export interface RegisteredIdentity {
  id: string;
  path: string;
}

/** `tube` is one word without spaces or colons: a noob_id, not YAML text. */
const NOOB_ID = /^[A-Za-z0-9_.@/-]+$/;

/**
 * The folders of registered tubes: `tubePaths`, then those of NOOB_TUBE_PATH (which
 * `extends` searches too, so a tube there can be submitted by its noob_id as well as
 * extended).
 */
export function registeredTubeFolders(options: TubeSourceOptions): string[] {
  const fromEnvironment = (process.env.NOOB_TUBE_PATH ?? '').split(':').filter(Boolean);
  return [...(options.tubePaths ?? []), ...fromEnvironment];
}

/** A registered tube: a file in the tube folders, and its text. */
export interface RegisteredTube {
  file: string;
  text: string;
}

/** The registered tubes, by `noob_id`: where a submitted tube is looked up. */
export interface TubeFolders {
  /** The registered tube whose `noob_id` is `id`, with its text, or `undefined`. */
  find(id: string): Promise<RegisteredTube | undefined>;
}

/**
 * Tube folders scanned afresh for each lookup: a tube file added, edited or removed while
 * the server runs is seen at once (see `TubeCheckCache` for a cached listing).
 */
export function scanTubeFolders(tubePaths: readonly string[]): TubeFolders {
  return {
    async find(id) {
      const file = new TubeIndex().find(id, tubePaths);
      if (!file) return undefined;
      const text = await readFile(file, 'utf8').catch(() => undefined);
      return text === undefined ? undefined : { file, text };
    },
  };
}

/**
 * Resolve a submitted tube (YAML text, or the noob_id of a registered tube) and load it
 * with its inputs under the module policy for submitted tubes. The job API checks a
 * submission with it and the coordinator loads the job's stored text with it (through
 * {@link loadStoredTube}), so both decide alike: a job that is accepted can start, and
 * one that is refused cannot run even if it reached the queue another way. Text that is a registered tube's file
 * verbatim is that tube (trusted, resolved beside its file). Throws
 * {@link TubeLoadError} listing every problem (an unknown noob_id, a refused module type).
 */
export async function checkTube(
  tube: string,
  inputs: Record<string, unknown>,
  options: TubeSourceOptions,
): Promise<CheckedTube> {
  const registered = await findRegisteredTube(
    tube,
    scanTubeFolders(registeredTubeFolders(options)),
  );
  return loadSubmittedTube(tube, registered, inputs, options);
}

/**
 * The registered tube that `tube` names (a noob_id) or is (its text verbatim);
 * `undefined` for other tube text. Throws {@link TubeLoadError} for a noob_id that no
 * registered tube has.
 */
export async function findRegisteredTube(
  tube: string,
  folders: TubeFolders,
): Promise<RegisteredTube | undefined> {
  if (NOOB_ID.test(tube.trim())) {
    const id = tube.trim();
    const found = await folders.find(id);
    if (!found) {
      throw new TubeLoadError(`no registered tube with noob_id "${id}"`, id, [
        {
          path: [],
          message: `no registered tube with noob_id "${id}"; send the tube's YAML text instead, or add the file to the server's tube folders`,
        },
      ]);
    }
    return found;
  }
  const id = noobIdOf(tube);
  const found = id === undefined ? undefined : await folders.find(id);
  return found?.text === tube ? found : undefined;
}

/**
 * Load a submitted tube as {@link checkTube} does, once {@link findRegisteredTube} said
 * whether it is a registered one (`registered`) or tube text of its own.
 */
export async function loadSubmittedTube(
  tube: string,
  registered: RegisteredTube | undefined,
  inputs: Record<string, unknown>,
  options: TubeSourceOptions,
): Promise<CheckedTube> {
  const load = submittedLoadOptions(inputs, options);
  if (registered) {
    const loaded = await loadTube(registered.file, load);
    return {
      text: registered.text,
      id: loaded.id,
      tube: loaded,
      registered: { id: loaded.id, path: registered.file },
    };
  }
  const loaded = await loadTubeFromText(tube, {
    ...load,
    file: options.name ?? '<tube>',
    directory: tubeTextDirectory(options),
    // The folder text resolves against is where the server runs, not a tube folder: the
    // tubes there are not registered ones, and a request may use registered ones only.
    searchDirectory: false,
  });
  return { text: tube, id: loaded.id, tube: loaded };
}

/**
 * Load a job's stored tube text as the coordinator runs it. A job the API accepted as a
 * registered tube (`registered`) runs its stored text, read as that registered file:
 * trusted (the modules beside the file), resolved beside it. That holds even if the file
 * was edited since: the server accepted this text as the operator's, and it is what the
 * job ran (or began to run, before a crash) with; an edit applies to jobs submitted after
 * it. If the file is no longer in the tube folders, the registered tube with the same
 * noob_id stands for it (the folders moved). If there is none, the tube was withdrawn and
 * its trust with it: the text runs as submitted text, which any tenant could have sent
 * (so refusing it would protect nothing), and if that refuses it (a module type), the
 * error says the registered tube is gone rather than blame the submitter. Text without
 * `registered` (jobs stored before it existed, or put in the queue another way) is
 * checked as {@link checkTube} checks a submission. Throws {@link TubeLoadError}.
 *
 * `registered` is believed as the payload is: only the job API (or an operator) writes
 * the queue, and the workers check every task's module type again.
 */
export async function loadStoredTube(
  tube: string,
  registered: RegisteredIdentity | undefined,
  inputs: Record<string, unknown>,
  options: TubeSourceOptions,
): Promise<CheckedTube> {
  if (!registered) return checkTube(tube, inputs, options);
  const tubePaths = registeredTubeFolders(options);
  const file = (await isRegisteredFile(registered.path, tubePaths))
    ? registered.path
    : (await scanTubeFolders(tubePaths).find(registered.id))?.file;
  if (!file) {
    try {
      return await loadSubmittedTube(tube, undefined, inputs, options);
    } catch (error) {
      if (!(error instanceof TubeLoadError)) throw error;
      const gone = `registered tube "${registered.id}" is no longer in the server's tube folders (removed since this job was submitted), so its text ran as a submitted tube and was refused`;
      throw new TubeLoadError(
        `${gone}: ${error.shortMessage}`,
        error.file,
        error.problems.map((problem) => ({ ...problem, message: `${gone}: ${problem.message}` })),
      );
    }
  }
  const loaded = await loadTubeFromText(tube, {
    ...submittedLoadOptions(inputs, options),
    file: options.name ?? '<tube>',
    copyOf: file,
  });
  return { text: tube, id: loaded.id, tube: loaded, registered: { id: registered.id, path: file } };
}

/** Whether `file` is a tube file (as the tube folders' listing takes) in the tube folders. */
async function isRegisteredFile(file: string, tubePaths: readonly string[]): Promise<boolean> {
  if (!/\.ya?ml$/.test(file) || !isInsideFolders(file, tubePaths)) return false;
  return access(file).then(
    () => true,
    () => false,
  );
}

/** How every submitted tube loads: the policy for submitted tubes, registered ones trusted. */
function submittedLoadOptions(
  inputs: Record<string, unknown>,
  options: TubeSourceOptions,
): LoadTubeOptions {
  return {
    input: inputs,
    searchPaths: options.tubePaths ?? [],
    modules: options.modules ?? 'deny',
    modulesHint: SUBMITTED_TUBES_HINT,
    trustSearchPaths: true,
    // Messages reach the API's clients: no server folders in them.
    hideFolders: true,
    ...(options.registry ? { registry: options.registry } : {}),
  };
}

/** The folder that `./module.ts#export` types of submitted tube text resolve against. */
export function tubeTextDirectory(options: TubeSourceOptions): string {
  return options.directory ?? process.cwd();
}

/** A tube problem as the API reports it: where (path, line, node) and what. */
export interface ProblemDetail {
  path: string;
  line?: number;
  /** The node the problem is about, when it is about one. */
  nodeId?: string;
  message: string;
}

/** The problems of a {@link TubeLoadError} for an error's `details`. */
export function problemDetails(problems: readonly TubeProblem[]): ProblemDetail[] {
  return problems.map((problem) => {
    const [section, name] = problem.path;
    const nodeId = section === 'nodes' && typeof name === 'string' ? name : undefined;
    return {
      path: problem.path.join('.'),
      ...(problem.line ? { line: problem.line } : {}),
      ...(nodeId ? { nodeId } : {}),
      message: problem.message,
    };
  });
}
