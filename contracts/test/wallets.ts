/**
 * Contract accounts for tests: a smart-contract wallet that needs more than the 2300-gas
 * stipend to receive, and a receiver that re-enters the settlement when paid.
 */
import { type Abi, type Address, encodeFunctionData, type Hash, type Hex } from 'viem';
import type { SettlementWallet } from '../client/actions/types.ts';
import { contractWalletAbi, contractWalletBytecode } from '../generated/ContractWallet.ts';
import { reentrantReceiverAbi, reentrantReceiverBytecode } from '../generated/ReentrantReceiver.ts';
import { settlementAbi } from '../generated/Settlement.ts';
import type { TestChain } from './chain.ts';

/** A deployed contract account driven by an EOA through `execute(target, value, data)`. */
export interface ContractAccount {
  readonly address: Address;
  /** Calls a settlement function as the contract account. */
  callSettlement(
    settlement: Address,
    call: { functionName: string; args?: readonly unknown[]; value?: bigint },
  ): Promise<Hash>;
}

async function deployAccount(
  chain: TestChain,
  owner: SettlementWallet,
  abi: Abi,
  bytecode: Hex,
): Promise<ContractAccount> {
  const hash = await owner.deployContract({
    abi,
    bytecode,
    args: [owner.account.address],
    account: owner.account,
    chain: owner.chain,
  });
  const { receipt } = await chain.mined(hash);
  const address = receipt.contractAddress!;
  return {
    address,
    callSettlement(settlement, { functionName, args = [], value = 0n }) {
      const data = encodeFunctionData({ abi: settlementAbi as Abi, functionName, args: [...args] });
      return owner.writeContract({
        address,
        abi: contractWalletAbi,
        functionName: 'execute',
        args: [settlement, value, data],
        value,
        account: owner.account,
        chain: owner.chain,
      });
    },
  };
}

/** Deploys a `ContractWallet` owned by `owner`. */
export function deployContractWallet(
  chain: TestChain,
  owner: SettlementWallet,
): Promise<ContractAccount> {
  return deployAccount(chain, owner, contractWalletAbi, contractWalletBytecode);
}

/** Deploys a `ReentrantReceiver` owned by `owner`. */
export function deployReentrantReceiver(
  chain: TestChain,
  owner: SettlementWallet,
): Promise<ContractAccount> {
  return deployAccount(chain, owner, reentrantReceiverAbi, reentrantReceiverBytecode);
}
