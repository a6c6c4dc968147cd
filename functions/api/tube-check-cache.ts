import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { type Clock, systemClock } from '../../core/queue/clock.ts';
import { noobIdOf, TubeIndex } from '../../core/tube/search.ts';
import { parseTubeSource } from '../../core/tube/source.ts';
import type { Tube } from '../../core/tube/tube.ts';
import { isJson } from './json-key.ts';
import { KeptBySize } from './kept-by-size.ts';
import {
  type CheckedTube,
  findRegisteredTube,
  loadSubmittedTube,
  type RegisteredTube,
  registeredTubeFolders,
  type TubeFolders,
  type TubeSourceOptions,
  tubeTextDirectory,
} from './tube-source.ts';

/** Sizes and ages of a {@link TubeCheckCache}. */
export interface TubeCheckCacheOptions {
  /** Most checked tubes kept (default 256); the least recently used goes first. */
  maxEntries?: number;
  /** Most characters of tube text kept over all entries (default 16 Mi). */
  maxTextChars?: number;
  /**
   * Age after which the list of which file holds which `noob_id` is made again (ms,
   * default 1,000): how long a tube file added to the tube folders may go unseen.
   */
  listingMaxAgeMs?: number;
  /** Time source for that age (default the system clock). */
  clock?: Clock;
}

interface Entry {
  checked: CheckedTube;
  /** Each node and asset type with the definition it resolved to. */
  types: Array<{ kind: 'node' | 'asset'; type: string; definition: unknown }>;
}

/**
 * {@link checkTube} with its answers kept: a job API checks the same few tubes over and
 * over, and scanning the tube folders and loading a tube costs far more than the
 * submission's commit. Gives what an uncached check gives, errors included:
 * - a check is kept under a hash of everything it depends on: the tube's text (the
 *   registered file's text, read again whenever its `stat` changed or it changed in the
 *   last second, so an edit is seen at once: see {@link FileTexts}), the
 *   file, the inputs, `NOOB_TUBE_PATH` and the folder tube text resolves against; the
 *   module policy and registry are this cache's own;
 * - only a tube that depends on nothing else is kept: none that `extends` another, nests
 *   one (`type: tube`) or uses module types (`./nodes.ts#f`), whose other files may
 *   change; and each hit checks that the registry still resolves its types alike;
 * - errors are never kept: a refused tube is checked again each time;
 * - which file holds which `noob_id` is listed once and listed again when older than
 *   {@link TubeCheckCacheOptions.listingMaxAgeMs}, or at once when the file it names is
 *   gone or holds another `noob_id` now. A new tube file is thus found within that age.
 *
 * The {@link Tube} of a kept check is shared by every check that hits it: read it, do not
 * change it. One cache per app: it holds that app's options.
 *
 * @example
 * ```ts
 * const tubes = new TubeCheckCache({ tubePaths: ['tubes'] });
 * const { text } = await tubes.check('testing-basic', {}); // loaded
 * await tubes.check('testing-basic', {}); // kept
 * ```
 */
export class TubeCheckCache {
  readonly #options: TubeSourceOptions;
  readonly #folders: ListedTubeFolders;
  readonly #entries: KeptBySize<Entry>;
  // Loads under way by key: checks that miss while one runs wait for it.
  readonly #loading = new Map<string, Promise<CheckedTube>>();
  // Checks that depend on what their key hashes alone (see reusable).
  readonly #reusable = new WeakSet<CheckedTube>();

  constructor(options: TubeSourceOptions, cache: TubeCheckCacheOptions = {}) {
    this.#options = options;
    this.#folders = new ListedTubeFolders(
      registeredTubeFolders(options),
      cache.clock ?? systemClock,
      cache.listingMaxAgeMs ?? 1_000,
    );
    this.#entries = new KeptBySize(
      cache.maxEntries ?? 256,
      cache.maxTextChars ?? 16 * 1024 * 1024,
      (entry) => entry.checked.text.length,
    );
  }

  /** How many checked tubes are kept. */
  get size(): number {
    return this.#entries.size;
  }

  /** Characters of tube text the kept checks hold, together (at most `maxTextChars`). */
  get textChars(): number {
    return this.#entries.totalSize;
  }

  /**
   * Whether `checked`, an answer of this cache, depends on nothing but the tube's text (the
   * registered file's, if it is one), the inputs, NOOB_TUBE_PATH, the folder tube text
   * resolves against and this cache's options: whether another cache may keep it under
   * those (see `TubeCheckAnswers`). False for anything not kept (an error never is).
   */
  reusable(checked: CheckedTube): boolean {
    return this.#reusable.has(checked);
  }

  /** {@link checkTube} with this cache's options, answered from the cache when it can. */
  async check(tube: string, inputs: Record<string, unknown>): Promise<CheckedTube> {
    const registered = await findRegisteredTube(tube, this.#folders);
    const key = this.#key(tube, registered, inputs);
    if (key === undefined) return loadSubmittedTube(tube, registered, inputs, this.#options);
    const entry = this.#entries.get(key);
    // The entry stays kept while its types are asked about: checks meanwhile hit it too.
    if (entry && (await this.#resolvesAlike(entry))) {
      this.#entries.touch(key, entry);
      return entry.checked;
    }
    if (entry) this.#entries.delete(key, entry);
    return this.#load(key, tube, registered, inputs);
  }

  /**
   * Load a missed check, once for all the checks of the same key that miss meanwhile: they
   * share its answer or its error. The load is forgotten once it ends: errors are not kept.
   */
  #load(
    key: string,
    tube: string,
    registered: RegisteredTube | undefined,
    inputs: Record<string, unknown>,
  ): Promise<CheckedTube> {
    const pending = this.#loading.get(key);
    if (pending) return pending;
    const load = (async () => {
      const checked = await loadSubmittedTube(tube, registered, inputs, this.#options);
      // The loader read the file again: keep the check only if it read the same text.
      const unchanged = !registered || readText(registered.file) === registered.text;
      if (unchanged && dependsOnItsTextAlone(checked)) {
        this.#reusable.add(checked);
        this.#entries.set(key, { checked, types: typesOf(checked.tube) });
      }
      return checked;
    })().finally(() => this.#loading.delete(key));
    this.#loading.set(key, load);
    return load;
  }

  /** The hash of what a check depends on, or `undefined` for inputs JSON cannot hold. */
  #key(
    tube: string,
    registered: RegisteredTube | undefined,
    inputs: Record<string, unknown>,
  ): string | undefined {
    if (!isJson(inputs)) return undefined;
    const hash = createHash('sha256');
    for (const part of [
      registered?.file ?? '',
      registered?.text ?? tube,
      JSON.stringify(inputs),
      process.env.NOOB_TUBE_PATH ?? '',
      tubeTextDirectory(this.#options),
    ]) {
      hash.update(`${part.length}:`).update(part);
    }
    return hash.digest('base64');
  }

  /** Whether the registry still gives each of the tube's types the same definition. */
  async #resolvesAlike(entry: Entry): Promise<boolean> {
    const registry = this.#options.registry;
    // Without one, each check makes a default registry: built-ins and the standard
    // library only, which never change.
    if (!registry) return true;
    const directory = entry.checked.tube.directory;
    for (const { kind, type, definition } of entry.types) {
      const resolution =
        kind === 'node'
          ? await registry.resolveNode(type, directory)
          : await registry.resolveAsset(type, directory);
      if (!resolution.ok || resolution.definition !== definition) return false;
    }
    return true;
  }
}

/**
 * Registered tubes by `noob_id` from a listing of the tube folders that is made again
 * when it is older than `maxAgeMs`, or when the file it names no longer holds that id.
 * The file's text comes from {@link FileTexts}: edits are seen at once.
 */
class ListedTubeFolders implements TubeFolders {
  readonly #tubePaths: readonly string[];
  readonly #clock: Clock;
  readonly #maxAgeMs: number;
  // TubeIndex lists each folder on first use and keeps the list: a new one relists.
  #index = new TubeIndex();
  #listedAt: number;
  readonly #texts: FileTexts;

  constructor(tubePaths: readonly string[], clock: Clock, maxAgeMs: number) {
    this.#tubePaths = tubePaths;
    this.#clock = clock;
    this.#maxAgeMs = maxAgeMs;
    this.#listedAt = clock.now();
    this.#texts = new FileTexts(clock);
  }

  async find(id: string): Promise<RegisteredTube | undefined> {
    if (this.#clock.now() - this.#listedAt > this.#maxAgeMs) this.#relist();
    const found = this.#lookup(id);
    if (found !== 'stale') return found;
    this.#relist();
    const again = this.#lookup(id);
    return again === 'stale' ? undefined : again;
  }

  #lookup(id: string): RegisteredTube | undefined | 'stale' {
    const file = this.#index.find(id, this.#tubePaths);
    if (!file) return undefined;
    const text = this.#texts.read(file);
    // Removed, or edited to another noob_id, since the folders were listed.
    return text !== undefined && noobIdOf(text) === id ? { file, text } : 'stale';
  }

  #relist(): void {
    this.#index = new TubeIndex();
    this.#listedAt = this.#clock.now();
  }
}

/**
 * Texts of tube files, each kept with what `stat` said of the file: a lookup costs one
 * `stat` instead of a read (open, read, close: about 12 µs a job submission) while the
 * file's size, inode and change time stay the same. A text read within a second of the
 * file's last change is not trusted, and the file is read again at every lookup until a
 * read comes later than that: file times only move with the kernel's clock tick, so a
 * second write of the same size in the same tick would leave them equal (git treats such
 * "racily clean" files alike). At most {@link MAX_KEPT_TEXTS} files, the least recently
 * used dropped first.
 */
class FileTexts {
  readonly #clock: Clock;
  // Map order is use order: the first key is the least recently used.
  readonly #kept = new Map<string, { text: string; signature: string; trusted: boolean }>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** The file's text, or `undefined` if it cannot be read. */
  read(file: string): string | undefined {
    let signature: string;
    let changedAt: number;
    try {
      const stats = statSync(file);
      signature = `${stats.size}:${stats.ino}:${stats.ctimeMs}:${stats.mtimeMs}`;
      changedAt = stats.ctimeMs;
    } catch {
      this.#kept.delete(file);
      return undefined;
    }
    const kept = this.#kept.get(file);
    this.#kept.delete(file);
    if (kept?.trusted && kept.signature === signature) {
      this.#kept.set(file, kept);
      return kept.text;
    }
    // Read after the stat: an edit in between leaves a signature that no longer matches,
    // so the next lookup reads again.
    const text = readText(file);
    if (text === undefined) return undefined;
    const trusted = this.#clock.now() - changedAt > SETTLED_MS;
    this.#kept.set(file, { text, signature, trusted });
    if (this.#kept.size > MAX_KEPT_TEXTS) this.#kept.delete(this.#kept.keys().next().value!);
    return text;
  }
}

/** How long after a file's last change a text read from it is trusted while its `stat` stays (ms). */
const SETTLED_MS = 1_000;
/** Most tube files whose text {@link FileTexts} keeps. */
const MAX_KEPT_TEXTS = 256;

/** A file's text, or `undefined` if it cannot be read. */
function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Whether a loaded tube depends on its text alone: it extends no other tube, nests none,
 * and uses no module type (whose files may change, or appear, unseen by the cache).
 */
function dependsOnItsTextAlone({ text, tube }: CheckedTube): boolean {
  const usesOtherFiles = (type: string) => type.includes('#');
  if (tube.nodes.some((n) => n.child || n.definition.kind === 'tube' || usesOtherFiles(n.type))) {
    return false;
  }
  if (Object.values(tube.assets).some((a) => usesOtherFiles(a.type))) return false;
  // The merged spec no longer says whether it extended anything: ask the text.
  const data = parseTubeSource(text, '<tube>').data;
  return typeof data === 'object' && data !== null && !('extends' in data);
}

function typesOf(tube: Tube): Entry['types'] {
  return [
    ...tube.nodes.map((n) => ({ kind: 'node' as const, type: n.type, definition: n.definition })),
    ...Object.values(tube.assets).map((a) => ({
      kind: 'asset' as const,
      type: a.type,
      definition: a.definition,
    })),
  ];
}
