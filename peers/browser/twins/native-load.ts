import type { sharedNative as nodeSharedNative } from '../../../native/load.ts';

/**
 * The browser's twin of native/load.ts: a page has no `.node` addon, so core/cid.ts uses
 * its TypeScript twins (the same CIDs, as the parity suite checks).
 */
export const sharedNative: typeof nodeSharedNative = () => ({
  addon: null,
  path: '',
  reason: 'a browser has no native addon',
});
