import { ArnFormat, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IConstruct } from 'constructs';
import type { IWorkMailOrganization } from './organization';
import { checkSameEnvironment } from './private/environment';
import { check, invalid, warn, WARNINGS } from './private/errors';
import { workMailPrincipal } from './private/permission';
import { MESSAGE_CONTENT_KEY_PREFIX, contentBucketEnvironmentProblem } from '../lambda/rules/message-content';

/**
 * Properties of a `MessageContentBucket`.
 */
export interface MessageContentBucketProps {
  /** The organization whose messages WorkMail may read from the bucket. */
  readonly organization: IWorkMailOrganization;

  /**
   * What happens to the bucket when it leaves the stack. Objects expire after a day, so a retained bucket
   * empties itself.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * A bucket for the server access logs of this bucket.
   * @default no server access logs
   */
  readonly serverAccessLogsBucket?: s3.IBucket;

  /**
   * The key prefix of the server access logs.
   * @default no prefix
   */
  readonly serverAccessLogsPrefix?: string;
}

/**
 * The S3 bucket a WorkMail function stores updated messages in, for WorkMail to read them back
 * (PutRawMessageContent).
 *
 * Only HTTPS, no public access, S3-managed encryption (WorkMail cannot decrypt with a KMS key unless the key
 * policy lets it), bucket-owner object ownership, and objects expire after one day: WorkMail reads an
 * updated message once, while the rule runs. The bucket policy lets `workmail.<region>.amazonaws.com`
 * `s3:GetObject` / `s3:GetObjectVersion` objects under `messages/` only over HTTPS, only for the
 * organization's messages (`aws:SourceArn`) and account (`aws:SourceAccount`).
 */
export class MessageContentBucket extends s3.Bucket {
  constructor(scope: Construct, id: string, props: MessageContentBucketProps) {
    requireOrganization(scope, `${id}: organization`, props?.organization);
    super(scope, id, {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: 'ExpireMessageContent', expiration: Duration.days(1), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      serverAccessLogsBucket: props.serverAccessLogsBucket,
      serverAccessLogsPrefix: props.serverAccessLogsPrefix,
    });
    check(this, contentBucketEnvironmentProblem('the bucket', known(this.env), known(props.organization.env)));
    allowWorkMailRead(this, props.organization, this);
  }

  /**
   * Let WorkMail read updated messages of another organization (of the same account and Region) from this bucket.
   *
   * @param organization the organization
   */
  public allowOrganization(organization: IWorkMailOrganization): void {
    requireOrganization(this, 'organization', organization);
    check(this, contentBucketEnvironmentProblem('the bucket', known(this.env), known(organization.env)));
    allowWorkMailRead(this, organization, this);
  }
}

/**
 * Grants of access to WorkMail message content (WorkMail Message Flow) for any principal.
 */
export class MessageContent {
  /**
   * Let `grantee` read the messages of `organization` (`workmailmessageflow:GetRawMessageContent` on
   * `arn:<partition>:workmailmessageflow:<region>:<account>:message/<organizationId>/*`).
   *
   * Use it for a function that is not a `WorkMailFunction`; a `WorkMailFunction` has `grantReadMessageContent()`.
   *
   * @param grantee the principal, such as a Lambda function
   * @param organization the organization whose messages it reads
   */
  public static grantRead(grantee: iam.IGrantable, organization: IWorkMailOrganization): iam.Grant {
    return grantReadMessageContent(grantee, organization);
  }

  /**
   * The ARN of every message of `organization`, as IAM and the bucket policy's `aws:SourceArn` name them:
   * `arn:<partition>:workmailmessageflow:<region>:<account>:message/<organizationId>/*`.
   *
   * @param organization the organization
   */
  public static messagesArn(organization: IWorkMailOrganization): string {
    return Stack.of(organization).formatArn({
      service: 'workmailmessageflow',
      region: organization.env.region,
      account: organization.env.account,
      resource: 'message',
      resourceName: `${organization.organizationId}/*`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
  }

  private constructor() {}
}

/**
 * Let `grantee` read the messages of `organization`: `workmailmessageflow:GetRawMessageContent` on
 * `arn:<partition>:workmailmessageflow:<region>:<account>:message/<organizationId>/*` only.
 *
 * The same as `MessageContent.grantRead()` (the form jsii languages can call).
 *
 * @param grantee the principal, such as a Lambda function
 * @param organization the organization whose messages it reads
 */
export function grantReadMessageContent(grantee: iam.IGrantable, organization: IWorkMailOrganization): iam.Grant {
  const scope = constructOf(grantee);
  requireOrganization(scope, 'organization', organization);
  checkGranteeEnvironment(scope, grantee, organization);
  return iam.Grant.addToPrincipal({
    grantee,
    actions: ['workmailmessageflow:GetRawMessageContent'],
    resourceArns: [MessageContent.messagesArn(organization)],
  });
}

/**
 * Let `fn` update the messages of `organization` through `bucket`: PutRawMessageContent on the
 * organization's messages, `s3:PutObject` under `messages/` in the bucket, WorkMail's read access in the
 * bucket policy, and the bucket name in the function's environment. Used by `WorkMailFunction`.
 */
export function grantWriteMessageContent(fn: lambda.Function, organization: IWorkMailOrganization, bucket: s3.IBucket): iam.Grant {
  requireOrganization(fn, 'organization', organization);
  checkGranteeEnvironment(fn, fn, organization);
  check(fn, contentBucketEnvironmentProblem(`bucket ${bucketShown(bucket)}`, known(bucket.env), known(organization.env)));

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
    resourceArns: [MessageContent.messagesArn(organization)],
  });
  return put.combine(update);
}

/** Bucket policies already holding WorkMail's read statement, per organization. */
const workMailReaders = new WeakMap<s3.IBucket, Set<string>>();

/**
 * Add to `bucket`'s policy WorkMail's read access to updated messages of `organization`, once; an imported
 * bucket whose policy cannot be changed gets a warning on `requester` with the statement to add.
 */
function allowWorkMailRead(bucket: s3.IBucket, organization: IWorkMailOrganization, requester: IConstruct): void {
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
      ArnLike: { 'aws:SourceArn': MessageContent.messagesArn(organization) },
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
function requireOrganization(scope: IConstruct, prop: string, organization: IWorkMailOrganization | undefined): asserts organization is IWorkMailOrganization {
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
function checkGranteeEnvironment(scope: IConstruct, grantee: iam.IGrantable, organization: IWorkMailOrganization): void {
  const fn = grantee as Partial<lambda.IFunction>;
  if (typeof fn.functionArn === 'string' && fn.env) checkSameEnvironment(scope, 'the function', fn as lambda.IFunction, organization);
}

function constructOf(grantee: iam.IGrantable): IConstruct {
  const candidate = grantee as Partial<IConstruct>;
  if (candidate.node) return candidate as IConstruct;
  const principal = grantee.grantPrincipal as Partial<IConstruct>;
  if (principal.node) return principal as IConstruct;
  throw new Error('grantReadMessageContent: grantee must be a construct (a function or a role)');
}

function known(env: { region: string; account: string }): { region?: string; account?: string } {
  return {
    region: Token.isUnresolved(env.region) ? undefined : env.region,
    account: Token.isUnresolved(env.account) ? undefined : env.account,
  };
}

function shown(value: string, placeholder: string): string {
  return Token.isUnresolved(value) ? placeholder : value;
}

function bucketShown(bucket: s3.IBucket): string {
  return shown(bucket.bucketName, bucket.node.path);
}
