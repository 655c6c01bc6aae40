/** The synth warning cdk-workmail-lambda:shadowedRule (decided by lambda/rules/precedence shadowingRule). */
import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { InboundAction, InboundFlowRule, OutboundAction, OutboundFlowRule, WorkMailOrganization } from '../../lib';
import { ENV, ORG_ID, OTHER_ORG_ID, plainFunction, setup } from './helpers';

const SHADOWED = 'cdk-workmail-lambda:shadowedRule';

test('a Run Lambda rule with the same patterns as a non-Lambda rule of the organization and direction is warned about, naming both', () => {
  const { stack, org } = setup();
  const fn = plainFunction(stack);
  new InboundFlowRule(stack, 'Scan', { organization: org, ruleName: 'scan', action: InboundAction.runLambda(fn, { synchronous: true }) });
  new InboundFlowRule(stack, 'Deliver', { organization: org, ruleName: 'deliver-all', action: InboundAction.DEFAULT });
  Annotations.fromStack(stack).hasWarning('/Stack/Scan', Match.stringLikeRegexp(
    `the Run Lambda rule "scan" never runs: the inbound rule Stack/Deliver \\("deliver-all", DEFAULT\\) matches every sender and destination pattern.*\\[ack: ${SHADOWED}\\]`));
  Annotations.fromStack(stack).hasNoWarning('/Stack/Deliver', Match.anyValue());
});

test('a rule in another stack of the app shadows too; patterns that include all of the Run Lambda rule\'s (in any case) count', () => {
  const app = new App();
  const a = new Stack(app, 'A', { env: ENV });
  const b = new Stack(app, 'B', { env: ENV });
  const orgA = WorkMailOrganization.fromOrganizationId(a, 'Org', ORG_ID);
  const orgB = WorkMailOrganization.fromOrganizationId(b, 'Org', ORG_ID);
  new OutboundFlowRule(a, 'Count', {
    organization: orgA, ruleName: 'count', senderPatterns: ['Example.com'], destinationPatterns: ['partner.example'],
    action: OutboundAction.runLambda(plainFunction(a)),
  });
  new OutboundFlowRule(b, 'Block', {
    organization: orgB, ruleName: 'block', senderPatterns: ['example.com', 'example.org'], destinationPatterns: ['partner.example', 'other.example'],
    action: OutboundAction.bounce('no'),
  });
  Annotations.fromStack(a).hasWarning('/A/Count', Match.stringLikeRegexp('the Run Lambda rule "count" never runs: the outbound rule B/Block'));
});

test('no warning: another direction, another organization, narrower patterns, another Run Lambda rule, or token patterns', () => {
  const { stack, org } = setup();
  const fn = plainFunction(stack);
  const other = WorkMailOrganization.fromOrganizationId(stack, 'Other', OTHER_ORG_ID);
  new InboundFlowRule(stack, 'Scan', { organization: org, ruleName: 'scan', action: InboundAction.runLambda(fn, { synchronous: true }) });
  new OutboundFlowRule(stack, 'OutDrop', { organization: org, ruleName: 'out-drop', action: OutboundAction.DROP });
  new InboundFlowRule(stack, 'OtherOrg', { organization: other, ruleName: 'other', action: InboundAction.DROP });
  new InboundFlowRule(stack, 'Narrow', { organization: org, ruleName: 'narrow', senderPatterns: ['bad.example'], action: InboundAction.DROP });
  new InboundFlowRule(stack, 'Log', { organization: org, ruleName: 'log', action: InboundAction.runLambda(fn) });
  const listed = new CfnParameter(stack, 'Senders', { type: 'CommaDelimitedList' });
  new InboundFlowRule(stack, 'Listed', { organization: org, ruleName: 'listed', senderPatterns: listed.valueAsList, action: InboundAction.runLambda(fn) });
  new InboundFlowRule(stack, 'ListedDrop', { organization: org, ruleName: 'listed-drop', senderPatterns: listed.valueAsList, action: InboundAction.DROP });
  const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(SHADOWED));
  expect(warnings).toEqual([]);
});
