/**
 * What keeps the library working across its supported aws-cdk-lib range (docs/compatibility.md): the function's
 * log group never clashes with the one aws-cdk-lib's Function may make, and the provider always has a runtime.
 * The range's two ends themselves are installed and exercised by `scripts/compat-check.mjs` (run by .ci/run).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, CustomResourceProviderRuntime, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { WorkMailOrganization } from '../../lib';
import { AWS_CDK_LIB_FLOOR, providerRuntime } from '../../lib/private/provider';
import { ENV, ORG_ID, WORKMAIL_FUNCTIONS } from './helpers';

const MANAGED_LOG_GROUP_FLAG = '@aws-cdk/aws-lambda:useCdkManagedLogGroup';

function stackWith(context: Record<string, unknown> = {}) {
  const app = new App({ context });
  const stack = new Stack(app, 'Stack', { env: ENV });
  return { stack, org: WorkMailOrganization.fromOrganizationId(stack, 'Org', ORG_ID) };
}

describe.each(WORKMAIL_FUNCTIONS)('the log group of a %s', (_name, workMailFunction) => {
  // aws-cdk-lib's Function adds a child 'LogGroup' when this flag is on (its default in 2.200.0 only).
  test(`with ${MANAGED_LOG_GROUP_FLAG} on: no construct clash, one log group, the function logs to it and fn.logGroup is it`, () => {
    const { stack, org } = stackWith({ [MANAGED_LOG_GROUP_FLAG]: true });
    const fn = workMailFunction(stack, org);
    const template = Template.fromStack(stack);
    const groups = Object.entries(template.findResources('AWS::Logs::LogGroup'));
    const own = groups.filter(([id]) => id.startsWith('HandlerLogGroup'));
    expect(own).toHaveLength(1);
    expect(groups).toHaveLength(1);
    expect(own[0][1].Properties.RetentionInDays).toBe(365);
    template.hasResourceProperties('AWS::Lambda::Function', { LoggingConfig: { LogGroup: { Ref: own[0][0] } } });
    expect(stack.resolve(fn.logGroup.logGroupName)).toEqual({ Ref: own[0][0] });
  });

  test('with the flag off (the default from 2.201.0): fn.logGroup is the log group the function logs to, with no Custom::LogRetention', () => {
    const { stack, org } = stackWith();
    const fn = workMailFunction(stack, org);
    const template = Template.fromStack(stack);
    const [own] = Object.keys(template.findResources('AWS::Logs::LogGroup'));
    expect(stack.resolve(fn.logGroup.logGroupName)).toEqual({ Ref: own });
    template.hasResourceProperties('AWS::Lambda::Function', { LoggingConfig: { LogGroup: { Ref: own } } });
    expect(Object.keys(template.findResources('Custom::LogRetention'))).toEqual([]);
  });

  test('the deprecated logRetention and logRemovalPolicy set the retention and removal of its log group (no clash with the LogGroup aws-cdk-lib makes for them)', () => {
    const { stack, org } = stackWith();
    workMailFunction(stack, org, 'Handler', { logRetention: logs.RetentionDays.ONE_WEEK, logRemovalPolicy: RemovalPolicy.DESTROY });
    const template = Template.fromStack(stack);
    template.hasResource('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 7 }, DeletionPolicy: 'Delete' });
    // No Custom::LogRetention resource: the retention is the log group's own.
    expect(Object.keys(template.findResources('Custom::LogRetention'))).toEqual([]);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^HandlerLogGroup'), 'Arn'] } })]) },
    });
  });
});

describe('the provider runtime', () => {
  const scope = () => stackWith().stack;

  test('is nodejs24.x with this aws-cdk-lib', () => {
    expect(providerRuntime(scope())).toBe(CustomResourceProviderRuntime.NODEJS_24_X);
  });

  test('falls back to nodejs22.x with an aws-cdk-lib that has no CustomResourceProviderRuntime.NODEJS_24_X (before 2.259.0)', () => {
    const { NODEJS_24_X: _absent, ...older } = CustomResourceProviderRuntime;
    expect(providerRuntime(scope(), older)).toBe('nodejs22.x');
  });

  test('is a synth error naming the aws-cdk-lib needed when neither runtime is there (never a template without Runtime)', () => {
    const { NODEJS_24_X: _a, NODEJS_22_X: _b, ...oldest } = CustomResourceProviderRuntime;
    expect(() => providerRuntime(scope(), oldest)).toThrow(
      `Stack: the flow-rule provider needs CustomResourceProviderRuntime.NODEJS_24_X or NODEJS_22_X, which the installed aws-cdk-lib does not have; use aws-cdk-lib ${AWS_CDK_LIB_FLOOR} or later`);
  });
});

test("package.json's aws-cdk-lib peer range starts at the floor the check installs, and the devDependency is newer", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
  expect(pkg.peerDependencies['aws-cdk-lib']).toBe(`^${AWS_CDK_LIB_FLOOR}`);
  const [, minor] = pkg.devDependencies['aws-cdk-lib'].split('.').map(Number);
  expect(minor).toBeGreaterThan(Number(AWS_CDK_LIB_FLOOR.split('.')[1]));
});
