// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title ResultTypedData
/// @notice The EIP-712 domain and struct a worker signs over each result it returns:
///         `Result(bytes taskCid,bytes resultCid)` in domain
///         {name: "noob Settlement", version: "1", chainId, verifyingContract}.
/// @dev EIP-712 encodes `bytes` members as their keccak256, so the contract only ever needs
///      the 32-byte hashes of the two CIDs: evidence stays small and the task CID hash is the
///      same value the Merkle leaf commits to. The domain separator is cached and recomputed
///      only if the chain id changes (a fork), so signatures never replay across chains.
abstract contract ResultTypedData {
    bytes32 private constant DOMAIN_TYPEHASH = keccak256(
        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
    );
    /// @notice keccak256 of the signed struct's type.
    bytes32 public constant RESULT_TYPEHASH = keccak256("Result(bytes taskCid,bytes resultCid)");
    bytes32 private constant NAME_HASH = keccak256("noob Settlement");
    bytes32 private constant VERSION_HASH = keccak256("1");

    uint256 private immutable cachedChainId;
    bytes32 private immutable cachedDomainSeparator;

    constructor() {
        cachedChainId = block.chainid;
        cachedDomainSeparator = buildDomainSeparator();
    }

    /// @notice The EIP-712 domain separator for this contract on the current chain.
    /// @dev Anyone may call; pure read.
    function domainSeparator() public view returns (bytes32) {
        return block.chainid == cachedChainId ? cachedDomainSeparator : buildDomainSeparator();
    }

    /// @notice The digest a worker signs for result `resultCidHash` of task `taskCidHash`
    ///         (both keccak256 of the CID bytes).
    /// @dev Anyone may call; pure read.
    function resultDigest(bytes32 taskCidHash, bytes32 resultCidHash) public view returns (bytes32) {
        bytes32 structHash = keccak256(abi.encode(RESULT_TYPEHASH, taskCidHash, resultCidHash));
        return keccak256(abi.encodePacked("\x19\x01", domainSeparator(), structHash));
    }

    function buildDomainSeparator() private view returns (bytes32) {
        return keccak256(
            abi.encode(DOMAIN_TYPEHASH, NAME_HASH, VERSION_HASH, block.chainid, address(this))
        );
    }
}
