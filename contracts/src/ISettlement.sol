// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title ISettlement
/// @notice The shapes, events and errors of noob's settlement contract (see Settlement.sol
///         for the scheme and for what each function checks and moves).
interface ISettlement {
    /// @notice A worker's stake and on-chain reputation, packed in one slot.
    /// @param stake Wei at stake; zero means not registered.
    /// @param unbondingAt When the worker asked to unstake (0 if it has not).
    /// @param completed Tasks paid out to the worker over its lifetime.
    /// @param slashed Valid challenges against the worker over its lifetime.
    struct Worker {
        uint128 stake;
        uint48 unbondingAt;
        uint56 completed;
        uint24 slashed;
    }

    /// @notice A submitter's escrow for one job, and the one settler allowed to spend it.
    struct Job {
        address submitter;
        uint48 deadline;
        address settler;
        uint96 escrow;
    }

    /// @notice One posted batch. `paid` counts what left the batch: claims and voided rewards.
    struct Batch {
        bytes32 root;
        uint96 total;
        uint96 paid;
        uint48 challengeEnd;
        bytes32 jobId;
    }

    /// @notice A worker's allocation leaf in a batch: its subtotal over `taskCount` tasks
    ///         whose per-task leaves form the subtree `tasksRoot`; `proof` places the leaf at
    ///         position `index` under the batch root.
    struct Allocation {
        uint256 batchId;
        uint256 index;
        uint256 amount;
        uint256 taskCount;
        bytes32 tasksRoot;
        bytes32[] proof;
    }

    /// @notice One per-task leaf (task CID hash, reward) at `index` of an allocation's
    ///         subtree; the worker is the allocation's.
    struct TaskLeaf {
        bytes32 taskCidHash;
        uint256 index;
        uint256 reward;
        bytes32[] proof;
    }

    /// @notice Two results for one task CID, each with the worker's EIP-712 signature over
    ///         `Result(bytes taskCid, bytes resultCid)`; results are keccak256 of the CID bytes.
    struct Evidence {
        bytes32 resultA;
        bytes signatureA;
        bytes32 resultB;
        bytes signatureB;
    }

    /// @notice A challenge's bookkeeping after a void, kept per allocation.
    struct Voided {
        uint128 amount;
        uint128 tasks;
    }

    event WorkerRegistered(address indexed worker, uint256 stake);
    event StakeAdded(address indexed worker, uint256 amount, uint256 stake);
    event UnstakeRequested(address indexed worker, uint256 withdrawableAt);
    event StakeWithdrawn(address indexed worker, uint256 amount);
    event JobFunded(
        bytes32 indexed jobId, address indexed submitter, address indexed settler, uint256 amount, uint256 deadline
    );
    event EscrowReclaimed(bytes32 indexed jobId, address indexed submitter, uint256 amount);
    event BatchPosted(
        uint256 indexed batchId,
        bytes32 indexed jobId,
        bytes32 root,
        uint256 total,
        uint256 taskCount,
        uint256 challengeEnd
    );
    event Claimed(uint256 indexed batchId, address indexed worker, uint256 index, uint256 amount, uint256 fee);
    event ChallengeAccepted(
        uint256 indexed batchId,
        address indexed worker,
        address indexed challenger,
        bytes32 taskCidHash,
        uint256 voidedReward,
        uint256 slashed
    );
    event ChallengeRejected(
        uint256 indexed batchId, address indexed worker, address indexed challenger, uint256 bondForfeited
    );
    event CreditsWithdrawn(address indexed account, uint256 amount);
    event FeesWithdrawn(address indexed recipient, uint256 amount);
    event SettlerSet(address indexed settler, bool allowed);
    event AdminTransferStarted(address indexed from, address indexed to);
    event AdminTransferred(address indexed from, address indexed to);

    error InvalidParameters();
    error NotAdmin(address caller);
    error NotPendingAdmin(address caller);
    error NotSettler(address caller);
    error NotJobSettler(bytes32 jobId, address caller);
    error EscrowTooLarge();
    error NotSubmitter(bytes32 jobId, address caller);
    error StakeTooLow(uint256 stake, uint256 minimum);
    error AlreadyRegistered(address worker);
    error NotRegistered(address worker);
    error Unbonding(address worker);
    error NotUnbonding(address worker);
    error StillBonded(address worker, uint256 withdrawableAt);
    error ZeroValue();
    error DeadlinePassed(uint256 deadline);
    error JobStillOpen(bytes32 jobId, uint256 deadline);
    error UnknownJob(bytes32 jobId);
    error InsufficientEscrow(bytes32 jobId, uint256 escrow, uint256 total);
    error EmptyBatch();
    error UnknownBatch(uint256 batchId);
    error ChallengeWindowOpen(uint256 batchId, uint256 challengeEnd);
    error ChallengeWindowClosed(uint256 batchId, uint256 challengeEnd);
    error InvalidProof(uint256 batchId);
    error AlreadyClaimed(uint256 batchId, uint256 index);
    error AlreadyVoided(uint256 batchId, uint256 index, uint256 taskIndex);
    error BatchOverdrawn(uint256 batchId);
    error WrongBond(uint256 sent, uint256 required);
    error NothingToWithdraw();
    error TransferFailed(address to, uint256 amount);
}
