import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { App, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IWorkMailOrganization, MessageContent, MessageContentBucket, WorkMailOrganization } from '../../lib';
import { ENV, ORG_ID, OTHER_ORG_ID, plainFunction, setup, workMailFunction, WORKMAIL_FUNCTIONS } from './helpers';

const messagesArn = (orgId = ORG_ID) => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:workmailmessageflow:us-east-1:123456789012:message/${orgId}/*`]],
});

/** Every statement of every IAM policy in the template. */
function iamStatements(template: Template): any[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

describe('grantReadMessageContent', () => {
  test.each(WORKMAIL_FUNCTIONS)('%s: grantReadMessageContent(): GetRawMessageContent on the organization\'s messages only', (_name, workMailFunction) => {
    const { stack, org } = setup();
    const fn = workMailFunction(stack, org);
    fn.grantReadMessageContent();
    const statements = iamStatements(Template.fromStack(stack)).filter((s) => JSON.stringify(s.Action).includes('workmailmessageflow'));
    expect(statements).toEqual([{ Effect: 'Allow', Action: 'workmailmessageflow:GetRawMessageContent', Resource: messagesArn() }]);
  });

  test('the standalone MessageContent.grantRead() gives any function the same as WorkMailFunction.grantReadMessageContent()', () => {
    const { stack, org } = setup();
    MessageContent.grantRead(plainFunction(stack, 'A'), org);
    workMailFunction(stack, org, 'B').grantReadMessageContent();
    const statements = iamStatements(Template.fromStack(stack)).filter((s) => JSON.stringify(s.Action).includes('workmailmessageflow'));
    expect(statements).toEqual([
      { Effect: 'Allow', Action: 'workmailmessageflow:GetRawMessageContent', Resource: messagesArn() },
      { Effect: 'Allow', Action: 'workmailmessageflow:GetRawMessageContent', Resource: messagesArn() },
    ]);
  });

  test('MessageContent.grantRead() on an imported function grants to its role', () => {
    const { stack, org } = setup();
    const role = iam.Role.fromRoleArn(stack, 'ImportedRole', 'arn:aws:iam::123456789012:role/handler-role');
    const fn = lambda.Function.fromFunctionAttributes(stack, 'Imported', {
      functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:handler', role, sameEnvironment: true,
    });
    MessageContent.grantRead(fn, org);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: ['handler-role'],
      PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'workmailmessageflow:GetRawMessageContent', Resource: messagesArn() }] },
    });
  });

  test('an organization of an ARN is named in its own account and Region', () => {
    const { stack } = setup();
    const org = WorkMailOrganization.fromOrganizationArn(stack, 'ByArn', `arn:aws:workmail:us-east-1:123456789012:organization/${OTHER_ORG_ID}`);
    expect(stack.resolve(MessageContent.messagesArn(org))).toEqual(messagesArn(OTHER_ORG_ID));
  });

  test('an environment-agnostic stack: the ARN takes the account and Region at deploy time', () => {
    const app = new App();
    const stack = new Stack(app, 'Agnostic');
    const org = WorkMailOrganization.fromOrganizationId(stack, 'Org', ORG_ID);
    MessageContent.grantRead(plainFunction(stack), org);
    const statement = iamStatements(Template.fromStack(stack)).find((s) => s.Action === 'workmailmessageflow:GetRawMessageContent');
    expect(statement.Resource).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':workmailmessageflow:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:message/${ORG_ID}/*`]],
    });
  });

  test('error: the standalone grant without an organization', () => {
    const { stack } = setup();
    const fn = plainFunction(stack);
    expect(() => MessageContent.grantRead(fn, undefined as unknown as IWorkMailOrganization)).toThrow(
      /Stack\/Plain: organization is required, got undefined: message content is granted per organization \(arn:<partition>:workmailmessageflow:<region>:<account>:message\/<organizationId>\/\*\); pass the IWorkMailOrganization/);
  });

  test('error: an organization whose id, account or Region is unknown (a hand-made IWorkMailOrganization)', () => {
    const { stack, org } = setup();
    const fn = plainFunction(stack);
    const noEnv = { organizationId: ORG_ID, organizationArn: org.organizationArn, env: { account: '', region: '' }, node: org.node, stack } as unknown as IWorkMailOrganization;
    expect(() => MessageContent.grantRead(fn, noEnv)).toThrow(/organization has no account or Region: the organization is unknown, so its messages cannot be named/);
    const noId = { ...noEnv, organizationId: '', env: org.env } as unknown as IWorkMailOrganization;
    expect(() => MessageContent.grantRead(fn, noId)).toThrow(/organization has no organizationId: the organization is unknown/);
  });

  test('error: a function in another Region or account than the organization', () => {
    const { stack } = setup();
    const org = WorkMailOrganization.fromOrganizationArn(stack, 'Far', `arn:aws:workmail:eu-west-1:123456789012:organization/${OTHER_ORG_ID}`);
    expect(() => MessageContent.grantRead(plainFunction(stack), org)).toThrow(
      /Stack\/Plain: the function is in Region us-east-1, but the organization is in eu-west-1/);
    const other = WorkMailOrganization.fromOrganizationArn(stack, 'OtherAccount', `arn:aws:workmail:us-east-1:999999999999:organization/${OTHER_ORG_ID}`);
    expect(() => MessageContent.grantRead(plainFunction(stack, 'P2'), other)).toThrow(
      /the function is in account 123456789012, but the organization is in account 999999999999/);
  });
});

describe('grantWriteMessageContent', () => {
  test.each(WORKMAIL_FUNCTIONS)('%s: with no bucket: a MessageContentBucket, PutObject under messages/, PutRawMessageContent, the bucket name in the environment', (_name, workMailFunction) => {
    const { stack, org } = setup();
    const fn = workMailFunction(stack, org);
    fn.grantWriteMessageContent();
    fn.grantWriteMessageContent(); // the same bucket again, nothing added
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::S3::Bucket', 1);
    const bucketId = Object.keys(template.findResources('AWS::S3::Bucket'))[0];
    expect(fn.messageContentBucket).toBeInstanceOf(MessageContentBucket);
    expect(iamStatements(template).filter((s) => !JSON.stringify(s.Action).startsWith('["logs:'))).toEqual([
      { Effect: 'Allow', Action: 's3:PutObject', Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/messages/*']] } },
      { Effect: 'Allow', Action: 'workmailmessageflow:PutRawMessageContent', Resource: messagesArn() },
    ]);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { WORKMAIL_MESSAGE_CONTENT_BUCKET: { Ref: bucketId } } },
    });
  });

  test('the bucket: encrypted, HTTPS only, no public access, objects expire after a day', () => {
    const { stack, org } = setup();
    new MessageContentBucket(stack, 'Content', { organization: org });
    const template = Template.fromStack(stack);
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 1, Status: 'Enabled' })] },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      },
    });
    const statements = Object.values(template.findResources('AWS::S3::BucketPolicy'))[0].Properties.PolicyDocument.Statement;
    expect(statements).toContainEqual(expect.objectContaining({
      Effect: 'Deny', Action: 's3:*', Principal: { AWS: '*' }, Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    }));
  });

  test('the bucket policy: WorkMail may GetObject/GetObjectVersion under messages/, over HTTPS, for the organization\'s messages and account only', () => {
    const { stack, org } = setup();
    new MessageContentBucket(stack, 'Content', { organization: org });
    const template = Template.fromStack(stack);
    const bucketId = Object.keys(template.findResources('AWS::S3::Bucket'))[0];
    const statements = Object.values(template.findResources('AWS::S3::BucketPolicy'))[0].Properties.PolicyDocument.Statement;
    const allows = statements.filter((s: any) => s.Effect === 'Allow');
    expect(allows).toEqual([{
      Sid: 'WorkMailReadsUpdatedMessages1',
      Effect: 'Allow',
      Principal: { Service: 'workmail.us-east-1.amazonaws.com' },
      Action: ['s3:GetObject', 's3:GetObjectVersion'],
      Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/messages/*']] },
      Condition: {
        Bool: { 'aws:SecureTransport': 'true' },
        StringEquals: { 'aws:SourceAccount': '123456789012' },
        ArnLike: { 'aws:SourceArn': messagesArn() },
      },
    }]);
  });

  test.each(WORKMAIL_FUNCTIONS)('%s: a bucket of the user: the grants and WorkMail\'s read statement go to it, and no bucket is created', (_name, workMailFunction) => {
    const { stack, org } = setup();
    const bucket = new s3.Bucket(stack, 'Mine');
    const fn = workMailFunction(stack, org);
    fn.grantWriteMessageContent(bucket);
    fn.grantWriteMessageContent(bucket); // a second call adds nothing
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::S3::Bucket', 1);
    const policy = Object.values(template.findResources('AWS::S3::BucketPolicy'))[0].Properties.PolicyDocument.Statement;
    expect(policy.filter((s: any) => s.Principal?.Service === 'workmail.us-east-1.amazonaws.com')).toHaveLength(1);
    expect(iamStatements(template).filter((s) => s.Action === 's3:PutObject' || s.Action === 'workmailmessageflow:PutRawMessageContent')).toHaveLength(2);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { WORKMAIL_MESSAGE_CONTENT_BUCKET: { Ref: Match.stringLikeRegexp('^Mine') } } },
    });
  });

  test('two functions share one MessageContentBucket; another organization gets its own statement', () => {
    const { stack, org } = setup();
    const bucket = new MessageContentBucket(stack, 'Shared', { organization: org });
    workMailFunction(stack, org, 'A').grantWriteMessageContent(bucket);
    workMailFunction(stack, org, 'B').grantWriteMessageContent(bucket);
    bucket.allowOrganization(WorkMailOrganization.fromOrganizationId(stack, 'Other', OTHER_ORG_ID));
    const policy = Object.values(Template.fromStack(stack).findResources('AWS::S3::BucketPolicy'))[0].Properties.PolicyDocument.Statement;
    const sources = policy.filter((s: any) => s.Effect === 'Allow').map((s: any) => s.Condition.ArnLike['aws:SourceArn']);
    expect(sources).toEqual([messagesArn(), messagesArn(OTHER_ORG_ID)]);
  });

  test('an imported bucket: a warning with the statement to add to its policy', () => {
    const { stack, org } = setup();
    const fn = workMailFunction(stack, org);
    fn.grantWriteMessageContent(s3.Bucket.fromBucketName(stack, 'Imported', 'imported-content'));
    Annotations.fromStack(stack).hasWarning('/Stack/Handler', Match.stringLikeRegexp(
      'cannot add to the policy of the imported bucket imported-content; add this statement yourself.*"aws:SourceAccount":"123456789012".*"Service":"workmail.us-east-1.amazonaws.com"'));
  });

  test('a KMS-encrypted bucket: the function may generate data keys, and a warning says WorkMail needs kms:Decrypt', () => {
    const { stack, org } = setup();
    const bucket = new s3.Bucket(stack, 'Kms', { encryptionKey: new kms.Key(stack, 'Key') });
    workMailFunction(stack, org).grantWriteMessageContent(bucket);
    Annotations.fromStack(stack).hasWarning('/Stack/Handler', Match.stringLikeRegexp('is encrypted with a KMS key: its key policy must let workmail.us-east-1.amazonaws.com kms:Decrypt'));
    expect(iamStatements(Template.fromStack(stack))).toContainEqual(expect.objectContaining({ Action: 'kms:GenerateDataKey' }));
  });

  test('removalPolicy and server access logs are passed to the bucket', () => {
    const { stack, org } = setup();
    const logs = new s3.Bucket(stack, 'Logs');
    new MessageContentBucket(stack, 'Content', { organization: org, removalPolicy: RemovalPolicy.DESTROY, serverAccessLogsBucket: logs, serverAccessLogsPrefix: 'content/' });
    Template.fromStack(stack).hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Delete',
      Properties: { LoggingConfiguration: { DestinationBucketName: { Ref: Match.stringLikeRegexp('^Logs') }, LogFilePrefix: 'content/' } },
    });
  });

  test('error: a bucket in another Region', () => {
    const { stack, org } = setup();
    const bucket = s3.Bucket.fromBucketAttributes(stack, 'Far', { bucketName: 'far-bucket', region: 'eu-west-1', account: ENV.account });
    expect(() => workMailFunction(stack, org).grantWriteMessageContent(bucket)).toThrow(
      'Stack/Handler: bucket far-bucket is in Region eu-west-1, but the organization is in us-east-1; WorkMail reads updated message content only from a bucket in the organization\'s account and Region');
  });

  test('error: a bucket in another account', () => {
    const { stack, org } = setup();
    const bucket = s3.Bucket.fromBucketAttributes(stack, 'Foreign', { bucketName: 'foreign-bucket', account: '999999999999' });
    expect(() => workMailFunction(stack, org).grantWriteMessageContent(bucket)).toThrow(
      /bucket foreign-bucket is in account 999999999999, but the organization is in account 123456789012; WorkMail reads updated message content only/);
  });

  test('error: a MessageContentBucket in a stack of another Region than its organization', () => {
    const app = new App();
    const orgStack = new Stack(app, 'OrgStack', { env: ENV });
    const org = WorkMailOrganization.fromOrganizationId(orgStack, 'Org', ORG_ID);
    const far = new Stack(app, 'Far', { env: { ...ENV, region: 'eu-west-1' } });
    expect(() => new MessageContentBucket(far, 'Content', { organization: org })).toThrow(
      /Far\/Content: the bucket is in Region eu-west-1, but the organization is in us-east-1/);
  });

  test('error: a MessageContentBucket without an organization', () => {
    const { stack } = setup();
    expect(() => new MessageContentBucket(stack, 'Content', {} as any)).toThrow(/Stack: Content: organization is required, got undefined/);
  });

  test.each(WORKMAIL_FUNCTIONS)('%s: error: a second, different bucket for the same function', (_name, workMailFunction) => {
    const { stack, org } = setup();
    const fn = workMailFunction(stack, org);
    fn.grantWriteMessageContent();
    expect(() => fn.grantWriteMessageContent(new s3.Bucket(stack, 'Other'))).toThrow(
      /Stack\/Handler: grantWriteMessageContent: bucket Stack\/Other differs from Stack\/Handler\/MessageContentBucket, given before; a function stores updated messages in one bucket \(WORKMAIL_MESSAGE_CONTENT_BUCKET holds one name\)/);
  });

  test('an organization imported from an unresolved ARN: the grants use its account and Region from the ARN at deploy time', () => {
    const { stack } = setup();
    const org = WorkMailOrganization.fromOrganizationArn(stack, 'Param', Fn.importValue('OrganizationArn'));
    const fn = plainFunction(stack);
    MessageContent.grantRead(fn, org);
    const arn = JSON.stringify(stack.resolve(MessageContent.messagesArn(org)));
    expect(arn).toContain('Fn::ImportValue');
    expect(arn).toContain(':workmailmessageflow:');
  });
});
