import { isAbsolute, resolve, sep } from 'node:path';

/**
 * Whether a tube may name code to load as a node type (`./nodes.ts#resize`,
 * `/abs/nodes.ts#resize`, `some-package#resize`):
 * - `'allow'`: any module (a developer running their own tube; the default);
 * - `'deny'`: none (tubes that arrive in a request); built-ins, the standard library and
 *   types registered with `register()` stay available;
 * - `{ allow: [...] }`: only these. An entry written as a path (`./nodes`, `/srv/nodes`)
 *   is a folder: a file type must resolve inside it (a relative entry is relative to the
 *   process's working folder). Any other entry is a package name (`lodash`,
 *   `@acme/nodes`): a package type must name it (a subpath `@acme/nodes/extra` counts).
 */
export type ModulePolicy = 'allow' | 'deny' | { readonly allow: readonly string[] };

/** Whose policy refused a module type, and how to change it, for the error message. */
export interface ModulePolicyHint {
  /** Who the policy is for, e.g. `submitted tubes`. */
  subject: string;
  /** What to do to allow modules, e.g. `an operator enables them with …`. */
  remedy: string;
}

/** Said when no {@link ModulePolicyHint} was given. */
const DEFAULT_HINT: ModulePolicyHint = {
  subject: 'tubes loaded with this policy',
  remedy: 'allow them with the modules option: "allow", or { allow: [packages and folders] }',
};

/**
 * Checks a module type against a policy before anything is resolved or imported. Returns
 * `undefined` when it may load, else why not (naming the type, the policy and the remedy).
 * `fromDirectory` is the folder a relative path is resolved against (the tube's).
 */
export function moduleTypeRefusal(
  type: string,
  fromDirectory: string,
  policy: ModulePolicy,
  hint: ModulePolicyHint = DEFAULT_HINT,
): string | undefined {
  if (policy === 'allow') return undefined;
  const refused = `module type "${type}" is not allowed`;
  if (policy === 'deny')
    return `${refused}: module types are disabled for ${hint.subject}; ${hint.remedy}`;
  const specifier = type.slice(0, type.lastIndexOf('#'));
  const listed = policy.allow.join(', ') || 'none';
  if (isPathSpecifier(specifier)) {
    const path = resolve(fromDirectory, specifier);
    const folders = policy.allow.filter(isPathSpecifier).map((folder) => resolve(folder));
    if (folders.some((folder) => path === folder || path.startsWith(folder + sep))) return;
    return `${refused}: ${path} is in none of the folders allowed for ${hint.subject} (allowed: ${listed}); ${hint.remedy}`;
  }
  const name = packageName(specifier);
  // `lodash/../../evil` resolves outside the package (require joins it as a path).
  if (specifier.split(/[/\\]/).some((segment) => segment === '..' || segment === '.'))
    return `${refused}: a package type may not step out of its package with "." or ".." segments`;
  if (policy.allow.some((entry) => !isPathSpecifier(entry) && entry === name)) return;
  return `${refused}: package "${name}" is not one allowed for ${hint.subject} (allowed: ${listed}); ${hint.remedy}`;
}

/** `./x`, `../x`, `/abs/x`: a file, not a package. */
function isPathSpecifier(specifier: string): boolean {
  return specifier.startsWith('.') || isAbsolute(specifier);
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`; `node:fs` stays `node:fs`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}
