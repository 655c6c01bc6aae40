import { CfnParameter, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import {
  InboundAction, InboundFlowRule, InboundFlowRuleProps, OutboundAction, OutboundFlowRule, WorkMailOrganization,
} from '../../lib';
import { ENV, ORG_ID, OTHER_ORG_ID, plainFunction, setup } from './helpers';

const ORG_ARN = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:workmail:us-east-1:123456789012:organization/${ORG_ID}`]] };

function inbound(overrides: Partial<InboundFlowRuleProps> = {}, id = 'Rule') {
  const { stack, org } = setup();
  const fn = plainFunction(stack);
  return () => new InboundFlowRule(stack, id, { organization: org, action: InboundAction.runLambda(fn, { synchronous: true }), ...overrides });
}

describe('InboundFlowRule and OutboundFlowRule render', () => {
  test('a synchronous inbound Run Lambda rule with its defaults', () => {
    const { stack, org } = setup();
    const fn = plainFunction(stack);
    new InboundFlowRule(stack, 'Scan', { organization: org, action: InboundAction.runLambda(fn, { synchronous: true }) });
    const template = Template.fromStack(stack);
    template.hasResource('Custom::WorkMailInboundFlowRule', {
      Properties: {
        OrganizationId: ORG_ID,
        Name: Match.stringLikeRegexp('^Stack-Scan-[0-9A-F]{8}$'),
        SenderPatterns: ['*'],
        DestinationPatterns: ['*'],
        Action: {
          Type: 'RUN_LAMBDA',
          Lambda: {
            FunctionArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Plain'), 'Arn'] },
            InvocationType: 'SYNC',
            FallbackAction: { Type: 'DEFAULT' },
            RuleTimeoutInMinutes: 30,
          },
        },
      },
      DeletionPolicy: 'Delete',
      DependsOn: [Match.stringLikeRegexp('^PlainAllowWorkMail')],
    });
  });

  test('an asynchronous outbound rule with patterns, name and description', () => {
    const { stack, org } = setup();
    const fn = plainFunction(stack);
    new OutboundFlowRule(stack, 'Log', {
      organization: org,
      action: OutboundAction.runLambda(fn),
      senderPatterns: ['example.com', '*.example.org', 'ceo@example.net'],
      destinationPatterns: ['partner.example'],
      ruleName: 'log-outbound',
      description: 'count what leaves',
    });
    Template.fromStack(stack).hasResourceProperties('Custom::WorkMailOutboundFlowRule', {
      Name: 'log-outbound',
      Description: 'count what leaves',
      SenderPatterns: ['example.com', '*.example.org', 'ceo@example.net'],
      DestinationPatterns: ['partner.example'],
      Action: { Type: 'RUN_LAMBDA', Lambda: { InvocationType: 'ASYNC', FallbackAction: Match.absent(), RuleTimeoutInMinutes: Match.absent() } },
    });
  });

  test('fallback action and timeout of a synchronous outbound rule', () => {
    const { stack, org } = setup();
    new OutboundFlowRule(stack, 'R', {
      organization: org,
      action: OutboundAction.runLambda(plainFunction(stack), {
        synchronous: true, fallbackAction: OutboundAction.bounce('try later'), ruleTimeout: Duration.minutes(0),
      }),
    });
    Template.fromStack(stack).hasResourceProperties('Custom::WorkMailOutboundFlowRule', {
      Action: { Lambda: { InvocationType: 'SYNC', FallbackAction: { Type: 'BOUNCE', BounceMessage: 'try later' }, RuleTimeoutInMinutes: 0 } },
    });
  });

  test('Duration.seconds(120) is two whole minutes', () => {
    const { stack, org } = setup();
    new InboundFlowRule(stack, 'R', { organization: org, action: InboundAction.runLambda(plainFunction(stack), { synchronous: true, ruleTimeout: Duration.seconds(120) }) });
    Template.fromStack(stack).hasResourceProperties('Custom::WorkMailInboundFlowRule', { Action: { Lambda: { RuleTimeoutInMinutes: 2 } } });
  });

  test.each([
    ['DEFAULT', InboundAction.DEFAULT, { Type: 'DEFAULT' }],
    ['DROP', InboundAction.DROP, { Type: 'DROP' }],
    ['MOVE_TO_JUNK', InboundAction.MOVE_TO_JUNK, { Type: 'MOVE_TO_JUNK' }],
    ['BYPASS_SPAM_CHECK', InboundAction.BYPASS_SPAM_CHECK, { Type: 'BYPASS_SPAM_CHECK' }],
    ['bounce', InboundAction.bounce('no thanks'), { Type: 'BOUNCE', BounceMessage: 'no thanks' }],
  ])('an inbound %s rule without a function', (_name, action, rendered) => {
    const { stack, org } = setup();
    new InboundFlowRule(stack, 'R', { organization: org, action, senderPatterns: ['spam.example'] });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('Custom::WorkMailInboundFlowRule', { Action: rendered });
    template.resourceCountIs('AWS::Lambda::Permission', 0);
  });

  test.each([
    ['DEFAULT', OutboundAction.DEFAULT, { Type: 'DEFAULT' }],
    ['DROP', OutboundAction.DROP, { Type: 'DROP' }],
    ['bounce', OutboundAction.bounce('blocked'), { Type: 'BOUNCE', BounceMessage: 'blocked' }],
    ['routeToSmtpGateway', OutboundAction.routeToSmtpGateway('archive-gw'), { Type: 'ROUTE_TO_SMTP_GATEWAY', SmtpGatewayName: 'archive-gw' }],
  ])('an outbound %s rule without a function', (_name, action, rendered) => {
    const { stack, org } = setup();
    new OutboundFlowRule(stack, 'R', { organization: org, action });
    Template.fromStack(stack).hasResourceProperties('Custom::WorkMailOutboundFlowRule', { Action: rendered });
  });

  test('removalPolicy RETAIN keeps the rule', () => {
    const { stack, org } = setup();
    new InboundFlowRule(stack, 'R', { organization: org, action: InboundAction.DROP, removalPolicy: RemovalPolicy.RETAIN });
    Template.fromStack(stack).hasResource('Custom::WorkMailInboundFlowRule', { DeletionPolicy: 'Retain' });
  });

  test('ruleId is the custom resource attribute', () => {
    const { stack, org } = setup();
    const rule = new InboundFlowRule(stack, 'R', { organization: org, action: InboundAction.DROP, ruleName: 'drop-it' });
    const [logicalId, attribute] = stack.resolve(rule.ruleId)['Fn::GetAtt'];
    expect(attribute).toBe('RuleId');
    expect(Object.keys(Template.fromStack(stack).findResources('Custom::WorkMailInboundFlowRule'))).toEqual([logicalId]);
    expect(rule.ruleName).toBe('drop-it');
  });

  test('the default name is unique per construct path and at most 64 characters', () => {
    const { stack, org } = setup();
    const long = 'x'.repeat(80);
    const a = new InboundFlowRule(stack, long, { organization: org, action: InboundAction.DROP });
    const b = new InboundFlowRule(stack, long + 'y', { organization: org, action: InboundAction.DROP });
    expect(a.ruleName.length).toBeLessThanOrEqual(64);
    expect(a.ruleName).not.toBe(b.ruleName);
  });
});

describe('permission and provider', () => {
  test('one permission per function and organization, however many rules; each rule depends on it', () => {
    const { stack, org } = setup();
    const fn = plainFunction(stack);
    new InboundFlowRule(stack, 'A', { organization: org, action: InboundAction.runLambda(fn, { synchronous: true }) });
    new InboundFlowRule(stack, 'B', { organization: org, action: InboundAction.runLambda(fn), senderPatterns: ['example.com'] });
    new OutboundFlowRule(stack, 'C', { organization: org, action: OutboundAction.runLambda(fn) });
    // a second import of the same organization shares the permission
    const again = WorkMailOrganization.fromOrganizationId(stack, 'OrgAgain', ORG_ID);
    new OutboundFlowRule(stack, 'D', { organization: again, action: OutboundAction.runLambda(fn), ruleName: 'd' });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Lambda::Permission', 1);
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'workmail.us-east-1.amazonaws.com',
      SourceArn: ORG_ARN,
      SourceAccount: '123456789012',
      FunctionName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Plain'), 'Arn'] },
    });
    const permissionId = Object.keys(template.findResources('AWS::Lambda::Permission'))[0];
    for (const type of ['Custom::WorkMailInboundFlowRule', 'Custom::WorkMailOutboundFlowRule']) {
      for (const rule of Object.values(template.findResources(type))) expect(rule.DependsOn).toContain(permissionId);
    }
  });

  test('a second organization gets its own permission', () => {
    const { stack, org } = setup();
    const other = WorkMailOrganization.fromOrganizationId(stack, 'Other', OTHER_ORG_ID);
    const fn = plainFunction(stack);
    new InboundFlowRule(stack, 'A', { organization: org, action: InboundAction.runLambda(fn) });
    new InboundFlowRule(stack, 'B', { organization: other, action: InboundAction.runLambda(fn) });
    Template.fromStack(stack).resourceCountIs('AWS::Lambda::Permission', 2);
  });

  test('an environment-agnostic stack uses the Region token in the principal and the account token as SourceAccount', () => {
    const { stack, org } = setup({});
    new InboundFlowRule(stack, 'A', { organization: org, action: InboundAction.runLambda(plainFunction(stack)) });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Permission', {
      Principal: { 'Fn::Join': ['', ['workmail.', { Ref: 'AWS::Region' }, '.amazonaws.com']] },
      SourceAccount: { Ref: 'AWS::AccountId' },
    });
  });

  test('one provider function for many rules, with flow-rule actions on the organizations used and no managed policy', () => {
    const { stack, org } = setup();
    const other = WorkMailOrganization.fromOrganizationId(stack, 'Other', OTHER_ORG_ID);
    const fn = plainFunction(stack);
    for (let i = 0; i < 5; i++) new InboundFlowRule(stack, `In${i}`, { organization: org, action: InboundAction.runLambda(fn), senderPatterns: [`s${i}.example`] });
    new OutboundFlowRule(stack, 'Out', { organization: other, action: OutboundAction.DROP });
    const template = Template.fromStack(stack);
    const functions = template.findResources('AWS::Lambda::Function', { Properties: { Handler: '__entrypoint__.handler' } });
    expect(Object.keys(functions)).toHaveLength(1);
    const provider = Object.values(functions)[0];
    expect(provider.Properties.Runtime).toBe('nodejs24.x');
    const roles = template.findResources('AWS::IAM::Role', { Properties: { Policies: Match.anyValue() } });
    const role = Object.values(roles)[0];
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const statements = role.Properties.Policies[0].PolicyDocument.Statement;
    const otherArn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:workmail:us-east-1:123456789012:organization/${OTHER_ORG_ID}`]] };
    expect(statements).toEqual(expect.arrayContaining([
      { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [expect.stringMatching(/^WorkMailFlowRuleProviderLogs/), 'Arn'] } },
      { Effect: 'Allow', Action: ['workmail:CreateInboundMailFlowRule', 'workmail:UpdateInboundMailFlowRule', 'workmail:DeleteInboundMailFlowRule'], Resource: ORG_ARN },
      { Effect: 'Allow', Action: ['workmail:CreateOutboundMailFlowRule', 'workmail:UpdateOutboundMailFlowRule', 'workmail:DeleteOutboundMailFlowRule'], Resource: otherArn },
      // Read-only, to tell which limit a LimitExceededException is about.
      { Effect: 'Allow', Action: ['workmail:ListInboundMailFlowRules', 'workmail:ListOutboundMailFlowRules'], Resource: ORG_ARN },
      { Effect: 'Allow', Action: ['workmail:ListInboundMailFlowRules', 'workmail:ListOutboundMailFlowRules'], Resource: otherArn },
    ]));
    expect(statements).toHaveLength(5);
    expect(JSON.stringify(statements)).not.toContain('"*"');
  });

  test('an imported function whose permission cannot be added gets a warning with the CLI line', () => {
    const { stack, org } = setup();
    const fn = lambda.Function.fromFunctionAttributes(stack, 'Imported', {
      functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:existing', sameEnvironment: false,
    });
    new InboundFlowRule(stack, 'R', { organization: org, action: InboundAction.runLambda(fn) });
    Template.fromStack(stack).resourceCountIs('AWS::Lambda::Permission', 0);
    Annotations.fromStack(stack).hasWarning('/Stack/R', Match.stringLikeRegexp(
      'aws --region us-east-1 lambda add-permission --function-name arn:aws:lambda:us-east-1:123456789012:function:existing ' +
      '--statement-id AllowWorkMail0123456789abcdef0123456789abcdef --action lambda:InvokeFunction --principal workmail.us-east-1.amazonaws.com ' +
      '--source-arn ORGANIZATION_ARN --source-account 123456789012'));
  });

  test('an imported function of the same account gets the permission', () => {
    const { stack, org } = setup();
    const fn = lambda.Function.fromFunctionArn(stack, 'Imported', 'arn:aws:lambda:us-east-1:123456789012:function:existing');
    new InboundFlowRule(stack, 'R', { organization: org, action: InboundAction.runLambda(fn) });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Permission', { FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:existing' });
  });
});

describe('synth-time validation', () => {
  const fnOf = (stack: Stack, props: Partial<lambda.FunctionProps> = {}) => plainFunction(stack, 'Plain', props);

  test.each([
    [Duration.minutes(241), '241 minutes'],
    [Duration.seconds(90), '1 minute 30 seconds'],
    [Duration.hours(5), '300 minutes'],
  ])('ruleTimeout %s is rejected', (ruleTimeout, shown) => {
    const { stack, org } = setup();
    expect(() => new InboundFlowRule(stack, 'R', { organization: org, action: InboundAction.runLambda(fnOf(stack), { synchronous: true, ruleTimeout }) }))
      .toThrow(`Stack/R: ruleTimeout must be a whole number of minutes from 0 to 240, got ${shown}`);
  });

  test('ruleTimeout 240 minutes is accepted', () => {
    const { stack, org } = setup();
    new InboundFlowRule(stack, 'R', { organization: org, action: InboundAction.runLambda(fnOf(stack), { synchronous: true, ruleTimeout: Duration.hours(4) }) });
    Template.fromStack(stack).hasResourceProperties('Custom::WorkMailInboundFlowRule', { Action: { Lambda: { RuleTimeoutInMinutes: 240 } } });
  });

  test('ruleTimeout with synchronous: false is rejected', () => {
    const { stack, org } = setup();
    expect(() => new OutboundFlowRule(stack, 'R', { organization: org, action: OutboundAction.runLambda(fnOf(stack), { ruleTimeout: Duration.minutes(5) }) }))
      .toThrow('Stack/R: ruleTimeout is only allowed with synchronous: true (an asynchronous Run Lambda action has no fallback action and no rule timeout), got 5 minutes');
  });

  test('fallbackAction with synchronous: false is rejected', () => {
    const { stack, org } = setup();
    expect(() => new InboundFlowRule(stack, 'R', { organization: org, action: InboundAction.runLambda(fnOf(stack), { synchronous: false, fallbackAction: InboundAction.DROP }) }))
      .toThrow('Stack/R: fallbackAction is only allowed with synchronous: true (an asynchronous Run Lambda action has no fallback action and no rule timeout), got InboundAction.DROP');
  });

  test('a Run Lambda action as fallbackAction is rejected', () => {
    const { stack, org } = setup();
    const fn = fnOf(stack);
    expect(() => new InboundFlowRule(stack, 'R', { organization: org, action: InboundAction.runLambda(fn, { synchronous: true, fallbackAction: InboundAction.runLambda(fn) }) }))
      .toThrow('Stack/R: fallbackAction "RUN_LAMBDA" is not allowed as a fallback action of an inbound rule (a fallback action cannot be another Run Lambda action); allowed: DEFAULT, DROP, BOUNCE, MOVE_TO_JUNK, BYPASS_SPAM_CHECK');
  });

  test('a synchronous rule with destination patterns other than [*] is rejected', () => {
    expect(inbound({ destinationPatterns: ['example.com'] }))
      .toThrow('Stack/Rule: destinationPatterns must be exactly [\'*\'] for a synchronous Run Lambda rule (WorkMail supports only the \'*\' destination condition there), got ["example.com"]');
  });

  test('an asynchronous rule may narrow its destination patterns', () => {
    const { stack, org } = setup();
    new InboundFlowRule(stack, 'R', { organization: org, action: InboundAction.runLambda(fnOf(stack)), destinationPatterns: ['team@example.com'] });
    Template.fromStack(stack).hasResourceProperties('Custom::WorkMailInboundFlowRule', { DestinationPatterns: ['team@example.com'] });
  });

  const FORMS = "each must be '*', an address (user@example.com), a domain (example.com) or a subdomain wildcard (*.example.com)";
  test('an empty sender pattern list is rejected', () => {
    expect(inbound({ senderPatterns: [] })).toThrow(`Stack/Rule: senderPatterns must hold at least one pattern, got an empty list; ${FORMS}`);
  });
  test('an empty destination pattern list is rejected', () => {
    expect(inbound({ action: InboundAction.DROP, destinationPatterns: [] })).toThrow('Stack/Rule: destinationPatterns must hold at least one pattern, got an empty list');
  });
  test.each([
    ['whitespace', 'bad domain.com', 'a pattern cannot contain whitespace'],
    ['a plus sign', 'user+tag@example.com', "a pattern cannot contain '+'"],
    ['a wildcard inside a domain', 'ex*ample.com', "a wildcard is only allowed as '*' or a leading '*.'"],
    ['a wildcard in an address', '*@example.com', "a wildcard '*' cannot be part of an address"],
    ['an empty pattern', '', 'a pattern cannot be empty'],
    ['a bad domain', '-example.com', "'-example.com' is not a valid domain"],
    ['a bad local part', '.user@example.com', "'.user' is not a valid local part"],
  ])('a sender pattern with %s is rejected', (_what, pattern, reason) => {
    expect(inbound({ senderPatterns: ['example.com', pattern] }))
      .toThrow(`Stack/Rule: senderPatterns has an invalid pattern ${JSON.stringify(pattern)}: ${reason}; ${FORMS}`);
  });
  test('an invalid destination pattern is rejected', () => {
    expect(inbound({ action: InboundAction.DROP, destinationPatterns: ['a b'] }))
      .toThrow('Stack/Rule: destinationPatterns has an invalid pattern "a b": a pattern cannot contain whitespace');
  });
  test('more than 250 sender patterns are rejected; 250 pass', () => {
    const patterns = (n: number) => Array.from({ length: n }, (_, i) => `d${i}.example.com`);
    expect(inbound({ senderPatterns: patterns(251) })).toThrow('Stack/Rule: senderPatterns holds 251 patterns; at most 250 are allowed');
    expect(inbound({ senderPatterns: patterns(250) })).not.toThrow();
  });
  test('duplicate patterns are rejected, without regard to case', () => {
    expect(inbound({ senderPatterns: ['example.com', 'EXAMPLE.com'] }))
      .toThrow('Stack/Rule: senderPatterns lists "EXAMPLE.com" more than once; each pattern may appear once');
  });

  test.each([
    ['empty', '', '"" (0 characters)'],
    ['65 characters', 'n'.repeat(65), `"${'n'.repeat(65)}" (65 characters)`],
  ])('a ruleName that is %s is rejected', (_what, ruleName, shown) => {
    expect(inbound({ ruleName })).toThrow(`Stack/Rule: ruleName must be 1 to 64 characters long, got ${shown}`);
  });

  test('a description over 256 characters is rejected', () => {
    expect(inbound({ description: 'd'.repeat(257) })).toThrow('Stack/Rule: description must be at most 256 characters long, got 257 characters');
  });

  test('a rule name used twice in an organization and direction fails synth, naming both rules', () => {
    const { app, stack, org } = setup();
    new InboundFlowRule(stack, 'A', { organization: org, action: InboundAction.DROP, ruleName: 'same' });
    const other = new Stack(app, 'Other', { env: ENV });
    new InboundFlowRule(other, 'B', { organization: WorkMailOrganization.fromOrganizationId(other, 'Org', ORG_ID), action: InboundAction.DROP, ruleName: 'same' });
    expect(() => app.synth()).toThrow(/ruleName "same" is also used by the inbound rule Other\/B; rule names must be unique among an organization's inbound rules \(organization m-0123456789abcdef0123456789abcdef\)/);
  });

  test('the same rule name in another direction or organization is fine', () => {
    const { app, stack, org } = setup();
    new InboundFlowRule(stack, 'A', { organization: org, action: InboundAction.DROP, ruleName: 'same' });
    new OutboundFlowRule(stack, 'B', { organization: org, action: OutboundAction.DROP, ruleName: 'same' });
    new InboundFlowRule(stack, 'C', { organization: WorkMailOrganization.fromOrganizationId(stack, 'O2', OTHER_ORG_ID), action: InboundAction.DROP, ruleName: 'same' });
    expect(() => app.synth()).not.toThrow();
  });

  test('bounce with an empty message is rejected', () => {
    expect(inbound({ action: InboundAction.bounce('') }))
      .toThrow('Stack/Rule: action InboundAction.bounce(message): message must be a non-empty bounce message, got ""');
  });

  test('an empty bounce message as fallback is rejected', () => {
    const { stack, org } = setup();
    expect(() => new OutboundFlowRule(stack, 'R', { organization: org, action: OutboundAction.runLambda(fnOf(stack), { synchronous: true, fallbackAction: OutboundAction.bounce('  ') }) }))
      .toThrow('Stack/R: fallbackAction OutboundAction.bounce(message): message must be a non-empty bounce message, got "  "');
  });

  test('an empty SMTP gateway name is rejected', () => {
    const { stack, org } = setup();
    expect(() => new OutboundFlowRule(stack, 'R', { organization: org, action: OutboundAction.routeToSmtpGateway('') }))
      .toThrow('Stack/R: action OutboundAction.routeToSmtpGateway(gatewayName): gatewayName must be the name of an SMTP gateway of the organization (non-empty, no whitespace), got ""');
  });

  test('a function in another Region is rejected', () => {
    const { stack, org } = setup();
    const fn = lambda.Function.fromFunctionArn(stack, 'Far', 'arn:aws:lambda:eu-west-1:123456789012:function:far');
    expect(() => new InboundFlowRule(stack, 'R', { organization: org, action: InboundAction.runLambda(fn) }))
      .toThrow("Stack/R: action InboundAction.runLambda(): function is in Region eu-west-1, but the organization is in us-east-1; WorkMail only runs functions and manages rules in the organization's own account and Region");
  });

  test('a function in another account is rejected', () => {
    const { stack, org } = setup();
    const fn = lambda.Function.fromFunctionArn(stack, 'Far', 'arn:aws:lambda:us-east-1:999999999999:function:far');
    expect(() => new OutboundFlowRule(stack, 'R', { organization: org, action: OutboundAction.runLambda(fn) }))
      .toThrow('Stack/R: action OutboundAction.runLambda(): function is in account 999999999999, but the organization is in account 123456789012');
  });

  test('an organization in another Region than the stack is rejected', () => {
    const { stack } = setup();
    const org = WorkMailOrganization.fromOrganizationArn(stack, 'Far', `arn:aws:workmail:eu-west-1:123456789012:organization/${ORG_ID}`);
    expect(() => new InboundFlowRule(stack, 'R', { organization: org, action: InboundAction.DROP }))
      .toThrow('Stack/R: organization is in Region eu-west-1, but the stack Stack is in us-east-1');
  });

  test('a synchronous rule whose function may run longer than 15 seconds gets a warning', () => {
    const { stack, org } = setup();
    new InboundFlowRule(stack, 'R', { organization: org, action: InboundAction.runLambda(fnOf(stack, { timeout: Duration.seconds(30) }), { synchronous: true }) });
    Annotations.fromStack(stack).hasWarning('/Stack/R', Match.stringLikeRegexp(
      'the function Stack/Plain has a timeout of 30 seconds, but WorkMail counts a synchronous invocation that has not answered after 15 seconds as failed'));
  });

  test('an asynchronous rule with a slow function gets no warning', () => {
    const { stack, org } = setup();
    new InboundFlowRule(stack, 'R', { organization: org, action: InboundAction.runLambda(fnOf(stack, { timeout: Duration.minutes(5) })) });
    Annotations.fromStack(stack).hasNoWarning('/Stack/R', Match.anyValue());
  });

  test('values that are tokens are passed through unchecked', () => {
    const { stack, org } = setup();
    const name = new CfnParameter(stack, 'Name').valueAsString;
    const minutes = new CfnParameter(stack, 'Minutes', { type: 'Number' }).valueAsNumber;
    const senders = new CfnParameter(stack, 'Senders', { type: 'CommaDelimitedList' }).valueAsList;
    new InboundFlowRule(stack, 'R', {
      organization: org, ruleName: name, senderPatterns: senders,
      action: InboundAction.runLambda(fnOf(stack), { synchronous: true, ruleTimeout: Duration.minutes(minutes) }),
    });
    Template.fromStack(stack).hasResourceProperties('Custom::WorkMailInboundFlowRule', {
      Name: { Ref: 'Name' }, SenderPatterns: { Ref: 'Senders' }, Action: { Lambda: { RuleTimeoutInMinutes: { Ref: 'Minutes' } } },
    });
    expect(Token.isUnresolved(name)).toBe(true);
  });

  test('a rule whose Run Lambda options are invalid adds no permission to the function', () => {
    const { stack, org } = setup();
    const fn = fnOf(stack);
    expect(() => new InboundFlowRule(stack, 'R', { organization: org, action: InboundAction.runLambda(fn, { ruleTimeout: Duration.minutes(5) }) })).toThrow();
    expect(() => new InboundFlowRule(stack, 'S', { organization: org, action: InboundAction.runLambda(fn, { synchronous: true, ruleTimeout: Duration.minutes(500) }) })).toThrow();
    expect(fn.permissionsNode.children.filter((c) => c.node.id.startsWith('AllowWorkMail'))).toEqual([]);
  });

  test('in a list that mixes tokens and literals, the literals are checked', () => {
    const { stack, org } = setup();
    const sender = new CfnParameter(stack, 'Sender').valueAsString;
    new InboundFlowRule(stack, 'Ok', { organization: org, action: InboundAction.DROP, senderPatterns: [sender] });
    expect(() => new InboundFlowRule(stack, 'Bad', { organization: org, action: InboundAction.DROP, senderPatterns: [sender, 'bad domain'] }))
      .toThrow('Stack/Bad: senderPatterns has an invalid pattern "bad domain": a pattern cannot contain whitespace');
  });

  test('nothing invalid reaches the template: a failed rule leaves no custom resource behind', () => {
    const { stack, org } = setup();
    expect(() => new InboundFlowRule(stack, 'R', { organization: org, action: InboundAction.bounce('') })).toThrow();
    expect(stack.node.tryFindChild('R')?.node.tryFindChild('Resource')).toBeUndefined();
  });
});

describe('sender patterns per organization (WorkMail quota of 1,000, inbound and outbound together)', () => {
  const patterns = (count: number, domain = 'example.com') => Array.from({ length: count }, (_, i) => `user${i}@${domain}`);
  const orgIn = (stack: Stack, id = ORG_ID) => WorkMailOrganization.fromOrganizationId(stack, `Org${id.slice(-4)}`, id);
  const synthError = (app: { synth(): unknown }) => {
    try {
      app.synth();
    } catch (e) {
      return (e as Error).message;
    }
    return '';
  };
  const QUOTA = 'but WorkMail allows at most 1,000 sender patterns per organization (a hard quota)';

  test('1,000 patterns over both directions and two stacks synthesize', () => {
    const { app, stack, org } = setup();
    new InboundFlowRule(stack, 'A', { organization: org, action: InboundAction.DROP, senderPatterns: patterns(250) });
    new OutboundFlowRule(stack, 'B', { organization: org, action: OutboundAction.DROP, senderPatterns: patterns(250) });
    const other = new Stack(app, 'Other', { env: ENV });
    const otherOrg = orgIn(other);
    new InboundFlowRule(other, 'C', { organization: otherOrg, action: InboundAction.DROP, senderPatterns: patterns(250, 'example.org') });
    new OutboundFlowRule(other, 'D', { organization: otherOrg, action: OutboundAction.DROP, senderPatterns: patterns(249, 'example.org') });
    new OutboundFlowRule(other, 'E', { organization: otherOrg, action: OutboundAction.DROP }); // ['*'] is one pattern
    expect(() => app.synth()).not.toThrow();
  });

  test('one pattern more, in another stack, fails synth once, naming the organization, the count, the limit and the rules', () => {
    const { app, stack, org } = setup();
    new InboundFlowRule(stack, 'A', { organization: org, action: InboundAction.DROP, senderPatterns: patterns(250) });
    new OutboundFlowRule(stack, 'B', { organization: org, action: OutboundAction.DROP, senderPatterns: patterns(250) });
    const other = new Stack(app, 'Other', { env: ENV });
    const otherOrg = orgIn(other);
    new InboundFlowRule(other, 'C', { organization: otherOrg, action: InboundAction.DROP, senderPatterns: patterns(250, 'example.org') });
    new OutboundFlowRule(other, 'D', { organization: otherOrg, action: OutboundAction.DROP, senderPatterns: patterns(250, 'example.org') });
    new InboundFlowRule(other, 'E', { organization: otherOrg, action: InboundAction.DROP, senderPatterns: ['example.net'] });
    const message = synthError(app);
    expect(message).toContain(`[Stack/A] the email flow rules of this app hold 1,001 sender patterns for organization ${ORG_ID} (inbound and outbound rules together), ${QUOTA}; `
      + 'sender patterns by rule: Stack/A (250), Stack/B (250), Other/C (250), Other/D (250), Other/E (1); '
      + 'remove sender patterns from this or other rules of the organization, or merge rules that take the same action');
    expect(message.match(/sender patterns for organization/g)).toHaveLength(1);
  });

  test('each organization has its own count', () => {
    const { app, stack, org } = setup();
    for (let i = 0; i < 4; i++) new InboundFlowRule(stack, `A${i}`, { organization: org, action: InboundAction.DROP, senderPatterns: patterns(250, `d${i}.example`) });
    const other = orgIn(stack, OTHER_ORG_ID);
    new InboundFlowRule(stack, 'B', { organization: other, action: InboundAction.DROP, senderPatterns: patterns(250) });
    expect(() => app.synth()).not.toThrow();
  });

  test('with many rules the largest ten are named and the rest summed up', () => {
    const { app, stack, org } = setup();
    for (let i = 0; i < 12; i++) new OutboundFlowRule(stack, `R${i}`, { organization: org, action: OutboundAction.DROP, senderPatterns: patterns(90 - i, `d${i}.example`) });
    expect(() => app.synth()).toThrow(/hold 1,014 sender patterns .*; sender patterns by rule: Stack\/R0 \(90\), Stack\/R1 \(89\), .*Stack\/R9 \(81\), 2 more rules \(159\); remove/);
  });

  test('a pattern list that is a token is not counted, and the error says so; a token in a literal list is one pattern', () => {
    const build = (withTokenEntry: boolean) => {
      const { app, stack, org } = setup();
      const list = new CfnParameter(stack, 'Senders', { type: 'CommaDelimitedList' }).valueAsList;
      new InboundFlowRule(stack, 'Listed', { organization: org, action: InboundAction.DROP, senderPatterns: list });
      for (let i = 0; i < 4; i++) new InboundFlowRule(stack, `A${i}`, { organization: org, action: InboundAction.DROP, senderPatterns: patterns(250, `d${i}.example`) });
      if (withTokenEntry) {
        const one = new CfnParameter(stack, 'Sender').valueAsString;
        new OutboundFlowRule(stack, 'Token', { organization: org, action: OutboundAction.DROP, senderPatterns: [one] });
      }
      return app;
    };
    expect(synthError(build(false))).toBe('');
    expect(synthError(build(true))).toMatch(
      /\[Stack\/Listed\] the email flow rules of this app hold 1,001 sender patterns .*Stack\/Token \(1\); not counted \(sender patterns not known at synth time\): Stack\/Listed; remove sender patterns/);
  });

  test('rules of an organization known only at deploy time are not counted', () => {
    const { app, stack } = setup();
    const org = WorkMailOrganization.fromOrganizationId(stack, 'Deferred', new CfnParameter(stack, 'OrgId').valueAsString);
    for (let i = 0; i < 5; i++) new InboundFlowRule(stack, `A${i}`, { organization: org, action: InboundAction.DROP, senderPatterns: patterns(250, `d${i}.example`) });
    expect(() => app.synth()).not.toThrow();
  });
});
