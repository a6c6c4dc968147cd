// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IndexedMerkle
/// @notice Verifies a leaf at a given position of a binary Merkle tree whose leaf count is
///         padded to a power of two with zero leaves.
/// @dev Why positions instead of sorted pairs: the position is a unique, compact id for the
///      leaf (the settlement keeps a claimed bitmap by position, 2 bits per leaf), and a proof
///      of length d only accepts positions below 2^d, so one leaf cannot be replayed under a
///      second index. Internal nodes hash 64 bytes while leaves are double-hashed (the inner
///      hash of a leaf is over a longer ABI encoding and the outer over 32 bytes), so an
///      internal node can never be passed off as a leaf.
library IndexedMerkle {
    /// @notice Deepest tree accepted: 2^32 leaves is far beyond any batch.
    uint256 internal constant MAX_DEPTH = 32;

    /// @notice Whether `leaf` sits at position `index` of the tree with root `root`.
    /// @dev Bit i of `index` says whether the node at level i is a right child (1) or a left
    ///      child (0); proof[i] is its sibling.
    function verify(bytes32[] calldata proof, uint256 index, bytes32 leaf, bytes32 root)
        internal
        pure
        returns (bool)
    {
        uint256 depth = proof.length;
        if (depth > MAX_DEPTH || index >> depth != 0) return false;
        bytes32 node = leaf;
        for (uint256 i; i < depth; ++i) {
            node = index & 1 == 0 ? hashPair(node, proof[i]) : hashPair(proof[i], node);
            index >>= 1;
        }
        return node == root;
    }

    /// @notice keccak256(left ‖ right) without allocating memory.
    function hashPair(bytes32 left, bytes32 right) internal pure returns (bytes32 h) {
        assembly ("memory-safe") {
            // Scratch space (0x00-0x3f) is reserved for exactly this kind of hashing.
            mstore(0x00, left)
            mstore(0x20, right)
            h := keccak256(0x00, 0x40)
        }
    }
}
