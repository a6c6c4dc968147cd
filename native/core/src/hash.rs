//! BLAKE3 (256-bit digests), one input or many small ones at once.

use crate::CoreError;

/// Bytes in a digest.
pub const DIGEST_LEN: usize = 32;

/// The BLAKE3 digest of `input`.
pub fn digest(input: &[u8]) -> [u8; DIGEST_LEN] {
    *blake3::hash(input).as_bytes()
}

/// Writes the BLAKE3 digest of `input` to `out[..32]`.
pub fn digest_into(input: &[u8], out: &mut [u8]) -> Result<(), CoreError> {
    let length = out.len();
    let target = out.get_mut(..DIGEST_LEN).ok_or_else(|| {
        CoreError::InvalidArgument(format!(
            "output too small: a digest needs {DIGEST_LEN} bytes, got {length}"
        ))
    })?;
    target.copy_from_slice(blake3::hash(input).as_bytes());
    Ok(())
}

/// Checks that `offsets` cut `data` into `offsets.len() - 1` consecutive slices (input `i`
/// is `data[offsets[i]..offsets[i + 1]]`) and returns how many; no offsets means none.
pub fn slice_count(data: &[u8], offsets: &[u32]) -> Result<usize, CoreError> {
    for (i, pair) in offsets.windows(2).enumerate() {
        if pair[0] > pair[1] {
            return Err(CoreError::InvalidArgument(format!(
                "offsets must not decrease: offsets[{}] = {} > offsets[{}] = {}",
                i,
                pair[0],
                i + 1,
                pair[1]
            )));
        }
    }
    if let Some(&last) = offsets.last() {
        if last as usize > data.len() {
            return Err(CoreError::InvalidArgument(format!(
                "offsets run past the data: last offset {} > {} bytes",
                last,
                data.len()
            )));
        }
    }
    Ok(offsets.len().saturating_sub(1))
}

/// Hashes each slice of `data` that `offsets` names (see [`slice_count`]), writing digest
/// `i` to `out[32 * i..32 * (i + 1)]`: one call and no allocation for many small inputs.
pub fn digest_many(data: &[u8], offsets: &[u32], out: &mut [u8]) -> Result<usize, CoreError> {
    let count = slice_count(data, offsets)?;
    let needed = count * DIGEST_LEN;
    if out.len() < needed {
        return Err(CoreError::InvalidArgument(format!(
            "output too small: {count} digests need {needed} bytes, got {}",
            out.len()
        )));
    }
    for (i, pair) in offsets.windows(2).enumerate() {
        let slice = &data[pair[0] as usize..pair[1] as usize];
        out[i * DIGEST_LEN..(i + 1) * DIGEST_LEN].copy_from_slice(blake3::hash(slice).as_bytes());
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_digest_of_abc() {
        let hex: String = digest(b"abc").iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, "6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85");
    }

    #[test]
    fn many_matches_one_by_one() {
        let mut out = [0u8; 64];
        digest_many(b"abcde", &[0, 3, 5], &mut out).unwrap();
        assert_eq!(out[..32], digest(b"abc"));
        assert_eq!(out[32..], digest(b"de"));
    }

    #[test]
    fn many_refuses_bad_offsets_and_small_output() {
        let mut out = [0u8; 32];
        assert!(digest_many(b"ab", &[1, 0], &mut out).is_err());
        assert!(digest_many(b"ab", &[0, 3], &mut out).is_err());
        assert!(digest_many(b"ab", &[0, 1, 2], &mut out).is_err());
    }
}
