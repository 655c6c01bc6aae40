#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { ExampleStack } from './example-stack';

/** A documented placeholder; pass your own with `npx cdk synth -c organizationId=m-...`. */
export const PLACEHOLDER_ORGANIZATION_ID = 'm-0123456789abcdef0123456789abcdef';

const app = new App();
new ExampleStack(app, 'WorkMailLambdaExample', {
  organizationId: app.node.tryGetContext('organizationId') ?? PLACEHOLDER_ORGANIZATION_ID,
  env: {
    // WorkMail runs in us-east-1, us-west-2 and eu-west-1; pick one with `-c region=...`.
    region: app.node.tryGetContext('region') ?? 'us-east-1',
    account: app.node.tryGetContext('account') ?? process.env.CDK_DEFAULT_ACCOUNT,
  },
});
