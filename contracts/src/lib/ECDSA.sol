// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title ECDSA
/// @notice Recovers the signer of a 65-byte secp256k1 signature, refusing malleable forms.
/// @dev Why the checks: `ecrecover` accepts both (r, s) and (r, n - s) for the same message,
///      and any v; a signature is only accepted here with s in the lower half of the curve
///      order and v in {27, 28}, so each signer has exactly one valid signature per digest
///      and a "second result" can never be manufactured from the first one's bytes.
library ECDSA {
    /// @dev secp256k1 curve order n, halved (n / 2).
    uint256 private constant HALF_ORDER =
        0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0;

    /// @notice The signer of `digest`, or address(0) when the signature is malformed,
    ///         malleable or does not recover.
    function tryRecover(bytes32 digest, bytes calldata signature) internal pure returns (address) {
        if (signature.length != 65) return address(0);
        bytes32 r;
        bytes32 s;
        uint8 v;
        assembly ("memory-safe") {
            r := calldataload(signature.offset)
            s := calldataload(add(signature.offset, 0x20))
            v := byte(0, calldataload(add(signature.offset, 0x40)))
        }
        if (uint256(s) > HALF_ORDER) return address(0);
        if (v != 27 && v != 28) return address(0);
        return ecrecover(digest, v, r, s);
    }
}
