import { App, CfnWaitConditionHandle, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { WorkMailOrganization } from '../../lib';
import { ENV, ORG_ID } from './helpers';

describe('WorkMailOrganization', () => {
  test('fromOrganizationId gives the id and the ARN in the stack account and Region', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    const org = WorkMailOrganization.fromOrganizationId(stack, 'Org', ORG_ID);
    expect(org.organizationId).toBe(ORG_ID);
    expect(stack.resolve(org.organizationArn)).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:workmail:us-east-1:123456789012:organization/${ORG_ID}`]],
    });
    expect(org.env).toMatchObject({ region: 'us-east-1', account: '123456789012' });
  });

  test.each([
    ['too short', 'm-0123'],
    ['upper-case hex', 'm-0123456789ABCDEF0123456789ABCDEF'],
    ['no m- prefix', '0123456789abcdef0123456789abcdef'],
  ])('rejects an organization id that is %s', (_what, id) => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    expect(() => WorkMailOrganization.fromOrganizationId(stack, 'Org', id))
      .toThrow(`S/Org: organizationId must be 'm-' followed by 32 lowercase hexadecimal digits (m-0123456789abcdef0123456789abcdef), got "${id}"`);
  });

  test('rejects a stack Region where WorkMail does not run', () => {
    const stack = new Stack(new App(), 'S', { env: { account: '123456789012', region: 'eu-central-1' } });
    expect(() => WorkMailOrganization.fromOrganizationId(stack, 'Org', ORG_ID))
      .toThrow('S/Org: the stack\'s Region "eu-central-1" is not a Region where Amazon WorkMail runs; use one of us-east-1, us-west-2, eu-west-1');
  });

  test.each(['us-east-1', 'us-west-2', 'eu-west-1'])('accepts %s', (region) => {
    const stack = new Stack(new App(), 'S', { env: { account: '123456789012', region } });
    expect(() => WorkMailOrganization.fromOrganizationId(stack, 'Org', ORG_ID)).not.toThrow();
  });

  test('warns when the stack Region is not known at synth time', () => {
    const stack = new Stack(new App(), 'S');
    new CfnWaitConditionHandle(stack, 'Something'); // a template needs one resource
    WorkMailOrganization.fromOrganizationId(stack, 'Org', ORG_ID);
    Annotations.fromStack(stack).hasWarning('/S/Org', Match.stringLikeRegexp('Region is not known at synth time.*us-east-1, us-west-2 and eu-west-1'));
  });

  test('an environment-agnostic stack renders the ARN with Region and account tokens', () => {
    const stack = new Stack(new App(), 'S');
    const org = WorkMailOrganization.fromOrganizationId(stack, 'Org', ORG_ID);
    expect(stack.resolve(org.organizationArn)).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':workmail:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:organization/${ORG_ID}`]],
    });
  });

  test('fromOrganizationArn takes id, Region and account from the ARN', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    const arn = `arn:aws:workmail:eu-west-1:210987654321:organization/${ORG_ID}`;
    const org = WorkMailOrganization.fromOrganizationArn(stack, 'Org', arn);
    expect(org.organizationId).toBe(ORG_ID);
    expect(org.organizationArn).toBe(arn);
    expect(org.env).toMatchObject({ region: 'eu-west-1', account: '210987654321' });
  });

  test('fromOrganizationArn rejects something that is not an organization ARN', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    expect(() => WorkMailOrganization.fromOrganizationArn(stack, 'Org', 'arn:aws:s3:::bucket'))
      .toThrow('S: Org: organizationArn must look like arn:aws:workmail:<region>:<account>:organization/<id>, got "arn:aws:s3:::bucket"');
  });

  test('fromOrganizationArn rejects a Region where WorkMail does not run', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    expect(() => WorkMailOrganization.fromOrganizationArn(stack, 'Org', `arn:aws:workmail:ap-south-1:123456789012:organization/${ORG_ID}`))
      .toThrow('S/Org: organizationArn\'s Region "ap-south-1" is not a Region where Amazon WorkMail runs');
  });
});
