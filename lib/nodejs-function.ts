import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { NodejsFunction, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { InboundFlowRule, OutboundFlowRule } from './flow-rule';
import * as common from './function-common';
import type { InboundLambdaRuleOptions, IWorkMailFunction, OutboundLambdaRuleOptions, WorkMailFunctionOptions } from './function-options';
import type { IWorkMailOrganization } from './interfaces/organization';
import { nodejsFunctionProps } from './private/nodejs';

/**
 * Properties of a WorkMail function bundled from its handler file: every `NodejsFunctionProps` (entry, handler,
 * bundling, runtime, ...), and the organization it serves.
 *
 * Three defaults differ from `NodejsFunction`'s (jsii lets an interface document, not re-declare, an inherited prop):
 * - `runtime`: the newest Node.js runtime the installed aws-cdk-lib knows, `Runtime.NODEJS_24_X` (`NODEJS_22_X` with
 *   aws-cdk-lib before 2.224.0); not `NODEJS_LATEST`, with which NodejsFunction bundles `@aws-sdk/*` instead of
 *   leaving it to the SDK of Lambda's runtime;
 * - `timeout`: `Duration.seconds(15)`, the longest WorkMail waits for a synchronous answer;
 * - `bundling.mainFields`: `['module', 'main']` when `bundling.format` is `OutputFormat.ESM` and no `mainFields` are
 *   given, so that a package bundled in comes as its ES module build (its CommonJS build would `require` Node
 *   built-ins, which fails in an ES module bundle: "Dynamic require of "os" is not supported").
 *
 * `entry` defaults as in NodejsFunction, to `<file>.<id>.ts` (or `.js`, ...) beside the file that creates the
 * function. Bundling runs esbuild locally when the project has it installed (`npm i -D esbuild`), else in Docker.
 */
export interface WorkMailNodejsFunctionProps extends NodejsFunctionProps, WorkMailFunctionOptions {}

/**
 * A Lambda function that Amazon WorkMail runs from email flow rules, bundled from its handler's source file.
 *
 * An aws-lambda-nodejs `NodejsFunction` with what `WorkMailFunction` adds to a function: a timeout suited to
 * synchronous rules (15 seconds), the permission for WorkMail to invoke it for its organization only, its own log
 * group, `addInboundRule()` / `addOutboundRule()`, the message content grants and the idempotency table. At
 * synth a missing entry file or handler export is an error naming the file.
 *
 * @example
 * import { Duration } from 'aws-cdk-lib';
 * import { InboundAction, WorkMailNodejsFunction, WorkMailOrganization } from 'cdk-workmail-lambda';
 *
 * // Bundles lambda/guard.ts (relative to where `cdk synth` runs) with esbuild, for the newest Node.js runtime.
 * const fn = new WorkMailNodejsFunction(this, 'Guard', {
 *   organization: WorkMailOrganization.fromOrganizationId(this, 'Organization', 'm-0123456789abcdef0123456789abcdef'),
 *   entry: 'lambda/guard.ts',
 * });
 *
 * // WorkMail waits for its answer on inbound mail, and moves the message to Junk when it keeps failing.
 * fn.addInboundRule('Guard', {
 *   synchronous: true,
 *   fallbackAction: InboundAction.MOVE_TO_JUNK,
 *   ruleTimeout: Duration.minutes(30),
 * });
 */
export class WorkMailNodejsFunction extends NodejsFunction implements IWorkMailFunction {
  /** The organization whose rules run the function. */
  public readonly organization: IWorkMailOrganization;

  /** The table of the function's idempotency records, when the `idempotencyTable` prop is given. */
  public readonly idempotencyTable?: dynamodb.ITable;

  constructor(scope: Construct, id: string, props: WorkMailNodejsFunctionProps) {
    const base = common.baseProps(scope, id, nodejsFunctionProps(scope, id, props, 'WorkMailNodejsFunction'));
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
   * Let this function read the messages of its organization with `getRawMessage()`; as
   * `WorkMailFunction.grantReadMessageContent()`.
   */
  public grantReadMessageContent(): iam.Grant {
    return common.grantReadMessageContent(this);
  }

  /**
   * Let this function update the messages of its organization with `putRawMessage()`; as
   * `WorkMailFunction.grantWriteMessageContent()`.
   *
   * @param bucket the bucket to store updated messages in, in the organization's account and Region; when
   *   none is given (the default), a new `MessageContentBucket`, a child of this function
   */
  public grantWriteMessageContent(bucket?: s3.IBucket): iam.Grant {
    return common.grantWriteMessageContent(this, bucket);
  }
}
