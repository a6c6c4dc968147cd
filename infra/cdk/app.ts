import { App } from 'aws-cdk-lib';
import { settlementOptions } from '../settlement-schedule.ts';
import { NoobStack } from './stack.ts';

/**
 * The CDK app: `npx cdk synth --app 'node infra/cdk/app.ts'` writes the CloudFormation
 * template to cdk.out; `cdk deploy` (with credentials) deploys it. With `NOOB_SETTLEMENT=1`
 * in the environment the stack also has the settlement function (on the schedule
 * `NOOB_SETTLEMENT_SCHEDULE` gives), as the SST app does.
 */
const app = new App();
new NoobStack(app, 'noob', { settlement: settlementOptions(process.env) });
app.synth();
