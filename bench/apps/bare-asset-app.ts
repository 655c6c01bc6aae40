#!/usr/bin/env node
/** The bare app with the prebuilt asset instead of bundling at synth (bench/apps/bare-stack.ts, `code: 'asset'`). */
import { App } from 'aws-cdk-lib';
import { BareStack } from './bare-stack';

const app = new App();
new BareStack(app, 'WorkMailLambdaBare', { code: 'asset', env: { region: 'us-east-1', account: app.node.tryGetContext('account') ?? process.env.CDK_DEFAULT_ACCOUNT } });
