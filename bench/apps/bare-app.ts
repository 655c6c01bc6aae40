#!/usr/bin/env node
/** The baseline app of the synth benchmark, run the way cdk.json runs bin/app.ts (its `app` command with this file instead). */
import { App } from 'aws-cdk-lib';
import { BareStack } from './bare-stack';

const app = new App();
new BareStack(app, 'WorkMailLambdaBare', {
  env: {
    region: app.node.tryGetContext('region') ?? 'us-east-1',
    account: app.node.tryGetContext('account') ?? process.env.CDK_DEFAULT_ACCOUNT,
  },
});
