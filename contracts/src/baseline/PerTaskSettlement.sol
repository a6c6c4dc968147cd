// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title PerTaskSettlement
/// @notice The baseline the gas benchmark measures against: the common "one transaction per
///         step" design, where every task lives in storage and walks through submit, claim,
///         start, submit result and verify, each its own transaction. Deliberately lean (one
///         packed struct per task, no extras) so the comparison is fair to it.
/// @dev Not for production: no stake, no challenges; it exists only to be measured.
contract PerTaskSettlement {
    enum Status {
        None,
        Open,
        Claimed,
        Started,
        Submitted,
        Paid
    }

    struct Task {
        address submitter;
        Status status;
        address worker;
        uint96 reward;
        bytes32 taskCid;
        bytes32 result;
    }

    /// @notice The only account allowed to verify results and release rewards.
    address public immutable verifier;
    /// @notice Number of tasks submitted; ids run from 1.
    uint256 public taskCount;
    /// @notice Every task ever submitted.
    mapping(uint256 id => Task) public tasks;

    event TaskSubmitted(uint256 indexed id, bytes32 taskCid, uint256 reward);
    event TaskClaimed(uint256 indexed id, address indexed worker);
    event TaskStarted(uint256 indexed id);
    event ResultSubmitted(uint256 indexed id, bytes32 result);
    event TaskPaid(uint256 indexed id, address indexed worker, uint256 reward);

    error WrongStatus(uint256 id, Status status);
    error NotWorker(uint256 id);
    error NotVerifier();
    error TransferFailed();

    constructor(address verifier_) {
        verifier = verifier_;
    }

    /// @notice Post a task with its reward in escrow.
    /// @dev Who: anyone. Moves: msg.value into the task's escrow.
    function submitTask(bytes32 taskCid) external payable returns (uint256 id) {
        id = ++taskCount;
        tasks[id] = Task(msg.sender, Status.Open, address(0), uint96(msg.value), taskCid, 0);
        emit TaskSubmitted(id, taskCid, msg.value);
    }

    /// @notice Take an open task.
    /// @dev Who: any worker. Checks: the task is open. Moves: nothing.
    function claimTask(uint256 id) external {
        Task storage t = tasks[id];
        if (t.status != Status.Open) revert WrongStatus(id, t.status);
        t.status = Status.Claimed;
        t.worker = msg.sender;
        emit TaskClaimed(id, msg.sender);
    }

    /// @notice Mark a claimed task as started.
    /// @dev Who: the task's worker. Checks: claimed by the caller. Moves: nothing.
    function startTask(uint256 id) external {
        Task storage t = tasks[id];
        if (t.worker != msg.sender) revert NotWorker(id);
        if (t.status != Status.Claimed) revert WrongStatus(id, t.status);
        t.status = Status.Started;
        emit TaskStarted(id);
    }

    /// @notice Record a task's result.
    /// @dev Who: the task's worker. Checks: started by the caller. Moves: nothing.
    function submitResult(uint256 id, bytes32 result) external {
        Task storage t = tasks[id];
        if (t.worker != msg.sender) revert NotWorker(id);
        if (t.status != Status.Started) revert WrongStatus(id, t.status);
        t.status = Status.Submitted;
        t.result = result;
        emit ResultSubmitted(id, result);
    }

    /// @notice Accept a result and pay the worker.
    /// @dev Who: the verifier. Checks: a result was submitted. Moves: the reward to the worker.
    function verify(uint256 id) external {
        if (msg.sender != verifier) revert NotVerifier();
        Task storage t = tasks[id];
        if (t.status != Status.Submitted) revert WrongStatus(id, t.status);
        t.status = Status.Paid;
        emit TaskPaid(id, t.worker, t.reward);
        (bool ok,) = t.worker.call{value: t.reward}("");
        if (!ok) revert TransferFailed();
    }
}
