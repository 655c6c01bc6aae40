// The TypeScript side of the consumer suite (scripts/compat-check.mjs): type-checked with `strict` under
// moduleResolution node16 and bundler against the installed aws-cdk-lib, with skipLibCheck off so that the
// library's own .d.ts files are checked against that aws-cdk-lib too.
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import {
  IWorkMailOrganization, InboundAction, InboundFlowRule, OutboundAction, OutboundFlowRule, WorkMailFunction,
  WorkMailFunctionProps, WorkMailOrganization,
} from 'cdk-workmail-lambda';

const app = new App();
const stack = new Stack(app, 'Typed', { env: { account: '123456789012', region: 'us-east-1' } });
const organization: IWorkMailOrganization = WorkMailOrganization.fromOrganizationId(stack, 'Org', 'm-0123456789abcdef0123456789abcdef');
const props: WorkMailFunctionProps = {
  organization,
  runtime: lambda.Runtime.NODEJS_22_X,
  handler: 'index.handler',
  code: lambda.Code.fromInline('exports.handler = async () => ({ actions: [] });'),
};
const fn: lambda.IFunction = new WorkMailFunction(stack, 'Fn', props);
const inbound: InboundFlowRule = new InboundFlowRule(stack, 'In', {
  organization,
  action: InboundAction.runLambda(fn, { synchronous: true, fallbackAction: InboundAction.MOVE_TO_JUNK, ruleTimeout: Duration.minutes(5) }),
});
new OutboundFlowRule(stack, 'Out', { organization, action: OutboundAction.runLambda(fn), senderPatterns: ['example.com'] });
export const ruleId: string = inbound.ruleId;

// @ts-expect-error the organization is required
new WorkMailFunction(stack, 'NoOrganization', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('x') });
