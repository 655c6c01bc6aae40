import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { InboundRunLambdaOptions, OutboundRunLambdaOptions } from './actions';
import type { FlowRuleOptions, InboundFlowRule, OutboundFlowRule } from './flow-rule';
import type { IdempotencyTable } from './idempotency';
import type { IWorkMailOrganization } from './interfaces/organization';

/**
 * What a WorkMail function takes beyond the props of its Lambda base class: the organization it serves, and
 * an idempotency table.
 */
export interface WorkMailFunctionOptions {
  /**
   * The WorkMail organization whose email flow rules run the function. The function is allowed to be
   * invoked by WorkMail for this organization only.
   */
  readonly organization: IWorkMailOrganization;

  /**
   * A DynamoDB table for Powertools for AWS Lambda's idempotency utility, so that the handler can answer a
   * retried invocation (same `invocationId`) without running twice: `IdempotencyTable.create()` makes one,
   * `IdempotencyTable.fromTable()` uses yours. The function may read and write its items, and gets its
   * name in the `WORKMAIL_IDEMPOTENCY_TABLE_NAME` environment variable.
   *
   * @default - no idempotency table
   */
  readonly idempotencyTable?: IdempotencyTable;
}

/**
 * Options of an inbound Run Lambda rule made with `addInboundRule()` of a WorkMail function.
 */
export interface InboundLambdaRuleOptions extends InboundRunLambdaOptions, FlowRuleOptions {}

/**
 * Options of an outbound Run Lambda rule made with `addOutboundRule()` of a WorkMail function.
 */
export interface OutboundLambdaRuleOptions extends OutboundRunLambdaOptions, FlowRuleOptions {}

/**
 * A Lambda function that Amazon WorkMail runs for one organization, with what `WorkMailFunction` adds to a
 * function: its rules, its grants on message content, its idempotency table.
 */
export interface IWorkMailFunction extends lambda.IFunction {
  /** The organization whose rules run the function. */
  readonly organization: IWorkMailOrganization;

  /** The table of the function's idempotency records, when the `idempotencyTable` prop is given. */
  readonly idempotencyTable?: dynamodb.ITable;

  /** The bucket the function stores updated messages in, once `grantWriteMessageContent()` was called. */
  readonly messageContentBucket?: s3.IBucket;

  /**
   * Let the function read the messages of its organization with `getRawMessage()`.
   */
  grantReadMessageContent(): iam.Grant;

  /**
   * Let the function update the messages of its organization with `putRawMessage()`.
   *
   * @param bucket the bucket to store updated messages in
   */
  grantWriteMessageContent(bucket?: s3.IBucket): iam.Grant;

  /**
   * Add an inbound email flow rule of the function's organization that runs the function.
   *
   * @param id the construct id of the rule (a child of the function)
   * @param options synchronous or not, fallback action, rule timeout, patterns, name and description
   */
  addInboundRule(id: string, options?: InboundLambdaRuleOptions): InboundFlowRule;

  /**
   * Add an outbound email flow rule of the function's organization that runs the function.
   *
   * @param id the construct id of the rule (a child of the function)
   * @param options synchronous or not, fallback action, rule timeout, patterns, name and description
   */
  addOutboundRule(id: string, options?: OutboundLambdaRuleOptions): OutboundFlowRule;
}
