// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title ReentrantReceiver
/// @notice Test double for a malicious payee: whenever it receives ether it calls back into
///         `target` with prepared calldata (e.g. the same claim or withdrawal again) and
///         records whether that re-entry succeeded and what it reverted with.
contract ReentrantReceiver {
    /// @notice The externally owned account that drives the receiver.
    address public immutable owner;
    /// @notice Contract to re-enter.
    address public target;
    /// @notice Calldata for the re-entry; empty disables it.
    bytes public reentry;
    /// @notice Re-entries attempted and succeeded.
    uint256 public attempts;
    uint256 public successes;
    /// @notice Revert data of the last failed re-entry.
    bytes public lastError;

    error NotOwner();
    error CallFailed(bytes reason);

    constructor(address owner_) {
        owner = owner_;
    }

    /// @notice Arm the receiver: on the next receipt, call `target_` with `reentry_` once.
    /// @dev Who: the owner.
    function arm(address target_, bytes calldata reentry_) external {
        if (msg.sender != owner) revert NotOwner();
        target = target_;
        reentry = reentry_;
    }

    /// @notice Call `to` with `value` and `data` as this contract.
    /// @dev Who: the owner. Bubbles up the callee's revert data.
    function execute(address to, uint256 value, bytes calldata data) external payable returns (bytes memory) {
        if (msg.sender != owner) revert NotOwner();
        (bool ok, bytes memory ret) = to.call{value: value}(data);
        if (!ok) revert CallFailed(ret);
        return ret;
    }

    /// @notice On receipt, attempt the armed re-entry once and swallow its failure so the
    ///         outer payout can be observed completing.
    receive() external payable {
        bytes memory data = reentry;
        if (data.length == 0) return;
        delete reentry;
        attempts += 1;
        (bool ok, bytes memory ret) = target.call(data);
        if (ok) successes += 1;
        else lastError = ret;
    }
}
