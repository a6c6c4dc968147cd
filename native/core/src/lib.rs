//! noob's native core: BLAKE3 hashing, CIDv1 strings and JSON-to-dag-cbor, in plain Rust.
//!
//! No Node types here: `noob-native` (the napi-rs binding) is a thin layer over these
//! functions, and each has a TypeScript twin with the same contract (see `native/twin/`).

pub mod cid;
pub mod dag_cbor;
pub mod error;
pub mod hash;
mod json;

pub use error::CoreError;
