#!/usr/bin/env node
/** The baseline app of the synth benchmark, run like bin/app.ts: `npx ts-node --transpile-only --prefer-ts-exts bench/apps/bare-app.ts`. */
import { App } from 'aws-cdk-lib';
import { BareStack } from './bare-stack';

const app = new App();
new BareStack(app, 'WorkMailLambdaBare', {
  env: {
    region: app.node.tryGetContext('region') ?? 'us-east-1',
    account: app.node.tryGetContext('account') ?? process.env.CDK_DEFAULT_ACCOUNT,
  },
});
