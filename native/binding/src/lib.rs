//! The napi-rs binding of `noob-native-core`: argument conversion and one error mapping,
//! nothing else. The TypeScript contract of each export, and its twin, are in
//! `native/contract.ts` and `native/twin/`.

use napi::bindgen_prelude::{Buffer, Uint8ArraySlice};
use napi_derive::napi;
use noob_native_core::{cid, dag_cbor, hash, CoreError};

/// A core error as a JavaScript error whose `code` is the name of the TypeScript error
/// it becomes (see `native/errors.ts`).
fn map_error(error: CoreError) -> napi::Error<String> {
    napi::Error::new(error.name().to_string(), error.to_string())
}

/// The caller's output buffer as a mutable slice, refused if it shares memory with the
/// input (Rust's `&[u8]` and `&mut [u8]` may not alias; the twin refuses it too).
fn writable<'a>(input: &[u8], out: &'a mut Uint8ArraySlice) -> napi::Result<&'a mut [u8], String> {
    let (a, b) = (input.as_ptr_range(), out.as_ptr_range());
    if !input.is_empty() && !out.is_empty() && a.start < b.end && b.start < a.end {
        return Err(map_error(CoreError::InvalidArgument(
            "the output buffer must not overlap the input".into(),
        )));
    }
    // SAFETY: the call runs synchronously on the JavaScript thread, so no JavaScript
    // touches the buffer while the core writes to it; the slice does not outlive the call
    // and does not overlap the input (checked above).
    Ok(unsafe { out.as_mut() })
}

/// The BLAKE3 digest of `input`, as a new 32-byte Buffer (for large inputs; small ones
/// use `blake3Into`).
#[napi]
pub fn blake3(input: &[u8]) -> Buffer {
    hash::digest(input).to_vec().into()
}

/// Writes the BLAKE3 digest of `input` to `out[0..32]`.
#[napi]
pub fn blake3_into(input: &[u8], mut out: Uint8ArraySlice) -> napi::Result<(), String> {
    hash::digest_into(input, writable(input, &mut out)?).map_err(map_error)
}

/// Hashes input `i` = `data[offsets[i]..offsets[i + 1]]` for each `i`, writing digest `i`
/// to `out[32 * i..32 * (i + 1)]`.
#[napi]
pub fn blake3_many(
    data: &[u8],
    offsets: &[u32],
    mut out: Uint8ArraySlice,
) -> napi::Result<(), String> {
    hash::digest_many(data, offsets, writable(data, &mut out)?).map(|_| ()).map_err(map_error)
}

/// The CIDv1 string (dag-cbor, BLAKE3, base32) of dag-cbor `bytes`.
#[napi]
pub fn cid_of_dag_cbor(bytes: &[u8]) -> String {
    cid::dag_cbor_cid(bytes)
}

/// The dag-cbor encoding of the JSON value `json` holds.
#[napi]
pub fn dag_cbor_from_json(json: String) -> napi::Result<Buffer, String> {
    dag_cbor::from_json(&json).map(Buffer::from).map_err(map_error)
}

/// The CIDv1 string of the JSON value `json` holds, encoded as dag-cbor: one call.
#[napi]
pub fn cid_of_json(json: String) -> napi::Result<String, String> {
    dag_cbor::from_json(&json).map(|bytes| cid::dag_cbor_cid(&bytes)).map_err(map_error)
}
