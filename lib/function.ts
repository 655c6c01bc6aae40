import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { InboundFlowRule, OutboundFlowRule } from './flow-rule';
import * as common from './function-common';
import type { InboundLambdaRuleOptions, IWorkMailFunction, OutboundLambdaRuleOptions, WorkMailFunctionOptions } from './function-options';
import type { IWorkMailOrganization } from './interfaces/organization';

/**
 * Properties of a WorkMail function: every `lambda.FunctionProps`, and the organization it serves.
 */
export interface WorkMailFunctionProps extends lambda.FunctionProps, WorkMailFunctionOptions {}

/**
 * A Lambda function that Amazon WorkMail runs from email flow rules.
 *
 * A `lambda.Function` with a timeout suited to synchronous rules (15 seconds, the longest WorkMail waits)
 * and the permission for WorkMail to invoke it for its organization (limited to that organization and
 * its account). Add rules that run it with `addInboundRule()` and `addOutboundRule()`, or pass it to
 * `InboundAction.runLambda()` / `OutboundAction.runLambda()`.
 *
 * @example
 * import { Duration } from 'aws-cdk-lib';
 * import * as lambda from 'aws-cdk-lib/aws-lambda';
 * import { WorkMailFunction, WorkMailOrganization } from 'cdk-workmail-lambda';
 *
 * const fn = new WorkMailFunction(this, 'Handler', {
 *   organization: WorkMailOrganization.fromOrganizationId(this, 'Organization', 'm-0123456789abcdef0123456789abcdef'),
 *   runtime: lambda.Runtime.NODEJS_24_X,
 *   handler: 'index.handler',
 *   code: lambda.Code.fromAsset('dist/handler'),
 * });
 *
 * // WorkMail waits for its answer on inbound mail from example.org, retrying a failure for 30 minutes.
 * fn.addInboundRule('Scan', { synchronous: true, ruleTimeout: Duration.minutes(30), senderPatterns: ['*.example.org'] });
 * // It runs on every outbound message, while the message flows on.
 * fn.addOutboundRule('Audit');
 * // It may read the messages, and replace them from a synchronous rule.
 * fn.grantReadMessageContent();
 * fn.grantWriteMessageContent();
 */
export class WorkMailFunction extends lambda.Function implements IWorkMailFunction {
  /** The organization whose rules run the function. */
  public readonly organization: IWorkMailOrganization;

  /** The table of the function's idempotency records, when the `idempotencyTable` prop is given. */
  public readonly idempotencyTable?: dynamodb.ITable;

  constructor(scope: Construct, id: string, props: WorkMailFunctionProps) {
    const base = common.baseProps(scope, id, props);
    super(scope, id, base);
    this.organization = props.organization;
    this.idempotencyTable = common.setUp(this, props, base);
  }

  /**
   * Add an inbound email flow rule of the function's organization that runs this function.
   *
   * @param id the construct id of the rule (a child of this function)
   * @param options synchronous or not, fallback action, rule timeout, patterns, name and description
   */
  public addInboundRule(id: string, options: InboundLambdaRuleOptions = {}): InboundFlowRule {
    return common.addInboundRule(this, id, options);
  }

  /**
   * Add an outbound email flow rule of the function's organization that runs this function.
   *
   * @param id the construct id of the rule (a child of this function)
   * @param options synchronous or not, fallback action, rule timeout, patterns, name and description
   */
  public addOutboundRule(id: string, options: OutboundLambdaRuleOptions = {}): OutboundFlowRule {
    return common.addOutboundRule(this, id, options);
  }

  /**
   * The bucket this function stores updated messages in, once `grantWriteMessageContent()` was called.
   */
  public get messageContentBucket(): s3.IBucket | undefined {
    return common.messageContentBucket(this);
  }

  /**
   * Let this function read the messages of its organization with `getRawMessage()`:
   * `workmailmessageflow:GetRawMessageContent` on
   * `arn:<partition>:workmailmessageflow:<region>:<account>:message/<organizationId>/*` only.
   */
  public grantReadMessageContent(): iam.Grant {
    return common.grantReadMessageContent(this);
  }

  /**
   * Let this function update the messages of its organization with `putRawMessage()`.
   *
   * Grants `workmailmessageflow:PutRawMessageContent` on the organization's messages and `s3:PutObject`
   * under `messages/` in the bucket, lets WorkMail read that prefix (bucket policy: only over HTTPS, only for
   * the organization's messages and account), and sets the function's `WORKMAIL_MESSAGE_CONTENT_BUCKET`
   * environment variable, from which `putRawMessage()` takes the bucket. To read messages too, call
   * `grantReadMessageContent()`.
   *
   * @param bucket the bucket to store updated messages in, in the organization's account and Region; when
   *   none is given (the default), a new `MessageContentBucket`, a child of this function
   */
  public grantWriteMessageContent(bucket?: s3.IBucket): iam.Grant {
    return common.grantWriteMessageContent(this, bucket);
  }
}
