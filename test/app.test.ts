import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { ExampleStack } from '../bin/example-stack';
import { WorkMailNodejsFunction } from '../lib';
import { nagFindings } from './lib/helpers';

const ORG_ID = 'm-0123456789abcdef0123456789abcdef';
const env = { account: '123456789012', region: 'us-east-1' };

describe('example app', () => {
  test('has three functions, their permissions, three synchronous inbound rules, an asynchronous outbound rule and one provider', () => {
    const stack = new ExampleStack(new App(), 'Example', { organizationId: ORG_ID, env });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Lambda::Permission', 3);
    template.resourceCountIs('Custom::WorkMailInboundFlowRule', 3);
    template.resourceCountIs('Custom::WorkMailOutboundFlowRule', 1);
    template.hasResourceProperties('Custom::WorkMailInboundFlowRule', { Action: { Lambda: { InvocationType: 'SYNC' } } });
    template.hasResourceProperties('Custom::WorkMailOutboundFlowRule', { Action: { Lambda: { InvocationType: 'ASYNC' } } });
    expect(Object.keys(template.findResources('AWS::Lambda::Function', { Properties: { Handler: '__entrypoint__.handler' } }))).toHaveLength(1);
    // the newest Node.js runtime aws-cdk-lib offers, for the handler and the provider alike
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) expect(fn.Properties.Runtime).toBe('nodejs24.x');
  });

  test('the subject guard is bundled at synth from its TypeScript source (WorkMailNodejsFunction, ES module output)', () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'example-')) });
    const stack = new ExampleStack(app, 'Example', { organizationId: ORG_ID, env });
    expect(stack.handler).toBeInstanceOf(WorkMailNodejsFunction);
    const asset = stack.handler.node.findChild('Code') as s3assets.Asset;
    const bundle = fs.readFileSync(path.join(app.outdir, asset.assetPath, 'index.mjs'), 'utf8');
    expect(bundle).toContain("This message was rejected by the organization's mail policy.");
    expect(bundle).toMatch(/export\s*\{[^}]*\bhandler\b/);
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.handler', Timeout: 15, Environment: { Variables: { BLOCKED_SUBJECT: Match.anyValue() } } });
  });

  test('the message-updating example reads and updates messages through its MessageContentBucket', () => {
    const stack = new ExampleStack(new App(), 'Example', { organizationId: ORG_ID, env });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::S3::Bucket', 1);
    const bucketId = Object.keys(template.findResources('AWS::S3::Bucket'))[0];
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { WORKMAIL_MESSAGE_CONTENT_BUCKET: { Ref: bucketId }, INTERNAL_DOMAINS: 'example.com' } },
    });
    const actions = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement.map((st: any) => st.Action)).flat();
    expect(actions).toEqual(expect.arrayContaining(['workmailmessageflow:GetRawMessageContent', 'workmailmessageflow:PutRawMessageContent', 's3:PutObject']));
  });

  test('the attachment filter example shares the bucket, with its own read and write grants', () => {
    const stack = new ExampleStack(new App(), 'Example', { organizationId: ORG_ID, env });
    const template = Template.fromStack(stack);
    const bucketId = Object.keys(template.findResources('AWS::S3::Bucket'))[0];
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { WORKMAIL_MESSAGE_CONTENT_BUCKET: { Ref: bucketId }, BLOCKED_EXTENSIONS: 'exe,js,vbs,bat,cmd,scr' } },
    });
    const role = stack.getLogicalId(stack.attachmentFilter.role!.node.defaultChild as any);
    const policy = Object.values(template.findResources('AWS::IAM::Policy')).find((p: any) => p.Properties.Roles.some((r: any) => r.Ref === role)) as any;
    expect(policy.Properties.PolicyDocument.Statement.map((st: any) => st.Action).flat())
      .toEqual(expect.arrayContaining(['workmailmessageflow:GetRawMessageContent', 'workmailmessageflow:PutRawMessageContent', 's3:PutObject']));
    template.hasResourceProperties('Custom::WorkMailInboundFlowRule', { Name: 'attachment-filter-inbound', Action: { Lambda: { InvocationType: 'SYNC' } } });
  });

  test('passes cdk-nag AwsSolutionsChecks with no unacknowledged finding', () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'nag-')) });
    new ExampleStack(app, 'Example', { organizationId: ORG_ID, env });
    expect(nagFindings(app)).toEqual([]);
  });

  test('the cdk-nag check does catch findings (control: a plain function with a managed policy and an old runtime)', () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'nag-')) });
    const stack = new Stack(app, 'Control', { env });
    new lambda.Function(stack, 'Old', { runtime: lambda.Runtime.NODEJS_20_X, handler: 'index.handler', code: lambda.Code.fromInline('x') });
    expect(nagFindings(app).join('\n')).toMatch(/AwsSolutions-IAM4[\s\S]*AwsSolutions-L1|AwsSolutions-L1[\s\S]*AwsSolutions-IAM4/);
  });
});
