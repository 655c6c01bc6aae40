import { Duration, Lazy, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { InboundAction, InboundRunLambdaOptions, OutboundAction, OutboundRunLambdaOptions } from './actions';
import { FlowRuleOptions, InboundFlowRule, OutboundFlowRule } from './flow-rule';
import type { IdempotencyTable } from './idempotency';
import type { IWorkMailOrganization } from './interfaces/organization';
import { checkSameEnvironment } from './private/environment';
import { useIdempotencyTable } from './private/idempotency';
import { MessageContentBucket, grantReadMessageContent } from './message-content';
import { invalid } from './private/errors';
import { grantWriteContent } from './private/message-content';
import { allowWorkMailInvoke } from './private/permission';
import { SYNC_INVOCATION_TIMEOUT_SECONDS } from '../lambda/rules';
import { MESSAGE_CONTENT_BUCKET_ENV } from '../lambda/rules/message-content';

/**
 * Properties of a WorkMail function: every `lambda.FunctionProps`, and the organization it serves.
 */
export interface WorkMailFunctionProps extends lambda.FunctionProps {
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
 * Options of an inbound Run Lambda rule made with `WorkMailFunction.addInboundRule()`.
 */
export interface InboundLambdaRuleOptions extends InboundRunLambdaOptions, FlowRuleOptions {}

/**
 * Options of an outbound Run Lambda rule made with `WorkMailFunction.addOutboundRule()`.
 */
export interface OutboundLambdaRuleOptions extends OutboundRunLambdaOptions, FlowRuleOptions {}

/**
 * A Lambda function that Amazon WorkMail runs from email flow rules.
 *
 * A `lambda.Function` with a timeout suited to synchronous rules (15 seconds, the longest WorkMail waits)
 * and the permission for WorkMail to invoke it for its organization (limited to that organization and
 * its account). Add rules that run it with `addInboundRule()` and `addOutboundRule()`, or pass it to
 * `InboundAction.runLambda()` / `OutboundAction.runLambda()`.
 */
export class WorkMailFunction extends lambda.Function {
  /** The organization whose rules run the function. */
  public readonly organization: IWorkMailOrganization;

  /** The table of the function's idempotency records, when the `idempotencyTable` prop is given. */
  public readonly idempotencyTable?: dynamodb.ITable;

  private contentBucket?: s3.IBucket;

  constructor(scope: Construct, id: string, props: WorkMailFunctionProps) {
    const { organization, idempotencyTable, logRetention, logRemovalPolicy, ...functionProps } = props;
    // The function's own log group is made before super() and given as `logGroup`: aws-cdk-lib's Function then
    // makes none of its own (it would take the child id 'LogGroup' when the useCdkManagedLogGroup feature flag
    // is on, the default in aws-cdk-lib 2.200.0 only, or with `logRetention`), and `fn.logGroup` is this one.
    const ownLogGroup = props.role || props.logGroup ? undefined : new logs.LogGroup(scope, `${id}LogGroup`, {
      // The deprecated log props of lambda.FunctionProps apply to this log group (aws-cdk-lib refuses them beside `logGroup`).
      retention: logRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy: logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    super(scope, id, {
      ...functionProps,
      ...(ownLogGroup ? { logGroup: ownLogGroup } : { logRetention, logRemovalPolicy }),
      // @default Duration.seconds(15): WorkMail counts a synchronous call that has not answered by then as failed.
      timeout: props.timeout ?? Duration.seconds(SYNC_INVOCATION_TIMEOUT_SECONDS),
    });
    this.organization = organization;
    checkSameEnvironment(this, 'organization', organization);
    allowWorkMailInvoke(this, organization, this);
    if (!props.role) this.scopeLogging((ownLogGroup ?? props.logGroup)!);
    if (idempotencyTable) {
      this.idempotencyTable = idempotencyTable.bind(this);
      useIdempotencyTable(this, this.idempotencyTable, props.environment);
    }
  }

  /**
   * The role this function created gets AWSLambdaBasicExecutionRole, which may write to every log group of
   * the account. Give it an inline policy on its own log group instead.
   */
  private scopeLogging(logGroup: NonNullable<WorkMailFunctionProps['logGroup']>): void {
    // Newer aws-cdk-lib types `logGroup` as ILogGroupRef (ARN under `logGroupRef`); older ones as ILogGroup only.
    const logGroupArn: string = logGroup.logGroupRef?.logGroupArn ?? (logGroup as Partial<logs.ILogGroup>).logGroupArn!;

    const cfnRole = this.role!.node.defaultChild as iam.CfnRole;
    const managed = cfnRole.managedPolicyArns;
    cfnRole.managedPolicyArns = Lazy.list({
      produce: () => {
        const arns: unknown[] = Stack.of(this).resolve(managed) ?? [];
        const kept = arns.filter((arn) => !JSON.stringify(arn).includes('service-role/AWSLambdaBasicExecutionRole'));
        return kept.length > 0 ? (kept as string[]) : undefined;
      },
    }, { omitEmpty: true });
    this.role!.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [logGroupArn],
    }));
  }

  /**
   * Add an inbound email flow rule of the function's organization that runs this function.
   *
   * @param id the construct id of the rule (a child of this function)
   * @param options synchronous or not, fallback action, rule timeout, patterns, name and description
   */
  public addInboundRule(id: string, options: InboundLambdaRuleOptions = {}): InboundFlowRule {
    const { synchronous, fallbackAction, ruleTimeout, ...rule } = options;
    return new InboundFlowRule(this, id, {
      ...rule,
      organization: this.organization,
      action: InboundAction.runLambda(this, { synchronous, fallbackAction, ruleTimeout }),
    });
  }

  /**
   * Add an outbound email flow rule of the function's organization that runs this function.
   *
   * @param id the construct id of the rule (a child of this function)
   * @param options synchronous or not, fallback action, rule timeout, patterns, name and description
   */
  public addOutboundRule(id: string, options: OutboundLambdaRuleOptions = {}): OutboundFlowRule {
    const { synchronous, fallbackAction, ruleTimeout, ...rule } = options;
    return new OutboundFlowRule(this, id, {
      ...rule,
      organization: this.organization,
      action: OutboundAction.runLambda(this, { synchronous, fallbackAction, ruleTimeout }),
    });
  }

  /**
   * The bucket this function stores updated messages in, once `grantWriteMessageContent()` was called.
   */
  public get messageContentBucket(): s3.IBucket | undefined {
    return this.contentBucket;
  }

  /**
   * Let this function read the messages of its organization with `getRawMessage()`:
   * `workmailmessageflow:GetRawMessageContent` on
   * `arn:<partition>:workmailmessageflow:<region>:<account>:message/<organizationId>/*` only.
   */
  public grantReadMessageContent(): iam.Grant {
    return grantReadMessageContent(this, this.organization);
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
    if (this.contentBucket && bucket && bucket !== this.contentBucket) {
      throw invalid(this, `grantWriteMessageContent: bucket ${bucket.node.path} differs from ${this.contentBucket.node.path}, given before; ` +
        `a function stores updated messages in one bucket (${MESSAGE_CONTENT_BUCKET_ENV} holds one name)`);
    }
    const target = bucket ?? this.contentBucket ?? new MessageContentBucket(this, 'MessageContentBucket', { organization: this.organization });
    const grant = grantWriteContent(this, this.organization, target);
    if (!this.contentBucket) this.addEnvironment(MESSAGE_CONTENT_BUCKET_ENV, target.bucketName);
    this.contentBucket = target;
    return grant;
  }
}
