// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ISettlement} from "./ISettlement.sol";
import {ECDSA} from "./lib/ECDSA.sol";
import {IndexedMerkle} from "./lib/IndexedMerkle.sol";
import {ReentrancyGuard} from "./lib/ReentrancyGuard.sol";
import {ResultTypedData} from "./lib/ResultTypedData.sol";

/// @title Settlement
/// @notice noob's on-chain settlement: workers stake, submitters escrow rewards per job,
///         an authorized settler posts one Merkle root per batch of verified results, workers
///         claim after a challenge window, and anyone holding two conflicting signed results
///         from a worker can void that worker's leaf and slash half its stake.
///
/// @dev THE TREE. A batch root commits to two levels:
///
///        batch root
///        └── allocation leaf per worker  = H(H(abi.encode(worker, amount, taskCount, tasksRoot)))
///            └── tasksRoot: subtree of task leaves = H(H(abi.encode(taskCidHash, worker, reward)))
///
///      H is keccak256; double hashing keeps leaves apart from internal nodes. Each level is a
///      binary tree padded to a power of two with zero leaves, addressed by position
///      (IndexedMerkle). A worker claims its whole subtotal with one allocation proof
///      (log2(workers) hashes), whatever the number of tasks; per-task leaves are revealed
///      only by a challenger. Posting costs one root and a total, whatever the batch size, so
///      gas per settled task falls as 1/batch size; no per-task data is stored or sent.
///
///      MONEY. Every wei held is in exactly one bucket, and the contract's balance equals
///      totalStaked + totalEscrowed + totalOwed + feesAccrued (see accountedBalance):
///      - stakes: moved only by the worker (withdraw after unbonding) or by a valid challenge;
///      - escrow: moved only by a batch post (into owed) or the submitter's reclaim after the
///        job's deadline; voided rewards flow back into it;
///      - owed: unclaimed batch rewards plus credits (pull balances of challengers,
///        submitters and workers), paid only to the account they belong to;
///      - fees: the protocol fee on claims, payable only to the immutable fee recipient.
///      The admin can only name settlers; there is no path from the admin to stakes, escrow
///      or unclaimed rewards. Each job names its settler when it is funded, so granting the
///      role to a new account (the admin itself included) gives it no access to existing
///      escrow. That settler decides what a batch pays out of its job's escrow (it is the
///      party the submitter trusts to verify results) but never beyond it, and a batch can
///      never pay more than its posted total, whatever its tree says.
///
///      TRUST. Settlers are trusted to include only active workers (isActive) and to build
///      consistent trees. Workers are not trusted: the unbonding period is longer than the
///      challenge window, so a worker that was staked when a batch was posted is still
///      slashable until the window closes.
contract Settlement is ISettlement, ReentrancyGuard, ResultTypedData {
    /// @notice Fraction of a worker's stake a valid challenge slashes, in basis points.
    uint256 public constant SLASH_BPS = 5_000;
    /// @notice Highest protocol fee a deployment may set (10%).
    uint256 public constant MAX_FEE_BPS = 1_000;
    /// @notice How much one slash weighs against one completed task in the reputation score.
    uint256 public constant SLASH_WEIGHT = 100;

    /// @notice Least stake a worker registers with.
    uint256 public immutable minStake;
    /// @notice Seconds after a post during which leaves may be challenged and not claimed.
    uint256 public immutable challengeWindow;
    /// @notice Seconds between an unstake request and the withdrawal; above challengeWindow.
    uint256 public immutable unbondingPeriod;
    /// @notice Exact bond a challenge posts.
    uint256 public immutable challengeBond;
    /// @notice Protocol fee on claims, in basis points.
    uint256 public immutable feeBps;
    /// @notice The only account fees are paid to.
    address public immutable feeRecipient;

    /// @notice Account allowed to name settlers, and nothing else.
    address public admin;
    /// @notice Account named by the admin to take over; must accept.
    address public pendingAdmin;
    /// @notice Accounts allowed to post batches.
    mapping(address account => bool allowed) public isSettler;

    /// @notice Sum of all workers' stakes.
    uint128 public totalStaked;
    /// @notice Sum of all jobs' unspent escrow.
    uint128 public totalEscrowed;
    /// @notice Unclaimed batch rewards plus credits: what is owed to workers, challengers
    ///         and submitters. Packed with feesAccrued so a claim updates one slot.
    uint128 public totalOwed;
    /// @notice Protocol fees not yet paid to feeRecipient.
    uint128 public feesAccrued;
    /// @notice Number of batches posted; batch ids run from 1.
    uint256 public batchCount;

    mapping(address worker => Worker) private workers;
    /// @notice Every job by id.
    mapping(bytes32 jobId => Job) public jobs;
    /// @notice Every posted batch by id.
    mapping(uint256 batchId => Batch) public batches;
    /// @notice Pull balances: bonds returned or forfeited, slash shares.
    mapping(address account => uint256 amount) public credits;
    /// @dev Two bits per allocation position: bit 0 claimed, bit 1 has voided tasks; one slot
    ///      covers 128 workers, so most claims update an already-written slot.
    mapping(uint256 batchId => mapping(uint256 word => uint256 bits)) private allocationBits;
    mapping(uint256 batchId => mapping(uint256 index => Voided)) private voided;
    mapping(uint256 batchId => mapping(bytes32 position => bool)) private taskVoided;

    modifier onlyAdmin() {
        if (msg.sender != admin) revert NotAdmin(msg.sender);
        _;
    }

    /// @param admin_ Account that names settlers; it has no path to any funds.
    /// @param feeRecipient_ Account the protocol fee is paid to.
    /// @param minStake_ Least stake to register (> 0).
    /// @param challengeWindow_ Seconds a batch stays open to challenges (> 0; 1 hour by default
    ///        in the TypeScript deploy helper).
    /// @param unbondingPeriod_ Seconds from unstake request to withdrawal (> challengeWindow_).
    /// @param challengeBond_ Exact bond a challenge posts (> 0).
    /// @param feeBps_ Protocol fee on claims, at most MAX_FEE_BPS.
    constructor(
        address admin_,
        address feeRecipient_,
        uint256 minStake_,
        uint256 challengeWindow_,
        uint256 unbondingPeriod_,
        uint256 challengeBond_,
        uint256 feeBps_
    ) {
        if (
            admin_ == address(0) || feeRecipient_ == address(0) || minStake_ == 0
                || challengeWindow_ == 0 || unbondingPeriod_ <= challengeWindow_ || challengeBond_ == 0
                || feeBps_ > MAX_FEE_BPS
        ) revert InvalidParameters();
        admin = admin_;
        feeRecipient = feeRecipient_;
        minStake = minStake_;
        challengeWindow = challengeWindow_;
        unbondingPeriod = unbondingPeriod_;
        challengeBond = challengeBond_;
        feeBps = feeBps_;
    }

    // ---------------------------------------------------------------- workers

    /// @notice Register as a worker with the sent value as stake.
    /// @dev Who: any account not registered. Checks: msg.value >= minStake.
    ///      Moves: msg.value into the caller's stake.
    function register() external payable {
        Worker storage w = workers[msg.sender];
        if (w.stake != 0) revert AlreadyRegistered(msg.sender);
        if (msg.value < minStake) revert StakeTooLow(msg.value, minStake);
        w.stake = uint128(msg.value);
        totalStaked += uint128(msg.value);
        emit WorkerRegistered(msg.sender, msg.value);
    }

    /// @notice Add the sent value to the caller's stake.
    /// @dev Who: a registered worker that has not asked to unstake. Checks: msg.value > 0.
    ///      Moves: msg.value into the caller's stake.
    function addStake() external payable {
        Worker storage w = workers[msg.sender];
        if (w.stake == 0) revert NotRegistered(msg.sender);
        if (w.unbondingAt != 0) revert Unbonding(msg.sender);
        if (msg.value == 0) revert ZeroValue();
        w.stake += uint128(msg.value);
        totalStaked += uint128(msg.value);
        emit StakeAdded(msg.sender, msg.value, w.stake);
    }

    /// @notice Start the unbonding period; the stake stays slashable until it is withdrawn.
    /// @dev Who: a registered worker not already unbonding. Checks: registration.
    ///      Moves: nothing.
    function requestUnstake() external {
        Worker storage w = workers[msg.sender];
        if (w.stake == 0) revert NotRegistered(msg.sender);
        if (w.unbondingAt != 0) revert Unbonding(msg.sender);
        w.unbondingAt = uint48(block.timestamp);
        emit UnstakeRequested(msg.sender, block.timestamp + unbondingPeriod);
    }

    /// @notice Withdraw the whole remaining stake and leave; reputation is kept.
    /// @dev Who: a worker whose unbonding period has elapsed. Checks: unstake requested at
    ///      least unbondingPeriod ago. Moves: the caller's entire stake to the caller (with all
    ///      gas, so contract wallets can receive it).
    function withdrawStake() external nonReentrant {
        Worker storage w = workers[msg.sender];
        if (w.unbondingAt == 0) revert NotUnbonding(msg.sender);
        uint256 withdrawableAt = uint256(w.unbondingAt) + unbondingPeriod;
        if (block.timestamp < withdrawableAt) revert StillBonded(msg.sender, withdrawableAt);
        uint256 amount = w.stake;
        w.stake = 0;
        w.unbondingAt = 0;
        totalStaked -= uint128(amount);
        emit StakeWithdrawn(msg.sender, amount);
        send(msg.sender, amount);
    }

    // ---------------------------------------------------------------- jobs

    /// @notice Fund a job's escrow; the first call creates the job with the caller as submitter
    ///         and `settler` as the only settler that may spend it.
    /// @dev Who: anyone for a new job id, then only its submitter. Checks: msg.value > 0; for a
    ///      new job a future deadline and a settler holding the role; a later deadline extends
    ///      the job, an earlier one and the settler argument of a top-up are ignored.
    ///      Moves: msg.value into the job's escrow.
    function fundJob(bytes32 jobId, address settler, uint48 deadline) external payable {
        if (msg.value == 0) revert ZeroValue();
        Job storage j = jobs[jobId];
        if (j.submitter == address(0)) {
            if (deadline <= block.timestamp) revert DeadlinePassed(deadline);
            if (!isSettler[settler]) revert NotSettler(settler);
            j.submitter = msg.sender;
            j.deadline = deadline;
            j.settler = settler;
        } else {
            if (j.submitter != msg.sender) revert NotSubmitter(jobId, msg.sender);
            if (deadline > j.deadline) j.deadline = deadline;
        }
        uint256 escrow = j.escrow + msg.value;
        if (escrow > type(uint96).max) revert EscrowTooLarge();
        j.escrow = uint96(escrow);
        totalEscrowed += uint128(msg.value);
        emit JobFunded(jobId, msg.sender, j.settler, msg.value, j.deadline);
    }

    /// @notice Take back what a job's escrow did not spend, once its deadline has passed.
    /// @dev Who: the job's submitter. Checks: block.timestamp >= deadline, escrow > 0. Moves:
    ///      the whole remaining escrow (including rewards voided by challenges) to the caller.
    ///      May be called again when later voids refill the escrow.
    function reclaim(bytes32 jobId) external nonReentrant {
        Job storage j = jobs[jobId];
        if (j.submitter != msg.sender) revert NotSubmitter(jobId, msg.sender);
        if (block.timestamp < j.deadline) revert JobStillOpen(jobId, j.deadline);
        uint256 amount = j.escrow;
        if (amount == 0) revert NothingToWithdraw();
        j.escrow = 0;
        totalEscrowed -= uint128(amount);
        emit EscrowReclaimed(jobId, msg.sender, amount);
        send(msg.sender, amount);
    }

    // ---------------------------------------------------------------- settlement

    /// @notice Post one batch: a Merkle root over worker allocations (see the header) and its
    ///         total, drawn from the job's escrow.
    /// @dev Who: the settler the job's submitter named, while it holds the settler role.
    ///      Checks: the job exists and its deadline has not passed, 0 < total <= escrow,
    ///      root != 0. Moves: `total` from the job's escrow to the batch, claimable after
    ///      challengeWindow. `taskCount` is only logged.
    function postBatch(bytes32 jobId, bytes32 root, uint256 total, uint256 taskCount)
        external
        returns (uint256 batchId)
    {
        if (!isSettler[msg.sender]) revert NotSettler(msg.sender);
        Job storage j = jobs[jobId];
        if (j.submitter == address(0)) revert UnknownJob(jobId);
        if (j.settler != msg.sender) revert NotJobSettler(jobId, msg.sender);
        if (block.timestamp >= j.deadline) revert DeadlinePassed(j.deadline);
        if (root == bytes32(0) || total == 0) revert EmptyBatch();
        uint256 escrow = j.escrow;
        if (total > escrow) revert InsufficientEscrow(jobId, escrow, total);
        j.escrow = uint96(escrow - total);
        totalEscrowed -= uint128(total);
        totalOwed += uint128(total);
        batchId = ++batchCount;
        uint256 challengeEnd = block.timestamp + challengeWindow;
        batches[batchId] = Batch({
            root: root,
            total: uint96(total),
            paid: 0,
            challengeEnd: uint48(challengeEnd),
            jobId: jobId
        });
        emit BatchPosted(batchId, jobId, root, total, taskCount, challengeEnd);
    }

    /// @notice Pay a worker its allocations, possibly across many batches, minus the fee.
    /// @dev Who: anyone; the money goes only to `worker`. Checks per allocation: the batch's
    ///      challenge window is over, the allocation proof matches the batch root, it was not
    ///      claimed before, and the batch does not pay out more than its total. Rewards of
    ///      voided task leaves are deducted. Moves: the sum, minus feeBps, to `worker` (all gas
    ///      forwarded, so contract wallets can receive); the fee to feesAccrued.
    function claim(address worker, Allocation[] calldata allocations)
        external
        nonReentrant
        returns (uint256 net)
    {
        uint256 due;
        uint256 fees;
        uint256 tasks;
        for (uint256 i; i < allocations.length; ++i) {
            (uint256 amount, uint256 taskCount) = settleAllocation(worker, allocations[i]);
            uint256 fee = amount * feeBps / 10_000;
            emit Claimed(allocations[i].batchId, worker, allocations[i].index, amount, fee);
            due += amount;
            fees += fee;
            tasks += taskCount;
        }
        totalOwed -= uint128(due);
        feesAccrued += uint128(fees);
        // Saturating: a settler's odd task count must never block a payout.
        Worker storage w = workers[worker];
        uint256 completed = w.completed + tasks;
        w.completed = completed > type(uint56).max ? type(uint56).max : uint56(completed);
        net = due - fees;
        if (net != 0) send(worker, net);
    }

    // ---------------------------------------------------------------- challenges

    /// @notice Challenge one task leaf of a worker with two conflicting signed results.
    /// @dev Who: anyone, sending exactly challengeBond. Checks (reverting, bond kept by the
    ///      caller): the batch's window is open, both proofs place the task leaf in the
    ///      worker's allocation under the batch root, the leaf was not voided before.
    ///      Checks on the evidence (not reverting): resultA != resultB and both signatures are
    ///      the worker's, non-malleable EIP-712 signatures over the leaf's task CID.
    ///      Valid: the leaf is voided (its reward returns to the job's escrow), SLASH_BPS of
    ///      the worker's stake is slashed, half to the challenger and half to the submitter,
    ///      and the bond is returned, all as credits. Invalid: the bond is forfeited to the
    ///      worker as credit, and nothing else moves.
    function challenge(
        address worker,
        Allocation calldata allocation,
        TaskLeaf calldata task,
        Evidence calldata evidence
    ) external payable nonReentrant returns (bool accepted) {
        if (msg.value != challengeBond) revert WrongBond(msg.value, challengeBond);
        uint256 batchId = allocation.batchId;
        Batch storage b = batches[batchId];
        if (b.root == bytes32(0)) revert UnknownBatch(batchId);
        if (block.timestamp >= b.challengeEnd) revert ChallengeWindowClosed(batchId, b.challengeEnd);
        bytes32 position = locateTask(b.root, worker, allocation, task);

        if (!isEquivocation(worker, task.taskCidHash, evidence)) {
            credits[worker] += msg.value;
            totalOwed += uint128(msg.value);
            emit ChallengeRejected(batchId, worker, msg.sender, msg.value);
            return false;
        }

        taskVoided[batchId][position] = true;
        uint256 refunded = voidTask(b, allocation, task.reward);
        uint256 slashed = slash(worker, b.jobId);
        emit ChallengeAccepted(batchId, worker, msg.sender, task.taskCidHash, refunded, slashed);
        return true;
    }

    // ---------------------------------------------------------------- pull payments

    /// @notice Withdraw the caller's credits (returned bonds, slash shares, forfeited bonds).
    /// @dev Who: any account with credits. Moves: all of them to the caller, with all gas.
    function withdrawCredits() external nonReentrant {
        uint256 amount = credits[msg.sender];
        if (amount == 0) revert NothingToWithdraw();
        credits[msg.sender] = 0;
        totalOwed -= uint128(amount);
        emit CreditsWithdrawn(msg.sender, amount);
        send(msg.sender, amount);
    }

    /// @notice Pay accrued protocol fees to the fee recipient.
    /// @dev Who: anyone; the money goes only to feeRecipient. Moves: feesAccrued, nothing else.
    function withdrawFees() external nonReentrant {
        uint256 amount = feesAccrued;
        if (amount == 0) revert NothingToWithdraw();
        feesAccrued = 0;
        emit FeesWithdrawn(feeRecipient, amount);
        send(feeRecipient, amount);
    }

    // ---------------------------------------------------------------- roles

    /// @notice Grant or revoke the settler role.
    /// @dev Who: the admin. Checks: nothing else. Moves: no funds.
    function setSettler(address settler, bool allowed) external onlyAdmin {
        isSettler[settler] = allowed;
        emit SettlerSet(settler, allowed);
    }

    /// @notice Name the next admin (address(0) cancels); it takes over when it accepts.
    /// @dev Who: the admin. Moves: no funds.
    function transferAdmin(address next) external onlyAdmin {
        pendingAdmin = next;
        emit AdminTransferStarted(msg.sender, next);
    }

    /// @notice Become admin after being named by transferAdmin.
    /// @dev Who: the pending admin. Moves: no funds.
    function acceptAdmin() external {
        if (msg.sender != pendingAdmin || msg.sender == address(0)) revert NotPendingAdmin(msg.sender);
        emit AdminTransferred(admin, msg.sender);
        admin = msg.sender;
        pendingAdmin = address(0);
    }

    // ---------------------------------------------------------------- reads

    /// @notice A worker's stake, unbonding start and reputation counters.
    /// @dev Anyone may call.
    function workerInfo(address worker) external view returns (Worker memory) {
        return workers[worker];
    }

    /// @notice Whether a worker is staked at or above minStake and not unbonding: the only
    ///         workers settlers should include in a batch.
    /// @dev Anyone may call.
    function isActive(address worker) external view returns (bool) {
        Worker storage w = workers[worker];
        return w.stake >= minStake && w.unbondingAt == 0;
    }

    /// @notice On-chain reputation: tasks completed, times slashed, and a score in basis
    ///         points, completed / (completed + SLASH_WEIGHT * slashed) (0 with no history).
    /// @dev Anyone may call.
    function reputation(address worker)
        external
        view
        returns (uint256 completed, uint256 slashed, uint256 scoreBps)
    {
        Worker storage w = workers[worker];
        completed = w.completed;
        slashed = w.slashed;
        uint256 weight = completed + SLASH_WEIGHT * slashed;
        scoreBps = weight == 0 ? 0 : completed * 10_000 / weight;
    }

    /// @notice Whether the allocation at `index` of a batch has been claimed.
    /// @dev Anyone may call.
    function isClaimed(uint256 batchId, uint256 index) external view returns (bool) {
        return allocationBits[batchId][index >> 7] >> ((index & 127) << 1) & 1 == 1;
    }

    /// @notice Whether task leaf `taskIndex` of the allocation at `index` has been voided.
    /// @dev Anyone may call.
    function isVoided(uint256 batchId, uint256 index, uint256 taskIndex) external view returns (bool) {
        return taskVoided[batchId][keccak256(abi.encode(index, taskIndex))];
    }

    /// @notice Reward and task count voided so far from the allocation at `index`.
    /// @dev Anyone may call.
    function voidedOf(uint256 batchId, uint256 index) external view returns (Voided memory) {
        return voided[batchId][index];
    }

    /// @notice The balance the contract must hold: stakes + escrow + owed + fees.
    /// @dev Anyone may call. Equals address(this).balance unless ether was forced in.
    function accountedBalance() external view returns (uint256) {
        return uint256(totalStaked) + totalEscrowed + totalOwed + feesAccrued;
    }

    /// @notice The allocation leaf for a worker's subtotal in a batch.
    /// @dev Anyone may call; pure.
    function allocationLeaf(address worker, uint256 amount, uint256 taskCount, bytes32 tasksRoot)
        public
        pure
        returns (bytes32)
    {
        return keccak256(bytes.concat(keccak256(abi.encode(worker, amount, taskCount, tasksRoot))));
    }

    /// @notice The per-task leaf of a worker's subtree.
    /// @dev Anyone may call; pure.
    function taskLeaf(bytes32 taskCidHash, address worker, uint256 reward) public pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(taskCidHash, worker, reward))));
    }

    // ---------------------------------------------------------------- internals

    /// @dev Verifies and marks one allocation claimed; returns what it pays and for how many
    ///      tasks, net of voids.
    function settleAllocation(address worker, Allocation calldata a)
        private
        returns (uint256 amount, uint256 taskCount)
    {
        Batch storage b = batches[a.batchId];
        bytes32 root = b.root;
        if (root == bytes32(0)) revert UnknownBatch(a.batchId);
        if (block.timestamp < b.challengeEnd) revert ChallengeWindowOpen(a.batchId, b.challengeEnd);
        bytes32 leaf = allocationLeaf(worker, a.amount, a.taskCount, a.tasksRoot);
        if (!IndexedMerkle.verify(a.proof, a.index, leaf, root)) revert InvalidProof(a.batchId);

        uint256 word = a.index >> 7;
        uint256 shift = (a.index & 127) << 1;
        uint256 bits = allocationBits[a.batchId][word];
        if (bits >> shift & 1 == 1) revert AlreadyClaimed(a.batchId, a.index);
        allocationBits[a.batchId][word] = bits | (1 << shift);

        amount = a.amount;
        taskCount = a.taskCount;
        if (bits >> (shift + 1) & 1 == 1) {
            Voided memory v = voided[a.batchId][a.index];
            amount = amount > v.amount ? amount - v.amount : 0;
            taskCount = taskCount > v.tasks ? taskCount - v.tasks : 0;
        }
        uint256 paid = uint256(b.paid) + amount;
        if (paid > b.total) revert BatchOverdrawn(a.batchId);
        b.paid = uint96(paid);
    }

    /// @dev Checks both proofs and that the task leaf is not voided yet; returns the leaf's
    ///      position key (allocation index, task index).
    function locateTask(bytes32 root, address worker, Allocation calldata a, TaskLeaf calldata t)
        private
        view
        returns (bytes32 position)
    {
        bytes32 leaf = allocationLeaf(worker, a.amount, a.taskCount, a.tasksRoot);
        if (!IndexedMerkle.verify(a.proof, a.index, leaf, root)) revert InvalidProof(a.batchId);
        bytes32 tLeaf = taskLeaf(t.taskCidHash, worker, t.reward);
        if (!IndexedMerkle.verify(t.proof, t.index, tLeaf, a.tasksRoot)) revert InvalidProof(a.batchId);
        position = keccak256(abi.encode(a.index, t.index));
        if (taskVoided[a.batchId][position]) revert AlreadyVoided(a.batchId, a.index, t.index);
    }

    /// @dev Two different results for the same task, both signed by `worker`.
    function isEquivocation(address worker, bytes32 taskCidHash, Evidence calldata e)
        private
        view
        returns (bool)
    {
        if (e.resultA == e.resultB) return false;
        address signerA = ECDSA.tryRecover(resultDigest(taskCidHash, e.resultA), e.signatureA);
        address signerB = ECDSA.tryRecover(resultDigest(taskCidHash, e.resultB), e.signatureB);
        return signerA == worker && signerB == worker && worker != address(0);
    }

    /// @dev Moves a voided reward from the batch back to its job's escrow, never more than
    ///      the batch has left, and records it against the allocation for its claim.
    function voidTask(Batch storage b, Allocation calldata a, uint256 reward)
        private
        returns (uint256 refunded)
    {
        uint256 left = uint256(b.total) - b.paid;
        refunded = reward < left ? reward : left;
        b.paid += uint96(refunded);
        // Deduct from the worker's claim what went back to escrow: the whole reward whenever
        // the batch's leaves add up to its total, since claims only start after the window.
        Voided storage v = voided[a.batchId][a.index];
        v.amount += uint128(refunded);
        v.tasks += 1;
        allocationBits[a.batchId][a.index >> 7] |= 2 << ((a.index & 127) << 1);
        jobs[b.jobId].escrow += uint96(refunded);
        totalOwed -= uint128(refunded);
        totalEscrowed += uint128(refunded);
    }

    /// @dev Slashes SLASH_BPS of the worker's stake: half credited to the challenger (with
    ///      its bond back), the rest to the job's submitter.
    function slash(address worker, bytes32 jobId) private returns (uint256 amount) {
        Worker storage w = workers[worker];
        amount = uint256(w.stake) * SLASH_BPS / 10_000;
        w.stake -= uint128(amount);
        if (w.slashed < type(uint24).max) w.slashed += 1;
        totalStaked -= uint128(amount);
        uint256 toChallenger = amount / 2;
        credits[msg.sender] += msg.value + toChallenger;
        credits[jobs[jobId].submitter] += amount - toChallenger;
        totalOwed += uint128(amount + msg.value);
    }

    /// @dev Sends ether with all remaining gas; reverts the whole call if the receiver does.
    function send(address to, uint256 amount) private {
        (bool ok,) = to.call{value: amount}("");
        if (!ok) revert TransferFailed(to, amount);
    }
}
