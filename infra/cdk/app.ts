import { App } from 'aws-cdk-lib';
import { NoobStack } from './stack.ts';

/**
 * The CDK app: `npx cdk synth --app 'node infra/cdk/app.ts'` writes the CloudFormation
 * template to cdk.out; `cdk deploy` (with credentials) deploys it.
 */
const app = new App();
new NoobStack(app, 'noob');
app.synth();
