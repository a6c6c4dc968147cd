// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title ContractWallet
/// @notice Test double for a smart-contract wallet (a multisig or an account-abstraction
///         wallet): it acts only through `execute` and spends more than the 2300-gas stipend
///         of `transfer`/`send` whenever it receives ether, so any payout path that relies on
///         the stipend fails against it.
contract ContractWallet {
    /// @notice The externally owned account that drives the wallet.
    address public immutable owner;
    /// @notice Total ether received through plain transfers.
    uint256 public received;
    /// @notice Number of plain transfers received.
    uint256 public receipts;

    error NotOwner();
    error CallFailed(bytes reason);

    constructor(address owner_) {
        owner = owner_;
    }

    /// @notice Call `target` with `value` and `data` as this wallet.
    /// @dev Who: the owner. Bubbles up the target's revert data.
    function execute(address target, uint256 value, bytes calldata data)
        external
        payable
        returns (bytes memory)
    {
        if (msg.sender != owner) revert NotOwner();
        (bool ok, bytes memory ret) = target.call{value: value}(data);
        if (!ok) revert CallFailed(ret);
        return ret;
    }

    /// @notice Accept ether, writing to storage (well over 2300 gas).
    receive() external payable {
        received += msg.value;
        receipts += 1;
    }
}
