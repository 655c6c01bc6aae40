/**
 * What every WorkMail function construct adds to its Lambda base class, in one place. `WorkMailFunction` (a
 * `lambda.Function`) calls these functions from thin methods, and a construct on another base class (such as
 * aws-lambda-nodejs's `NodejsFunction`) can call the same ones: jsii allows no mixins. Not exported by lib/index.ts.
 *
 * aws-s3 is not imported here at run time: `MessageContentBucket` is loaded the first time a function needs one,
 * so an app that never stores updated messages never loads aws-s3 (see bench "Library load").
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { MESSAGE_CONTENT_BUCKET_ENV, SYNC_INVOCATION_TIMEOUT_SECONDS } from '../lambda/rules';
import { InboundAction, OutboundAction } from './actions';
import { InboundFlowRule, OutboundFlowRule } from './flow-rule';
import type { InboundLambdaRuleOptions, IWorkMailFunction, OutboundLambdaRuleOptions, WorkMailFunctionOptions } from './function-options';
import { checkSameEnvironment } from './private/environment';
import { invalid } from './private/errors';
import { useIdempotencyTable } from './private/idempotency';
import { grantReadContent, grantWriteContent } from './private/message-content';
import { scopeFunctionLogging } from './private/logging';
import { allowWorkMailInvoke } from './private/permission';

/** The props of a Lambda base class that a WorkMail function reads or sets. */
export interface BaseFunctionProps {
  readonly role?: iam.IRole;
  readonly logGroup?: lambda.FunctionOptions['logGroup'];
  readonly logRetention?: logs.RetentionDays;
  readonly logRemovalPolicy?: RemovalPolicy;
  readonly timeout?: Duration;
  readonly environment?: { [key: string]: string };
}

/** A WorkMail function once its base class is built. */
export type WorkMailFunctionConstruct = lambda.Function & IWorkMailFunction;

/**
 * The props to pass to the base class's constructor: `props` less the WorkMail options, with the 15-second
 * default timeout and, unless a role or a log group is given, the function's own log group.
 *
 * The log group is made here, before super(), and given as `logGroup`: aws-cdk-lib's Function then makes none
 * of its own (it would take the child id 'LogGroup' when the useCdkManagedLogGroup feature flag is on, the
 * default in aws-cdk-lib 2.200.0 only, or with `logRetention`), and `fn.logGroup` is this one.
 */
export function baseProps<P extends BaseFunctionProps & WorkMailFunctionOptions>(scope: Construct, id: string, props: P): Omit<P, keyof WorkMailFunctionOptions> {
  const { organization: _organization, idempotencyTable: _idempotencyTable, logRetention, logRemovalPolicy, ...functionProps } = props;
  const ownLogGroup = props.role || props.logGroup ? undefined : new logs.LogGroup(scope, `${id}LogGroup`, {
    // The deprecated log props of lambda.FunctionProps apply to this log group (aws-cdk-lib refuses them beside `logGroup`).
    retention: logRetention ?? logs.RetentionDays.ONE_YEAR,
    removalPolicy: logRemovalPolicy ?? RemovalPolicy.RETAIN,
  });
  return {
    ...functionProps,
    ...(ownLogGroup ? { logGroup: ownLogGroup } : { logRetention, logRemovalPolicy }),
    // @default Duration.seconds(15): WorkMail counts a synchronous call that has not answered by then as failed.
    timeout: props.timeout ?? Duration.seconds(SYNC_INVOCATION_TIMEOUT_SECONDS),
  } as unknown as Omit<P, keyof WorkMailFunctionOptions>;
}

/**
 * What the constructor does once the base class is built from `baseProps()` (`base`): the organization's
 * checks, WorkMail's permission to invoke the function, logging scoped to its own log group, and the
 * idempotency table, which it returns.
 */
export function setUp(fn: lambda.Function, props: BaseFunctionProps & WorkMailFunctionOptions, base: BaseFunctionProps): dynamodb.ITable | undefined {
  const organization = props.organization;
  checkSameEnvironment(fn, 'organization', organization);
  allowWorkMailInvoke(fn, organization, fn);
  // A role of its own: its role may write to its own log group only (not AWSLambdaBasicExecutionRole).
  // Newer aws-cdk-lib types `logGroup` as ILogGroupRef (ARN under `logGroupRef`); older ones as ILogGroup only.
  const logGroup = base.logGroup;
  if (!props.role && logGroup) scopeFunctionLogging(fn, logGroup.logGroupRef?.logGroupArn ?? (logGroup as Partial<logs.ILogGroup>).logGroupArn!);
  const table = props.idempotencyTable?.bind(fn);
  if (table) useIdempotencyTable(fn, table, props.environment);
  return table;
}

/** An inbound rule of the function's organization that runs `fn`. */
export function addInboundRule(fn: IWorkMailFunction, id: string, options: InboundLambdaRuleOptions): InboundFlowRule {
  const { synchronous, fallbackAction, ruleTimeout, ...rule } = options;
  return new InboundFlowRule(fn, id, { ...rule, organization: fn.organization, action: InboundAction.runLambda(fn, { synchronous, fallbackAction, ruleTimeout }) });
}

/** An outbound rule of the function's organization that runs `fn`. */
export function addOutboundRule(fn: IWorkMailFunction, id: string, options: OutboundLambdaRuleOptions): OutboundFlowRule {
  const { synchronous, fallbackAction, ruleTimeout, ...rule } = options;
  return new OutboundFlowRule(fn, id, { ...rule, organization: fn.organization, action: OutboundAction.runLambda(fn, { synchronous, fallbackAction, ruleTimeout }) });
}

/** `GetRawMessageContent` on the messages of the function's organization. */
export function grantReadMessageContent(fn: IWorkMailFunction): iam.Grant {
  return grantReadContent(fn, fn.organization);
}

/** The bucket of each function's updated messages, once `grantWriteMessageContent()` was called. */
const contentBuckets = new WeakMap<Construct, s3.IBucket>();

/** The bucket `fn` stores updated messages in, once `grantWriteMessageContent()` was called. */
export function messageContentBucket(fn: WorkMailFunctionConstruct): s3.IBucket | undefined {
  return contentBuckets.get(fn);
}

/**
 * Let `fn` update the messages of its organization through `bucket` (or the bucket given before, or a new
 * `MessageContentBucket`), and set its `WORKMAIL_MESSAGE_CONTENT_BUCKET` environment variable.
 */
export function grantWriteMessageContent(fn: WorkMailFunctionConstruct, bucket?: s3.IBucket): iam.Grant {
  const current = contentBuckets.get(fn);
  if (current && bucket && bucket !== current) {
    throw invalid(fn, `grantWriteMessageContent: bucket ${bucket.node.path} differs from ${current.node.path}, given before; ` +
      `a function stores updated messages in one bucket (${MESSAGE_CONTENT_BUCKET_ENV} holds one name)`);
  }
  const target = bucket ?? current ?? newContentBucket(fn);
  const grant = grantWriteContent(fn, fn.organization, target);
  if (!current) fn.addEnvironment(MESSAGE_CONTENT_BUCKET_ENV, target.bucketName);
  contentBuckets.set(fn, target);
  return grant;
}

function newContentBucket(fn: WorkMailFunctionConstruct): s3.IBucket {
  // Loaded here, not at the top: aws-s3 loads only for a function that stores updated messages in a bucket of its own.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { MessageContentBucket } = require('./message-content-bucket') as typeof import('./message-content-bucket');
  return new MessageContentBucket(fn, 'MessageContentBucket', { organization: fn.organization });
}
