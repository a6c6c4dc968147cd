import { resolve, sep } from 'node:path';
import { typeForWorkers } from '../runners/module-type.ts';

/**
 * Which node and asset types of a tube were written by a trusted file: one the operator
 * put in the server's own tube folders. Those may load modules whatever the policy for
 * submitted tubes says; a tube that `extends` one inherits that only for the types it
 * keeps, never for types it writes itself. Keys are `nodes.ID` and `assets.ID`.
 */
export type TrustedTypes = ReadonlySet<string>;

type Spec = Record<string, any>;

/** Whether `file` lies inside one of `folders`. */
export function isInsideFolders(file: string, folders: readonly string[]): boolean {
  const path = resolve(file);
  return folders.some((folder) => {
    const root = resolve(folder);
    return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
  });
}

/** The keys of the entries of `spec` that give a `type`. */
function typedKeys(spec: Spec): string[] {
  const keys: string[] = [];
  for (const section of ['nodes', 'assets'] as const) {
    const entries = spec[section];
    if (typeof entries !== 'object' || entries === null) continue;
    for (const [id, entry] of Object.entries(entries as Record<string, Spec>)) {
      if (entry?.type != null) keys.push(`${section}.${id}`);
    }
  }
  return keys;
}

/** All typed entries of a file's own spec if the file is trusted, else none. */
export function ownTrust(spec: Spec, trusted: boolean): TrustedTypes {
  return new Set(trusted ? typedKeys(spec) : []);
}

/**
 * The trust of a merge of `layers` (left to right, as `extends` merges them): an entry's
 * type is trusted when the last layer that writes that type is trusted for it. An entry
 * no layer types as itself (a merged return node) is untrusted: unsure means the policy.
 */
export function mergeTrust(
  layers: ReadonlyArray<{ spec: Spec; trusted: TrustedTypes }>,
): TrustedTypes {
  const decided = new Map<string, boolean>();
  for (const layer of layers) {
    for (const key of typedKeys(layer.spec)) decided.set(key, layer.trusted.has(key));
  }
  return new Set([...decided].filter(([, trusted]) => trusted).map(([key]) => key));
}

/**
 * A copy of `spec` (read in `fromDirectory`) whose relative module types
 * (`./nodes.ts#f`) are made absolute, so that they still name the same file once merged
 * into a tube in another folder. Unchanged when the folders are the same.
 */
export function anchorModuleTypes(spec: Spec, fromDirectory: string, intoDirectory: string): Spec {
  if (resolve(fromDirectory) === resolve(intoDirectory)) return spec;
  const anchored: Spec = { ...spec };
  for (const section of ['nodes', 'assets'] as const) {
    const entries = spec[section];
    if (typeof entries !== 'object' || entries === null) continue;
    anchored[section] = Object.fromEntries(
      Object.entries(entries as Record<string, Spec>).map(([id, entry]) => {
        const type = entry?.type;
        if (typeof type !== 'string') return [id, entry];
        // The same rewrite a runner does for a worker in another process.
        return [id, { ...entry, type: typeForWorkers(type, fromDirectory) }];
      }),
    );
  }
  return anchored;
}
