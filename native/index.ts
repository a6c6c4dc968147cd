/**
 * noob's native addon: BLAKE3 and dag-cbor CIDs in Rust (napi-rs), each export with a
 * TypeScript twin of the same contract. See docs/native.md.
 */
export { MAX_DEPTH, NATIVE_EXPORTS, type NativeCore } from './contract.ts';
export { InvalidJsonError, NativeArgumentError, UnencodableValueError } from './errors.ts';
export {
  BUILT_ADDON,
  LAMBDA_ADDON,
  type LoadNativeOptions,
  loadNative,
  type NativeLoad,
  nativeFileName,
  sharedNative,
} from './load.ts';
export { twin } from './twin.ts';
