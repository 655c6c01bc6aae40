/** `adoptExisting` on the flow rules and the shorthands of a WorkMail function. */
import { RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { InboundAction, InboundFlowRule, OutboundAction, OutboundFlowRule, WorkMailFunction } from '../../lib';
import { plainFunction, setup } from './helpers';

test('adoptExisting: true adds AdoptExisting to the resource; without it the properties stay as they were', () => {
  const { stack, org } = setup();
  new InboundFlowRule(stack, 'Adopting', { organization: org, action: InboundAction.DROP, ruleName: 'drop-all', adoptExisting: true });
  new InboundFlowRule(stack, 'Plain', { organization: org, action: InboundAction.DROP, ruleName: 'drop-more' });
  new OutboundFlowRule(stack, 'NotAdopting', { organization: org, action: OutboundAction.DROP, ruleName: 'drop-out', adoptExisting: false });
  const template = Template.fromStack(stack);
  template.hasResourceProperties('Custom::WorkMailInboundFlowRule', { Name: 'drop-all', AdoptExisting: true });
  template.hasResourceProperties('Custom::WorkMailInboundFlowRule', { Name: 'drop-more', AdoptExisting: Match.absent() });
  template.hasResourceProperties('Custom::WorkMailOutboundFlowRule', { Name: 'drop-out', AdoptExisting: Match.absent() });
});

test('the shorthands of a WorkMail function pass adoptExisting on, with the removal policy', () => {
  const { stack, org } = setup();
  const fn = new WorkMailFunction(stack, 'Fn', {
    organization: org, runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => ({})'),
  });
  fn.addInboundRule('In', { ruleName: 'scan', synchronous: true, adoptExisting: true, removalPolicy: RemovalPolicy.RETAIN });
  fn.addOutboundRule('Out', { ruleName: 'log', adoptExisting: true });
  const template = Template.fromStack(stack);
  template.hasResource('Custom::WorkMailInboundFlowRule', { Properties: { Name: 'scan', AdoptExisting: true }, DeletionPolicy: 'Retain' });
  template.hasResourceProperties('Custom::WorkMailOutboundFlowRule', { Name: 'log', AdoptExisting: true });
});

test('a Run Lambda rule of a function imported by ARN (as export writes it) adopts with the ARN as it is', () => {
  const { stack, org } = setup();
  const arn = 'arn:aws:lambda:us-east-1:123456789012:function:console-scanner';
  const fn = lambda.Function.fromFunctionArn(stack, 'Imported', arn);
  new InboundFlowRule(stack, 'Rule', { organization: org, action: InboundAction.runLambda(fn), adoptExisting: true });
  new InboundFlowRule(stack, 'Local', { organization: org, action: InboundAction.runLambda(plainFunction(stack)) });
  const template = Template.fromStack(stack);
  template.hasResourceProperties('Custom::WorkMailInboundFlowRule', {
    AdoptExisting: true, Action: { Type: 'RUN_LAMBDA', Lambda: { FunctionArn: arn, InvocationType: 'ASYNC' } },
  });
  // The imported function of the stack's account and Region gets WorkMail's invoke permission too (docs/existing-organizations.md).
  template.hasResourceProperties('AWS::Lambda::Permission', { FunctionName: arn, Principal: 'workmail.us-east-1.amazonaws.com' });
});
