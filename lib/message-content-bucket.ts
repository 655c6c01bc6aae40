import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { contentBucketEnvironmentProblem } from '../lambda/rules';
import type { IWorkMailOrganization } from './interfaces/organization';
import { check } from './private/errors';
import { allowWorkMailRead, requireOrganization } from './private/message-content';
import { knownEnvironment } from './private/tokens';

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
 *
 * @example
 * import { MessageContentBucket, type WorkMailFunction } from 'cdk-workmail-lambda';
 *
 * declare const tagger: WorkMailFunction;
 * declare const filter: WorkMailFunction;
 *
 * // One bucket for the updated messages of two functions of the same organization.
 * const bucket = new MessageContentBucket(this, 'UpdatedMessages', { organization: tagger.organization });
 * tagger.grantWriteMessageContent(bucket);
 * filter.grantWriteMessageContent(bucket);
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
    check(this, contentBucketEnvironmentProblem('the bucket', knownEnvironment(this.env), knownEnvironment(props.organization.env)));
    allowWorkMailRead(this, props.organization, this);
  }

  /**
   * Let WorkMail read updated messages of another organization (of the same account and Region) from this bucket.
   *
   * @param organization the organization
   */
  public allowOrganization(organization: IWorkMailOrganization): void {
    requireOrganization(this, 'organization', organization);
    check(this, contentBucketEnvironmentProblem('the bucket', knownEnvironment(this.env), knownEnvironment(organization.env)));
    allowWorkMailRead(this, organization, this);
  }
}
