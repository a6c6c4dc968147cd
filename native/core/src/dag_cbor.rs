//! dag-cbor bytes straight from JSON text: the bytes `@ipld/dag-cbor` gives for
//! `encode(JSON.parse(text))`, so a CID computed either way is the same.
//!
//! dag-cbor's rules, as that encoder applies them: integers (a float with no fraction
//! and at most 2^53 − 1 in size, −0 included) in the shortest head, every other number
//! as a float64, map keys sorted by the length of their UTF-8 bytes and then bytewise,
//! strings as UTF-8 with unpaired surrogates replaced by U+FFFD.

use crate::json::Parser;
use crate::CoreError;

/// Deepest nesting of arrays and objects accepted (the recursion stays far from the
/// stack's end on any thread Node runs this on).
pub const MAX_DEPTH: usize = 1000;

const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// CBOR major types used by the JSON data model.
pub(crate) const UNSIGNED: u8 = 0;
pub(crate) const NEGATIVE: u8 = 1;
pub(crate) const TEXT: u8 = 3;
pub(crate) const ARRAY: u8 = 4;
pub(crate) const MAP: u8 = 5;
pub(crate) const FALSE: u8 = 0xf4;
pub(crate) const TRUE: u8 = 0xf5;
pub(crate) const NULL: u8 = 0xf6;
const FLOAT64: u8 = 0xfb;

/// The dag-cbor encoding of the JSON value `text` holds.
pub fn from_json(text: &str) -> Result<Vec<u8>, CoreError> {
    let mut out = Vec::with_capacity(text.len());
    Parser::new(text.as_bytes()).document(&mut out)?;
    Ok(out)
}

/// Appends a CBOR head: major type and argument, in the shortest form.
pub(crate) fn write_head(out: &mut Vec<u8>, major: u8, argument: u64) {
    let major = major << 5;
    if argument < 24 {
        out.push(major | argument as u8);
    } else if argument <= 0xff {
        out.extend_from_slice(&[major | 24, argument as u8]);
    } else if argument <= 0xffff {
        out.push(major | 25);
        out.extend_from_slice(&(argument as u16).to_be_bytes());
    } else if argument <= 0xffff_ffff {
        out.push(major | 26);
        out.extend_from_slice(&(argument as u32).to_be_bytes());
    } else {
        out.push(major | 27);
        out.extend_from_slice(&argument.to_be_bytes());
    }
}

/// The head alone, for inserting in front of a body already written.
pub(crate) fn head(major: u8, argument: u64) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(9);
    write_head(&mut bytes, major, argument);
    bytes
}

/// Appends a number as dag-cbor does: an integer when it is a safe one, else a float64.
pub(crate) fn write_number(out: &mut Vec<u8>, value: f64) -> Result<(), CoreError> {
    if !value.is_finite() {
        return Err(CoreError::Unencodable(
            "`Infinity` and `-Infinity` is not supported by the IPLD Data Model and cannot be encoded"
                .into(),
        ));
    }
    if value.fract() == 0.0 && value.abs() <= MAX_SAFE_INTEGER {
        if value >= 0.0 {
            write_head(out, UNSIGNED, value as u64);
        } else {
            write_head(out, NEGATIVE, (-value) as u64 - 1);
        }
    } else {
        out.push(FLOAT64);
        out.extend_from_slice(&value.to_be_bytes());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(text: &str) -> String {
        from_json(text).unwrap().iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn scalars() {
        assert_eq!(hex("0"), "00");
        assert_eq!(hex("-0"), "00");
        assert_eq!(hex("-1"), "20");
        assert_eq!(hex("24"), "1818");
        assert_eq!(hex("1.0"), "01");
        assert_eq!(hex("1.5"), "fb3ff8000000000000");
        assert_eq!(hex("9007199254740992"), "fb4340000000000000");
        assert_eq!(hex(" true "), "f5");
        assert_eq!(hex("null"), "f6");
        assert_eq!(hex("\"a\""), "6161");
    }

    #[test]
    fn keys_sorted_by_length_then_bytes_last_duplicate_wins() {
        // {"a": 2, "bb": 1}
        assert_eq!(hex(r#"{"bb":1,"a":0,"a":2}"#), "a261610262626201");
    }

    #[test]
    fn unpaired_surrogates_become_replacement_characters() {
        assert_eq!(hex(r#""\ud800""#), "63efbfbd");
        assert_eq!(hex(r#""\ud83d\ude00""#), "64f09f9880");
    }

    #[test]
    fn errors() {
        assert!(matches!(from_json(""), Err(CoreError::InvalidJson { .. })));
        assert!(matches!(from_json("[1,]"), Err(CoreError::InvalidJson { .. })));
        assert!(matches!(from_json("01"), Err(CoreError::InvalidJson { .. })));
        assert!(matches!(from_json("\"\u{1}\""), Err(CoreError::InvalidJson { .. })));
        assert!(matches!(from_json("1e400"), Err(CoreError::Unencodable(_))));
        let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert!(matches!(from_json(&deep), Err(CoreError::Unencodable(_))));
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(from_json(&ok).is_ok());
        // Not JSON wins over not encodable, wherever each fault lies.
        assert!(matches!(from_json("[1e400,]"), Err(CoreError::InvalidJson { .. })));
        let broken = "[".repeat(MAX_DEPTH + 5) + &"]".repeat(MAX_DEPTH + 4);
        assert!(matches!(from_json(&broken), Err(CoreError::InvalidJson { .. })));
        let very_deep = "[{\"a\":".repeat(100_000) + "0" + &"}]".repeat(100_000);
        assert!(matches!(from_json(&very_deep), Err(CoreError::Unencodable(_))));
    }
}
