import type { moduleTypeRefusal as nodeModuleTypeRefusal } from '../../../core/node/module-policy.ts';

/** Why a browser peer refuses every module type. */
export const BROWSER_MODULES = 'a browser peer runs the noob.* library only and loads no modules';

/**
 * The browser's twin of core/node/module-policy.ts: a page cannot import a node's module
 * from the submitter's disk, so every module type is refused, naming it.
 */
export const moduleTypeRefusal: typeof nodeModuleTypeRefusal = (type) =>
  `module type "${type}" is not allowed: ${BROWSER_MODULES}`;
