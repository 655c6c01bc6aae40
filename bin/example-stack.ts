import * as path from 'path';
import { CfnElement, Duration, Stack, StackProps, Token, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import {
  IWorkMailFunction, IWorkMailOrganization, InboundAction, OutboundFlowRule, OutboundAction, WorkMailFunction, WorkMailNodejsFunction, WorkMailOrganization,
} from '../lib';

/** Properties of the example stack. */
export interface ExampleStackProps extends StackProps {
  /** The WorkMail organization id (`m-` and 32 hexadecimal digits). */
  readonly organizationId: string;
}

/** The source of the subject guard handler, which the example stack bundles at synth (WorkMailNodejsFunction). */
export const SUBJECT_GUARD_ENTRY = path.join(__dirname, '..', 'lambda', 'examples', 'subject-guard', 'index.ts');

/** Where `npm run build` puts the subject guard's bundle too (for the corpus check and the benchmark's bare app). */
export const EXAMPLE_HANDLER_DIR = path.join(__dirname, '..', 'assets', 'examples', 'subject-guard');

/** Where `npm run build` puts the bundle of the example handler that updates messages (subjectTagHandler). */
export const EXTERNAL_TAG_HANDLER_DIR = path.join(__dirname, '..', 'assets', 'examples', 'external-tag');

/** Where `npm run build` puts the bundle of the attachment filter example (attachmentFilterHandler). */
export const ATTACHMENT_FILTER_HANDLER_DIR = path.join(__dirname, '..', 'assets', 'examples', 'attachment-filter');

/**
 * One WorkMail function, bundled at synth from its TypeScript source (WorkMailNodejsFunction), a synchronous inbound
 * rule that lets it bounce unwanted messages, and an asynchronous outbound rule that lets it count what the
 * organization sends; and a second function (WorkMailFunction, from a bundle made by `npm run build`), run by a
 * synchronous inbound rule, that tags the Subject of mail from outside the organization (reads and updates
 * the message through a MessageContentBucket, `subjectTagHandler`); and a third, `attachmentFilterHandler`,
 * that removes executable attachments from inbound mail.
 */
export class ExampleStack extends Stack {
  public readonly handler: WorkMailNodejsFunction;
  public readonly externalTag: WorkMailFunction;
  public readonly attachmentFilter: WorkMailFunction;

  constructor(scope: Construct, id: string, props: ExampleStackProps) {
    super(scope, id, props);
    const organization = WorkMailOrganization.fromOrganizationId(this, 'Organization', props.organizationId);

    // Bundled by esbuild (a devDependency) at synth; the runtime defaults to the newest Node.js one aws-cdk-lib knows.
    this.handler = new WorkMailNodejsFunction(this, 'SubjectGuard', {
      organization,
      entry: SUBJECT_GUARD_ENTRY,
      // This repository's lock file, so that the app synthesizes from any directory.
      depsLockFilePath: path.join(__dirname, '..', 'package-lock.json'),
      bundling: { format: OutputFormat.ESM, minify: true },
      description: 'Bounces inbound mail with a blocked subject; logs outbound mail',
      environment: { BLOCKED_SUBJECT: '\\b(lottery|wire transfer)\\b' },
    });

    this.handler.addInboundRule('ScanInbound', {
      synchronous: true,
      fallbackAction: InboundAction.DEFAULT,
      ruleTimeout: Duration.minutes(30),
      ruleName: 'subject-guard-inbound',
      description: 'Bounce inbound mail with a blocked subject',
    });

    new OutboundFlowRule(this, 'CountOutbound', {
      organization,
      action: OutboundAction.runLambda(this.handler, { synchronous: false }),
      ruleName: 'subject-guard-outbound',
      description: 'Log every outbound message',
    });

    this.externalTag = new WorkMailFunction(this, 'ExternalTag', {
      organization,
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(EXTERNAL_TAG_HANDLER_DIR),
      description: 'Tags the Subject of inbound mail from outside the organization',
      environment: { INTERNAL_DOMAINS: 'example.com', SUBJECT_TAG: '[EXTERNAL]' },
    });
    this.externalTag.grantReadMessageContent();
    this.externalTag.grantWriteMessageContent();
    acknowledgeMessageContentFindings(this.externalTag, organization);
    this.externalTag.addInboundRule('TagExternal', {
      synchronous: true,
      fallbackAction: InboundAction.DEFAULT,
      ruleTimeout: Duration.minutes(30),
      ruleName: 'external-tag-inbound',
      description: 'Tag the Subject of mail from outside the organization',
    });

    this.attachmentFilter = new WorkMailFunction(this, 'AttachmentFilter', {
      organization,
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(ATTACHMENT_FILTER_HANDLER_DIR),
      description: 'Removes executable and script attachments from inbound mail',
      environment: { BLOCKED_EXTENSIONS: 'exe,js,vbs,bat,cmd,scr', MAX_ATTACHMENT_BYTES: String(25 * 1024 * 1024) },
    });
    this.attachmentFilter.grantReadMessageContent();
    // One bucket for both functions' updated messages.
    this.attachmentFilter.grantWriteMessageContent(this.externalTag.messageContentBucket);
    acknowledgeMessageContentFindings(this.attachmentFilter, organization);
    this.attachmentFilter.addInboundRule('FilterAttachments', {
      synchronous: true,
      fallbackAction: InboundAction.DEFAULT,
      ruleTimeout: Duration.minutes(30),
      ruleName: 'attachment-filter-inbound',
      description: 'Remove executable attachments from inbound mail',
    });
  }
}

/**
 * cdk-nag findings that message content brings, acknowledged with the reason. Each finding is acknowledged
 * by its exact id (cdk-nag v3 has no prefix match), so the ids are rebuilt here as cdk-nag renders them.
 */
function acknowledgeMessageContentFindings(fn: IWorkMailFunction, organization: IWorkMailOrganization): void {
  const stack = Stack.of(fn);
  const rendered = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value);
  const bucket = fn.messageContentBucket!.node.defaultChild as CfnElement;
  const messages = `arn:<AWS::Partition>:workmailmessageflow:${rendered(organization.env.region, 'Region')}:` +
    `${rendered(organization.env.account, 'AccountId')}:message/${organization.organizationId}/*`;
  const policy = fn.role!.node.findChild('DefaultPolicy');
  Validations.of(policy).acknowledge({
    id: `AwsSolutions-IAM5[Resource::${messages}]`,
    reason: 'Message ids are only known at mail time; the grant is limited to the messages of this one organization.',
  });
  Validations.of(policy).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(bucket)}.Arn>/messages/*]`,
    reason: 'One object per updated message, keyed by message id; s3:PutObject only, only under messages/ of the dedicated bucket.',
  });
  Validations.of(fn.messageContentBucket!).acknowledge({
    id: 'AwsSolutions-S1',
    reason: 'Holds each updated message for at most a day, written only by this function and read only by WorkMail under the ' +
      'bucket policy; a second bucket of access logs would keep a record of those copies for longer than the copies themselves. ' +
      'Enable CloudTrail S3 data events where an audit trail is required.',
  });
}
