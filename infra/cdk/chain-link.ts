import { CfnParameter, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { settlementChains } from '../../contracts/client/chains.ts';
import { SETTLEMENT_CHAIN } from '../settlement-schedule.ts';

/**
 * The chain the settlement function settles on, as the queue's link does it
 * (queue-link.ts): stack parameters at deploy time, handed to the function as the
 * variables core/settlement/config.ts reads, which Lambda encrypts at rest. The settler's
 * key is NoEcho, and so is the RPC URL (providers put an API key in it). Each is checked
 * by CloudFormation before anything is created, so a malformed value fails the deploy
 * naming the parameter, not a pass later.
 */
export class ChainLink extends Construct {
  readonly environment: Record<string, string>;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // On the stack itself: `--parameters SettlerKey=…` names them as the queue's are named.
    const stack = Stack.of(this);
    const key = new CfnParameter(stack, 'SettlerKey', {
      type: 'String',
      noEcho: true,
      description: "the settler's private key (0x and 64 hex digits): it posts the batches",
      allowedPattern: '^0x[0-9a-fA-F]{64}$',
    });
    const rpcUrl = new CfnParameter(stack, 'ChainRpcUrl', {
      type: 'String',
      noEcho: true,
      description: "the chain's JSON-RPC endpoint (http(s):// or ws(s)://)",
      allowedPattern: '^(https?|wss?)://.+$',
    });
    const address = new CfnParameter(stack, 'SettlementAddress', {
      type: 'String',
      description: 'the Settlement contract (contracts/Settlement.sol) on that chain',
      allowedPattern: '^0x[0-9a-fA-F]{40}$',
    });
    const chain = new CfnParameter(stack, 'SettlementChain', {
      type: 'String',
      default: SETTLEMENT_CHAIN,
      description: 'the chain by name',
      allowedValues: Object.keys(settlementChains),
    });
    const fromBlock = new CfnParameter(stack, 'SettlementFromBlock', {
      type: 'String',
      default: '',
      description:
        "the contract's deployment block, where a pass searches its past posts from (empty: the chain's first block, which many RPC providers refuse to scan)",
      allowedPattern: '^[0-9]*$',
    });
    this.environment = {
      NOOB_PRIVATE_KEY: key.valueAsString,
      NOOB_RPC_URL: rpcUrl.valueAsString,
      NOOB_SETTLEMENT_ADDRESS: address.valueAsString,
      NOOB_CHAIN: chain.valueAsString,
      NOOB_SETTLEMENT_FROM_BLOCK: fromBlock.valueAsString,
    };
  }
}
