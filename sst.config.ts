/// <reference path="./.sst/platform/config.d.ts" />

/**
 * noob on AWS with SST: this file only orchestrates; each concern is a file of infra/
 * (see docs/deploy-aws.md). `sst deploy --stage prod` deploys it to one's own account.
 */
export default $config({
  app(input) {
    return {
      name: 'noob',
      home: 'aws',
      removal: input?.stage === 'prod' ? 'retain' : 'remove',
    };
  },
  async run() {
    const { queueLink } = await import('./infra/queue');
    const { workerFunction } = await import('./infra/worker');
    const { apiFunction } = await import('./infra/api');
    const { coordinatorService } = await import('./infra/coordinator');
    const { workerSweep } = await import('./infra/sweep');
    const { peersService } = await import('./infra/peers');
    const { settlementCron } = await import('./infra/settlement');
    const { settlementOptions } = await import('./infra/settlement-schedule');
    const queue = queueLink();
    const worker = workerFunction(queue);
    const api = apiFunction(queue);
    coordinatorService(queue, worker);
    workerSweep(worker);
    // Public noob peers (peers/Dockerfile) when asked for: NOOB_PEERS=1 sst deploy.
    if (process.env.NOOB_PEERS === '1') peersService();
    // The settlement function when asked for: NOOB_SETTLEMENT=1 sst deploy (its secrets set).
    const settlement = settlementOptions(process.env);
    if (settlement) settlementCron(queue, settlement);
    return { api: api.url };
  },
});
