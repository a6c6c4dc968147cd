// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title ReentrancyGuard
/// @notice One lock shared by every function that moves value out of the contract.
/// @dev The lock lives in transient storage (EIP-1153, Cancun): it costs about 200 gas
///      instead of two cold storage writes, and it resets at the end of every transaction
///      even if a call reverts halfway.
abstract contract ReentrancyGuard {
    bool private transient locked;

    /// @notice Raised when a guarded function is entered while another one is running.
    error Reentrancy();

    modifier nonReentrant() {
        if (locked) revert Reentrancy();
        locked = true;
        _;
        locked = false;
    }
}
