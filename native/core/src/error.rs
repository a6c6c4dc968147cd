//! The core's one error type; the binding's `map_error` turns each kind into the name of
//! a typed TypeScript error (see `native/errors.ts`).

use std::fmt;

/// What went wrong, by kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CoreError {
    /// Arguments that do not fit together: offsets that are not ascending or run past the
    /// data, an output buffer too small for what must be written into it.
    InvalidArgument(String),
    /// Text that is not JSON; `position` is the byte offset where parsing stopped.
    InvalidJson { position: usize, message: String },
    /// JSON that parses but has no dag-cbor form (a number too large for a float64,
    /// nesting deeper than [`crate::dag_cbor::MAX_DEPTH`]).
    Unencodable(String),
}

impl CoreError {
    /// The name of the TypeScript error this kind becomes.
    pub fn name(&self) -> &'static str {
        match self {
            CoreError::InvalidArgument(_) => "NativeArgumentError",
            CoreError::InvalidJson { .. } => "InvalidJsonError",
            CoreError::Unencodable(_) => "UnencodableValueError",
        }
    }
}

impl fmt::Display for CoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CoreError::InvalidArgument(message) | CoreError::Unencodable(message) => {
                f.write_str(message)
            }
            CoreError::InvalidJson { position, message } => {
                write!(f, "invalid JSON at byte {position}: {message}")
            }
        }
    }
}

impl std::error::Error for CoreError {}
