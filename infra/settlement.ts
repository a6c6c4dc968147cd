import { nodejs, runtimeFiles } from './files';
import type { QueueLink } from './queue';
import {
  SETTLEMENT_CHAIN,
  SETTLEMENT_EVENT_AGE_SECONDS,
  SETTLEMENT_TIMEOUT_MINUTES,
  type SettlementOptions,
} from './settlement-schedule';

/**
 * The settlement function (`functions/settlement/lambda.ts`) on a schedule: each pass
 * batches the verified results owed a reward and posts the batches on chain. The chain's
 * settings are secrets (`sst secret set SettlerKey 0x…`, `ChainRpcUrl`, `SettlementAddress`,
 * `SettlementChain`, 'base' unless set, and `SettlementFromBlock`, the contract's deployment
 * block), passed as the variables core/settlement/config.ts reads.
 *
 * One pass at a time (reserved concurrency 1): two passes could batch the same rows.
 * Neither Lambda nor the scheduler retries a failed pass; the next tick is the retry, and
 * a tick that finds a pass still running is dropped after a minute rather than queued.
 * The function links nothing but the queue and its secrets: it invokes no other function.
 */
export function settlementCron(queue: QueueLink, options: SettlementOptions) {
  const key = new sst.Secret('SettlerKey');
  const rpcUrl = new sst.Secret('ChainRpcUrl');
  const address = new sst.Secret('SettlementAddress');
  const chain = new sst.Secret('SettlementChain', SETTLEMENT_CHAIN);
  // Where a pass searches its past posts from: many RPC providers refuse to scan from 0.
  const fromBlock = new sst.Secret('SettlementFromBlock', '');
  const settlement = new sst.aws.Function('SettlementFunction', {
    handler: 'functions/settlement/lambda.handler',
    runtime: 'nodejs22.x',
    architecture: 'x86_64',
    memory: '512 MB',
    timeout: `${SETTLEMENT_TIMEOUT_MINUTES} minutes`,
    concurrency: { reserved: 1 },
    retries: 0,
    link: [...queue.link, key, rpcUrl, address, chain, fromBlock],
    environment: {
      ...queue.environment,
      NOOB_PRIVATE_KEY: key.value,
      NOOB_RPC_URL: rpcUrl.value,
      NOOB_SETTLEMENT_ADDRESS: address.value,
      NOOB_CHAIN: chain.value,
      NOOB_SETTLEMENT_FROM_BLOCK: fromBlock.value,
    },
    copyFiles: runtimeFiles,
    nodejs,
    transform: {
      eventInvokeConfig: { maximumEventAgeInSeconds: SETTLEMENT_EVENT_AGE_SECONDS },
    },
  });
  return new sst.aws.CronV2('Settlement', {
    schedule: options.schedule,
    function: settlement,
    retries: 0,
  });
}
