import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import { MESSAGE_CONTENT_KEY_PREFIX, contentBucketEnvironmentProblem } from '../../lambda/rules/message-content';
import type { IWorkMailOrganization } from '../interfaces/organization';
import { checkSameEnvironment } from './environment';
import { check, invalid, warn, WARNINGS } from './errors';
import { knownEnvironment, shown } from './tokens';
import { workMailPrincipal } from './permission';

/** `arn:<partition>:workmailmessageflow:<region>:<account>:message/<organizationId>/*` */
export function messagesArn(organization: IWorkMailOrganization): string {
  return Stack.of(organization).formatArn({
    service: 'workmailmessageflow',
    region: organization.env.region,
    account: organization.env.account,
    resource: 'message',
    resourceName: `${organization.organizationId}/*`,
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
}

/**
 * Let `grantee` read the messages of `organization`: `workmailmessageflow:GetRawMessageContent` on
 * `arn:<partition>:workmailmessageflow:<region>:<account>:message/<organizationId>/*` only.
 */
export function grantReadContent(grantee: iam.IGrantable, organization: IWorkMailOrganization): iam.Grant {
  const scope = constructOf(grantee);
  requireOrganization(scope, 'organization', organization);
  checkGranteeEnvironment(scope, grantee, organization);
  return iam.Grant.addToPrincipal({
    grantee,
    actions: ['workmailmessageflow:GetRawMessageContent'],
    resourceArns: [messagesArn(organization)],
  });
}

/**
 * Let `fn` update the messages of `organization` through `bucket`: PutRawMessageContent on the
 * organization's messages, `s3:PutObject` under `messages/` in the bucket, WorkMail's read access in the
 * bucket policy, and the bucket name in the function's environment. Used by `WorkMailFunction`.
 */
export function grantWriteContent(fn: lambda.Function, organization: IWorkMailOrganization, bucket: s3.IBucket): iam.Grant {
  requireOrganization(fn, 'organization', organization);
  checkGranteeEnvironment(fn, fn, organization);
  check(fn, contentBucketEnvironmentProblem(`bucket ${bucketShown(bucket)}`, knownEnvironment(bucket.env), knownEnvironment(organization.env)));

  if (bucket.encryptionKey) {
    warn(fn, WARNINGS.messageContentBucketEncryption,
      `bucket ${bucketShown(bucket)} is encrypted with a KMS key: its key policy must let ${workMailPrincipal(shown(organization.env.region, 'REGION'))} ` +
      "kms:Decrypt, or WorkMail cannot read updated messages (InvalidContentLocation); MessageContentBucket uses S3-managed encryption instead");
    bucket.encryptionKey.grant(fn, 'kms:GenerateDataKey');
  }
  allowWorkMailRead(bucket, organization, fn);
  const put = iam.Grant.addToPrincipal({
    grantee: fn,
    actions: ['s3:PutObject'],
    resourceArns: [bucket.arnForObjects(`${MESSAGE_CONTENT_KEY_PREFIX}*`)],
  });
  const update = iam.Grant.addToPrincipal({
    grantee: fn,
    actions: ['workmailmessageflow:PutRawMessageContent'],
    resourceArns: [messagesArn(organization)],
  });
  return put.combine(update);
}

/** Bucket policies already holding WorkMail's read statement, per organization. */
const workMailReaders = new WeakMap<s3.IBucket, Set<string>>();

/**
 * Add to `bucket`'s policy WorkMail's read access to updated messages of `organization`, once; an imported
 * bucket whose policy cannot be changed gets a warning on `requester` with the statement to add.
 */
export function allowWorkMailRead(bucket: s3.IBucket, organization: IWorkMailOrganization, requester: IConstruct): void {
  const stack = Stack.of(bucket);
  const key = stack.resolve(organization.organizationArn);
  const done = workMailReaders.get(bucket) ?? new Set<string>();
  workMailReaders.set(bucket, done);
  const keyText = JSON.stringify(key);
  if (done.has(keyText)) return;
  done.add(keyText);

  const statement = new iam.PolicyStatement({
    sid: `WorkMailReadsUpdatedMessages${done.size}`,
    principals: [new iam.ServicePrincipal(workMailPrincipal(organization.env.region))],
    actions: ['s3:GetObject', 's3:GetObjectVersion'],
    resources: [bucket.arnForObjects(`${MESSAGE_CONTENT_KEY_PREFIX}*`)],
    conditions: {
      Bool: { 'aws:SecureTransport': 'true' },
      StringEquals: { 'aws:SourceAccount': organization.env.account },
      ArnLike: { 'aws:SourceArn': messagesArn(organization) },
    },
  });
  if (!bucket.addToResourcePolicy(statement).statementAdded) {
    warn(requester, WARNINGS.messageContentBucketPolicy,
      `cannot add to the policy of the imported bucket ${bucketShown(bucket)}; add this statement yourself, or WorkMail cannot read ` +
      `updated messages (InvalidContentLocation): ${JSON.stringify(stack.resolve(statement.toStatementJson()))}`);
  }
}

/**
 * The organization must be given: message ARNs, the bucket policy's conditions and WorkMail's service
 * principal are all made from its id, account and Region.
 */
export function requireOrganization(scope: IConstruct, prop: string, organization: IWorkMailOrganization | undefined): asserts organization is IWorkMailOrganization {
  if (!organization || typeof organization !== 'object') {
    throw invalid(scope, `${prop} is required, got ${String(organization)}: message content is granted per organization ` +
      '(arn:<partition>:workmailmessageflow:<region>:<account>:message/<organizationId>/*); pass the IWorkMailOrganization whose rules run the function ' +
      '(WorkMailOrganization.fromOrganizationId() or fromOrganizationArn())');
  }
  const { organizationId, env } = organization;
  if (!organizationId || !env || !env.region || !env.account) {
    throw invalid(scope, `${prop} has no ${!organizationId ? 'organizationId' : 'account or Region'}: the organization is unknown, ` +
      'so its messages cannot be named; import it with WorkMailOrganization.fromOrganizationId() or fromOrganizationArn()');
  }
}

/** A function reads and updates messages of its own account and Region only (Message Flow is regional). */
export function checkGranteeEnvironment(scope: IConstruct, grantee: iam.IGrantable, organization: IWorkMailOrganization): void {
  const fn = grantee as Partial<lambda.IFunction>;
  if (typeof fn.functionArn === 'string' && fn.env) checkSameEnvironment(scope, 'the function', fn as lambda.IFunction, organization);
}

export function constructOf(grantee: iam.IGrantable): IConstruct {
  const candidate = grantee as Partial<IConstruct>;
  if (candidate.node) return candidate as IConstruct;
  const principal = grantee.grantPrincipal as Partial<IConstruct>;
  if (principal.node) return principal as IConstruct;
  throw new Error('MessageContent.grantRead: grantee must be a construct (a function or a role)');
}

function bucketShown(bucket: s3.IBucket): string {
  return shown(bucket.bucketName, bucket.node.path);
}
