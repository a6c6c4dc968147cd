//! CIDv1 strings (base32, multibase prefix `b`) of dag-cbor content hashed with BLAKE3:
//! the same text `multiformats`' `CID.createV1(0x71, …).toString()` gives.

use crate::hash;

/// Multicodec of dag-cbor.
pub const DAG_CBOR: u8 = 0x71;
/// Multicodec of BLAKE3 (256-bit) in a multihash.
pub const BLAKE3: u8 = 0x1e;

const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

/// The CID string of dag-cbor `bytes`: version 1, codec dag-cbor, a BLAKE3 multihash.
pub fn dag_cbor_cid(bytes: &[u8]) -> String {
    // Every code here is below 0x80, so each varint is the byte itself.
    let mut binary = [0u8; 4 + hash::DIGEST_LEN];
    binary[..4].copy_from_slice(&[1, DAG_CBOR, BLAKE3, hash::DIGEST_LEN as u8]);
    binary[4..].copy_from_slice(&hash::digest(bytes));
    let mut text = String::with_capacity(1 + (binary.len() * 8).div_ceil(5));
    text.push('b');
    base32_into(&binary, &mut text);
    text
}

/// RFC 4648 base32, lower case, no padding.
fn base32_into(bytes: &[u8], text: &mut String) {
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for &byte in bytes {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            text.push(ALPHABET[((buffer >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        text.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base32_of_rfc_vectors() {
        for (input, expected) in [("", ""), ("f", "my"), ("fo", "mzxq"), ("foobar", "mzxw6ytboi")] {
            let mut text = String::new();
            base32_into(input.as_bytes(), &mut text);
            assert_eq!(text, expected);
        }
    }

    #[test]
    fn cid_has_the_fixed_prefix_and_length() {
        let cid = dag_cbor_cid(&[0xa0]);
        assert!(cid.starts_with("bafyr4"));
        assert_eq!(cid.len(), 59);
    }
}
