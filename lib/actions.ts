import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { FlowRuleActionType } from '../lambda/rules';

/**
 * Options of a Run Lambda action, whatever its direction.
 */
export interface RunLambdaOptions {
  /**
   * Whether WorkMail waits for the function's answer before it delivers or sends the message.
   *
   * A synchronous function answers with the actions to take per recipient (and may change the message);
   * WorkMail waits at most 15 seconds for it, then retries until `ruleTimeout` and applies `fallbackAction`.
   * A synchronous rule accepts only the `*` destination pattern.
   * An asynchronous function runs while the message flows on and cannot change what happens to it.
   *
   * @default false (asynchronous, as in the WorkMail console)
   */
  readonly synchronous?: boolean;

  /**
   * How long WorkMail retries a synchronous invocation that fails before it applies the fallback action.
   *
   * A whole number of minutes from 0 to 240. With 0, WorkMail applies the fallback action at the first
   * failure. Only allowed with `synchronous: true`.
   *
   * @default Duration.minutes(30) for a synchronous action; none for an asynchronous one
   */
  readonly ruleTimeout?: Duration;
}

/**
 * Options of an inbound Run Lambda action.
 */
export interface InboundRunLambdaOptions extends RunLambdaOptions {
  /**
   * What WorkMail does with the message when the function keeps failing until `ruleTimeout`, and for the
   * recipients a response leaves out. Any inbound action but Run Lambda. Only allowed with `synchronous: true`.
   *
   * @default InboundAction.DEFAULT for a synchronous action; none for an asynchronous one
   */
  readonly fallbackAction?: InboundAction;
}

/**
 * Options of an outbound Run Lambda action.
 */
export interface OutboundRunLambdaOptions extends RunLambdaOptions {
  /**
   * What WorkMail does with the message when the function keeps failing until `ruleTimeout`, and for the
   * recipients a response leaves out. Any outbound action but Run Lambda. Only allowed with `synchronous: true`.
   *
   * @default OutboundAction.DEFAULT for a synchronous action; none for an asynchronous one
   */
  readonly fallbackAction?: OutboundAction;
}

/** @internal What an action is, before a rule renders and checks it. */
export interface ActionSpec {
  readonly type: FlowRuleActionType;
  /** The factory call, for messages. */
  readonly label: string;
  readonly bounceMessage?: string;
  readonly smtpGatewayName?: string;
  readonly lambda?: {
    readonly fn: lambda.IFunction;
    readonly synchronous: boolean;
    readonly ruleTimeout?: Duration;
    readonly fallback?: ActionSpec;
  };
}

function runLambdaSpec(fn: lambda.IFunction, options: RunLambdaOptions, fallback: ActionSpec | undefined, label: string): ActionSpec {
  return {
    type: 'RUN_LAMBDA',
    label,
    lambda: { fn, synchronous: options.synchronous ?? false, ruleTimeout: options.ruleTimeout, fallback },
  };
}

/**
 * What an inbound email flow rule does with a message that matches it.
 *
 * @example
 * import { Duration } from 'aws-cdk-lib';
 * import * as lambda from 'aws-cdk-lib/aws-lambda';
 * import { InboundAction, InboundFlowRule, type IWorkMailOrganization } from 'cdk-workmail-lambda';
 *
 * declare const organization: IWorkMailOrganization;
 * declare const fn: lambda.IFunction;
 *
 * new InboundFlowRule(this, 'Junk', { organization, action: InboundAction.MOVE_TO_JUNK, senderPatterns: ['ads.example'] });
 * new InboundFlowRule(this, 'Partners', { organization, action: InboundAction.BYPASS_SPAM_CHECK, senderPatterns: ['*.partner.example'] });
 * new InboundFlowRule(this, 'Scan', {
 *   organization,
 *   action: InboundAction.runLambda(fn, {
 *     synchronous: true,
 *     fallbackAction: InboundAction.bounce('The message could not be checked.'),
 *     ruleTimeout: Duration.minutes(10),
 *   }),
 * });
 */
export class InboundAction {
  /** Deliver the message as usual. */
  public static readonly DEFAULT = new InboundAction({ type: 'DEFAULT', label: 'InboundAction.DEFAULT' });

  /** Drop the message silently. */
  public static readonly DROP = new InboundAction({ type: 'DROP', label: 'InboundAction.DROP' });

  /** Deliver the message to the recipients' Junk E-Mail folder. */
  public static readonly MOVE_TO_JUNK = new InboundAction({ type: 'MOVE_TO_JUNK', label: 'InboundAction.MOVE_TO_JUNK' });

  /** Deliver the message without the spam check. */
  public static readonly BYPASS_SPAM_CHECK = new InboundAction({ type: 'BYPASS_SPAM_CHECK', label: 'InboundAction.BYPASS_SPAM_CHECK' });

  /**
   * Reject the message with a bounce to the sender.
   *
   * @param message the text of the bounce message (non-empty)
   */
  public static bounce(message: string): InboundAction {
    return new InboundAction({ type: 'BOUNCE', label: 'InboundAction.bounce(message)', bounceMessage: message });
  }

  /**
   * Run a Lambda function on the message.
   *
   * The rule adds the permission for WorkMail to invoke the function (once per function and organization).
   * The function must be in the organization's account and Region.
   *
   * @param fn the function to run: any function of the organization's account and Region
   * @param options synchronous or not, and for a synchronous action its fallback action and rule timeout
   */
  public static runLambda(fn: lambda.IFunction, options: InboundRunLambdaOptions = {}): InboundAction {
    return new InboundAction(runLambdaSpec(fn, options, options.fallbackAction?._spec, 'InboundAction.runLambda()'));
  }

  /** The action type WorkMail knows this action by, such as `BOUNCE` or `RUN_LAMBDA`. */
  public readonly actionType: string;

  private constructor(/** @internal */ public readonly _spec: ActionSpec) {
    this.actionType = _spec.type;
  }
}

/**
 * What an outbound email flow rule does with a message that matches it.
 *
 * @example
 * import * as lambda from 'aws-cdk-lib/aws-lambda';
 * import { OutboundAction, OutboundFlowRule, type IWorkMailOrganization } from 'cdk-workmail-lambda';
 *
 * declare const organization: IWorkMailOrganization;
 * declare const fn: lambda.IFunction;
 *
 * new OutboundFlowRule(this, 'ViaGateway', {
 *   organization,
 *   action: OutboundAction.routeToSmtpGateway('archive-gateway'),
 *   destinationPatterns: ['partner.example'],
 * });
 * new OutboundFlowRule(this, 'Disclaimer', {
 *   organization,
 *   action: OutboundAction.runLambda(fn, { synchronous: true, fallbackAction: OutboundAction.DEFAULT }),
 * });
 */
export class OutboundAction {
  /** Send the message as usual. */
  public static readonly DEFAULT = new OutboundAction({ type: 'DEFAULT', label: 'OutboundAction.DEFAULT' });

  /** Drop the message silently. */
  public static readonly DROP = new OutboundAction({ type: 'DROP', label: 'OutboundAction.DROP' });

  /**
   * Stop the message and bounce it back to the sender.
   *
   * @param message the text of the bounce message (non-empty)
   */
  public static bounce(message: string): OutboundAction {
    return new OutboundAction({ type: 'BOUNCE', label: 'OutboundAction.bounce(message)', bounceMessage: message });
  }

  /**
   * Send the message through one of the organization's SMTP gateways.
   *
   * @param gatewayName the name of the SMTP gateway, as configured in the organization
   */
  public static routeToSmtpGateway(gatewayName: string): OutboundAction {
    return new OutboundAction({ type: 'ROUTE_TO_SMTP_GATEWAY', label: 'OutboundAction.routeToSmtpGateway(gatewayName)', smtpGatewayName: gatewayName });
  }

  /**
   * Run a Lambda function on the message.
   *
   * The rule adds the permission for WorkMail to invoke the function (once per function and organization).
   * The function must be in the organization's account and Region.
   *
   * @param fn the function to run: any function of the organization's account and Region
   * @param options synchronous or not, and for a synchronous action its fallback action and rule timeout
   */
  public static runLambda(fn: lambda.IFunction, options: OutboundRunLambdaOptions = {}): OutboundAction {
    return new OutboundAction(runLambdaSpec(fn, options, options.fallbackAction?._spec, 'OutboundAction.runLambda()'));
  }

  /** The action type WorkMail knows this action by, such as `BOUNCE` or `RUN_LAMBDA`. */
  public readonly actionType: string;

  private constructor(/** @internal */ public readonly _spec: ActionSpec) {
    this.actionType = _spec.type;
  }
}
