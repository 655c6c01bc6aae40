import * as fs from 'fs';
import * as path from 'path';
import {
  CfnResource, CustomResourceProvider, CustomResourceProviderRuntime, Duration, RemovalPolicy, Stack,
} from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { OPERATIONS, type FlowDirection } from '../../lambda/rules';
import { invalid } from './errors';
import { scopeProviderLogging } from './logging';

/** Where `npm run build` puts the bundled provider; it ships in the package. */
export const PROVIDER_ASSET_DIR = path.join(__dirname, '..', '..', 'assets', 'flow-rule-provider');

const PROVIDER_ID = 'Custom::WorkMailFlowRuleProvider';
const LOG_GROUP_ID = 'WorkMailFlowRuleProviderLogs';

/** The IAM actions the provider calls for a direction. */
function iamActions(direction: FlowDirection): string[] {
  const ops = OPERATIONS[direction];
  return [ops.create, ops.update, ops.delete].map((op) => `workmail:${op}`);
}

/**
 * The oldest aws-cdk-lib this library supports: the floor of its peer range in package.json (a test keeps
 * the two equal) and of the compatibility check (`scripts/compat-check.mjs`).
 */
export const AWS_CDK_LIB_FLOOR = '2.197.0';

/** The provider's runtimes, best first: the bundle targets Node 20 and CI runs it on Node 22 and 24. */
const PROVIDER_RUNTIMES = ['NODEJS_24_X', 'NODEJS_22_X'] as const;

/**
 * nodejs24.x, or nodejs22.x with an aws-cdk-lib that predates `CustomResourceProviderRuntime.NODEJS_24_X` (before 2.259.0;
 * NODEJS_22_X is there from 2.197.0, the floor).
 * Looked up by name so that an older aws-cdk-lib gives a runtime it has instead of `undefined`, which
 * would leave the provider function without a Runtime in the template.
 */
export function providerRuntime(scope: Construct, available: Readonly<Record<string, string | undefined>> = CustomResourceProviderRuntime): CustomResourceProviderRuntime {
  for (const name of PROVIDER_RUNTIMES) {
    const runtime = available[name];
    if (runtime) return runtime as CustomResourceProviderRuntime;
  }
  throw invalid(scope, `the flow-rule provider needs CustomResourceProviderRuntime.${PROVIDER_RUNTIMES.join(' or ')}, which the installed aws-cdk-lib does not have; use aws-cdk-lib ${AWS_CDK_LIB_FLOOR} or later`);
}

/**
 * Read-only: after a `LimitExceededException` the provider counts the organization's rules of both
 * directions, to say whether the sender-pattern quota or the number of rules was reached.
 */
const LIST_ACTIONS = [OPERATIONS.INBOUND.list, OPERATIONS.OUTBOUND.list].map((op) => `workmail:${op}`);

const granted = new WeakMap<CustomResourceProvider, Set<string>>();
let bundleFound = false;

/**
 * The one flow-rule provider of a stack (a `CustomResourceProvider` singleton), allowed to manage the
 * rules of `direction` in the organization `organizationArn`.
 *
 * Its role holds inline policies only: the flow-rule actions on the organization ARNs the stack uses, and
 * writing to its own log group (instead of the AWSLambdaBasicExecutionRole managed policy, which lets it
 * write to any log group).
 */
export function flowRuleProvider(scope: Construct, direction: FlowDirection, organizationArn: string): CustomResourceProvider {
  const stack = Stack.of(scope);
  // Checked once per process: the bundle does not come and go while an app is built.
  bundleFound ||= fs.existsSync(path.join(PROVIDER_ASSET_DIR, 'index.js'));
  if (!bundleFound) {
    throw invalid(scope, `the flow-rule provider bundle is missing at ${PROVIDER_ASSET_DIR}; run \`npm run build\` in cdk-workmail-lambda`);
  }
  const provider = CustomResourceProvider.getOrCreateProvider(stack, PROVIDER_ID, {
    codeDirectory: PROVIDER_ASSET_DIR,
    runtime: providerRuntime(scope),
    // The handler aborts its calls well before this (from the remaining time), so a dead endpoint
    // fails the resource instead of leaving CloudFormation waiting for an answer.
    timeout: Duration.minutes(5),
    description: 'Creates, updates and deletes Amazon WorkMail email flow rules (cdk-workmail-lambda)',
  });
  let done = granted.get(provider);
  if (!done) {
    scopeLogging(stack, provider);
    done = new Set();
    granted.set(provider, done);
  }
  const key = `${direction} ${organizationArn}`;
  if (!done.has(key)) {
    done.add(key);
    provider.addToRolePolicy({ Effect: 'Allow', Action: iamActions(direction), Resource: organizationArn });
  }
  const listKey = `LIST ${organizationArn}`;
  if (!done.has(listKey)) {
    done.add(listKey);
    provider.addToRolePolicy({ Effect: 'Allow', Action: LIST_ACTIONS, Resource: organizationArn });
  }
  return provider;
}

/** Logging to a log group of the provider's own only (see scopeProviderLogging). */
function scopeLogging(stack: Stack, provider: CustomResourceProvider): void {
  const logGroup = new logs.LogGroup(stack, LOG_GROUP_ID, {
    retention: logs.RetentionDays.ONE_YEAR,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  scopeProviderLogging(provider, logGroup.logGroupArn);
  (provider.node.findChild('Handler') as CfnResource).addPropertyOverride('LoggingConfig', { LogGroup: logGroup.logGroupName });
}
