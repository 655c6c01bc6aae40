import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { InboundAction, OutboundAction, WorkMailOrganization } from '../../lib';
import { ORG_ID, setup, WORKMAIL_FUNCTIONS } from './helpers';

// What WorkMailFunction adds to lambda.Function, WorkMailNodejsFunction adds to NodejsFunction: the same tests for both.
describe.each(WORKMAIL_FUNCTIONS)('%s', (_name, workMailFunction) => {
  test('defaults its timeout to 15 seconds and can be invoked by WorkMail for its organization only', () => {
    const { stack, org } = setup();
    workMailFunction(stack, org);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', { Timeout: 15, Runtime: 'nodejs24.x' });
    template.resourceCountIs('AWS::Lambda::Permission', 1);
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Principal: 'workmail.us-east-1.amazonaws.com',
      SourceAccount: '123456789012',
      SourceArn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:workmail:us-east-1:123456789012:organization/${ORG_ID}`]] },
    });
  });

  test('keeps a timeout the user sets', () => {
    const { stack, org } = setup();
    workMailFunction(stack, org, 'H', { timeout: Duration.seconds(5) });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', { Timeout: 5 });
  });

  test('its role writes only to its own log group, through an inline policy, with no managed policy', () => {
    const { stack, org } = setup();
    workMailFunction(stack, org);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
    const logGroupId = Object.keys(template.findResources('AWS::Logs::LogGroup'))[0];
    template.hasResourceProperties('AWS::Lambda::Function', { LoggingConfig: { LogGroup: { Ref: logGroupId } } });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] } }] },
    });
  });

  test('uses a log group the user gives, and leaves a role the user gives alone', () => {
    const { stack, org } = setup();
    const logGroup = new logs.LogGroup(stack, 'Mine');
    workMailFunction(stack, org, 'A', { logGroup });
    const role = new iam.Role(stack, 'Given', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    workMailFunction(stack, org, 'B', { role });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Logs::LogGroup', 1);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Mine'), 'Arn'] } }] },
    });
    expect(Object.keys(template.findResources('AWS::IAM::Policy'))).toHaveLength(1);
  });

  test('keeps managed policies other than the basic execution role (added later by the user)', () => {
    const { stack, org } = setup();
    const fn = workMailFunction(stack, org);
    fn.role!.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('AWSXRayDaemonWriteAccess'));
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AWSXRayDaemonWriteAccess']] }],
    });
  });

  test('addInboundRule and addOutboundRule make Run Lambda rules in its organization, sharing its permission', () => {
    const { stack, org } = setup();
    const fn = workMailFunction(stack, org);
    const inbound = fn.addInboundRule('Other', { synchronous: true, ruleTimeout: Duration.minutes(5), senderPatterns: ['*.example.org'], fallbackAction: InboundAction.MOVE_TO_JUNK });
    const outbound = fn.addOutboundRule('Other2', { synchronous: false, destinationPatterns: ['partner.example'] });
    expect(inbound.node.path).toBe('Stack/Handler/Other');
    expect(outbound.organization).toBe(org);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Lambda::Permission', 1);
    template.hasResourceProperties('Custom::WorkMailInboundFlowRule', {
      SenderPatterns: ['*.example.org'],
      Action: { Type: 'RUN_LAMBDA', Lambda: { InvocationType: 'SYNC', RuleTimeoutInMinutes: 5, FallbackAction: { Type: 'MOVE_TO_JUNK' } } },
    });
    template.hasResourceProperties('Custom::WorkMailOutboundFlowRule', {
      DestinationPatterns: ['partner.example'], Action: { Lambda: { InvocationType: 'ASYNC' } },
    });
  });

  test('the shorthand rejects what the rule rejects', () => {
    const { stack, org } = setup();
    const fn = workMailFunction(stack, org);
    expect(() => fn.addOutboundRule('Bad', { synchronous: true, fallbackAction: OutboundAction.DROP, destinationPatterns: ['x.example'] }))
      .toThrow("Stack/Handler/Bad: destinationPatterns must be exactly ['*'] for a synchronous Run Lambda rule");
  });

  test('is in the organization stack', () => {
    const { stack, org } = setup();
    expect(Stack.of(workMailFunction(stack, org))).toBe(stack);
  });
});

describe.each(WORKMAIL_FUNCTIONS)('%s environment', (_name, workMailFunction) => {
  test('an organization in another Region than the function is rejected', () => {
    const { stack } = setup();
    const org = WorkMailOrganization.fromOrganizationArn(stack, 'Far', `arn:aws:workmail:us-west-2:123456789012:organization/${ORG_ID}`);
    expect(() => workMailFunction(stack, org))
      .toThrow("Stack/Handler: organization is in Region us-west-2, but the stack Stack is in us-east-1; WorkMail only runs functions and manages rules in the organization's own account and Region");
  });
});
