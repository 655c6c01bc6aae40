import { CustomResource, Duration, IResource, Names, RemovalPolicy, Resource, Token } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct, IConstruct } from 'constructs';
import {
  actionTypeProblem, bounceMessageProblem, descriptionProblem, MAX_SENDER_PATTERNS, patternListProblems, REMEDIES,
  ADOPT_EXISTING_PROPERTY, RULE_NAME_LENGTH, RULE_TIMEOUT_MINUTES, ruleNameProblem, ruleTimeoutProblem, senderPatternQuotaProblem,
  smtpGatewayNameProblem, SYNC_INVOCATION_TIMEOUT_SECONDS, synchronousDestinationsProblem, synchronousOnlyProblem,
  type FlowDirection, type FlowRuleAction, type FlowRuleFields, type FlowRuleLambdaAction, type RuleSenderPatterns,
} from '../lambda/rules';
import { ActionSpec, InboundAction, OutboundAction } from './actions';
import type { IWorkMailOrganization } from './interfaces/organization';
import { check, invalid, warn, WARNINGS } from './private/errors';
import { checkSameEnvironment } from './private/environment';
import { allowWorkMailInvoke } from './private/permission';
import { flowRuleProvider } from './private/provider';
import { registerForShadowCheck } from './private/shadowed-rules';

/**
 * An Amazon WorkMail email flow rule.
 */
export interface IFlowRule extends IResource {
  /**
   * The id WorkMail gave the rule.
   * @attribute
   */
  readonly ruleId: string;

  /**
   * The name of the rule.
   * @attribute
   */
  readonly ruleName: string;

  /** The organization the rule belongs to. */
  readonly organization: IWorkMailOrganization;
}

/**
 * What every email flow rule has, whatever its direction and action.
 */
export interface FlowRuleOptions {
  /**
   * The senders the rule applies to: `*`, addresses (`user@example.com`), domains (`example.com`) or
   * subdomain wildcards (`*.example.com`). No whitespace, no `+`, no duplicates, at most 250 patterns; the rules
   * of one organization hold at most 1,000 sender patterns together, inbound and outbound (checked over the app).
   *
   * @default ['*'] (every sender)
   */
  readonly senderPatterns?: string[];

  /**
   * The recipients the rule applies to, in the same forms as `senderPatterns`. A synchronous Run Lambda
   * rule accepts only `['*']`.
   *
   * @default ['*'] (every recipient)
   */
  readonly destinationPatterns?: string[];

  /**
   * The name of the rule, 1 to 64 characters, unique among the organization's rules of the same direction.
   *
   * @default a unique name derived from the construct path
   */
  readonly ruleName?: string;

  /**
   * A description of the rule, at most 256 characters.
   *
   * @default no description
   */
  readonly description?: string;

  /**
   * What happens to the rule in WorkMail when it leaves the stack (or the stack is deleted).
   *
   * @default RemovalPolicy.DESTROY (the rule is deleted)
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Take over a rule that already exists: when the rule is created and the organization already has a rule of
   * the same name and direction (made in the console, say), that rule is updated in place to these props and
   * becomes this resource's, instead of the deploy failing on the name. There is no moment without the rule and
   * no second rule. From then on the rule is the stack's: with the default `removalPolicy`, removing it from the
   * stack or deleting the stack deletes the rule in WorkMail; use `RemovalPolicy.RETAIN` to keep it.
   *
   * It applies when the resource is created only: a rule the stack already manages is not affected.
   * `cdk-workmail-lambda export` writes the organization's rules as code with this set (docs/existing-organizations.md).
   *
   * @default false (a rule of the same name makes the deploy fail, with a message suggesting this prop)
   */
  readonly adoptExisting?: boolean;
}

/**
 * Properties of an inbound email flow rule.
 */
export interface InboundFlowRuleProps extends FlowRuleOptions {
  /** The organization whose inbound mail the rule applies to. */
  readonly organization: IWorkMailOrganization;

  /** What the rule does with a message that matches it. */
  readonly action: InboundAction;
}

/**
 * Properties of an outbound email flow rule.
 */
export interface OutboundFlowRuleProps extends FlowRuleOptions {
  /** The organization whose outbound mail the rule applies to. */
  readonly organization: IWorkMailOrganization;

  /** What the rule does with a message that matches it. */
  readonly action: OutboundAction;
}

/**
 * What an inbound and an outbound email flow rule have in common: the custom resource that makes the rule,
 * its checks and its permission to run a function. Use `InboundFlowRule` or `OutboundFlowRule`.
 */
export abstract class FlowRuleBase extends Resource implements IFlowRule {
  public readonly ruleId: string;
  public readonly ruleName: string;
  public readonly organization: IWorkMailOrganization;

  /**
   * @internal
   * @param direction `INBOUND` or `OUTBOUND`: the rule's direction, which the action must belong to
   */
  protected constructor(scope: Construct, id: string, direction: FlowDirection, props: InboundFlowRuleProps | OutboundFlowRuleProps) {
    super(scope, id);
    this.organization = props.organization;
    const rendered = renderFlowRule(this, direction, props, props.action._spec);
    this.ruleName = rendered.ruleName;
    this.ruleId = rendered.resource.getAttString('RuleId');
  }
}

/**
 * An inbound email flow rule of an Amazon WorkMail organization: what WorkMail does with a message
 * that comes in from a matching sender to a matching recipient, such as running a Lambda function.
 *
 * @resource Custom::WorkMailInboundFlowRule
 *
 * @example
 * import * as lambda from 'aws-cdk-lib/aws-lambda';
 * import { InboundAction, InboundFlowRule, type IWorkMailOrganization } from 'cdk-workmail-lambda';
 *
 * declare const organization: IWorkMailOrganization;
 * declare const fn: lambda.IFunction;
 *
 * // Run a function on mail from outside senders, wait for its answer, and move the message to Junk E-Mail
 * // when the function keeps failing.
 * new InboundFlowRule(this, 'Scan', {
 *   organization,
 *   action: InboundAction.runLambda(fn, { synchronous: true, fallbackAction: InboundAction.MOVE_TO_JUNK }),
 *   ruleName: 'scan-inbound',
 * });
 *
 * // Rules without a function: bounce one sender's mail.
 * new InboundFlowRule(this, 'Blocked', {
 *   organization,
 *   action: InboundAction.bounce('Mail from this sender is not accepted.'),
 *   senderPatterns: ['ads.example'],
 * });
 */
export class InboundFlowRule extends FlowRuleBase {
  constructor(scope: Construct, id: string, props: InboundFlowRuleProps) {
    super(scope, id, 'INBOUND', props);
  }
}

/**
 * An outbound email flow rule of an Amazon WorkMail organization: what WorkMail does with a message
 * that a matching sender sends to a matching recipient, such as running a Lambda function.
 *
 * @resource Custom::WorkMailOutboundFlowRule
 *
 * @example
 * import * as lambda from 'aws-cdk-lib/aws-lambda';
 * import { OutboundAction, OutboundFlowRule, type IWorkMailOrganization } from 'cdk-workmail-lambda';
 *
 * declare const organization: IWorkMailOrganization;
 * declare const fn: lambda.IFunction;
 *
 * // Run a function (asynchronously: the message is sent meanwhile) on what example.com sends to partners.
 * new OutboundFlowRule(this, 'Archive', {
 *   organization,
 *   action: OutboundAction.runLambda(fn),
 *   senderPatterns: ['example.com'],
 *   destinationPatterns: ['partner.example'],
 * });
 */
export class OutboundFlowRule extends FlowRuleBase {
  constructor(scope: Construct, id: string, props: OutboundFlowRuleProps) {
    super(scope, id, 'OUTBOUND', props);
  }
}

// ---- shared implementation of both directions ----

/**
 * The rules of each app by organization, direction and name, for the name-uniqueness check: each rule
 * registers when it is built, so the check needs no walk of the construct tree.
 */
const rulesByName = new WeakMap<IConstruct, Map<string, IConstruct[]>>();

/** The sender patterns of each app's rules by organization, for the per-organization quota (registered as rules are built). */
const senderPatternsByOrganization = new WeakMap<IConstruct, Map<string, OrganizationSenderPatterns>>();

interface OrganizationSenderPatterns {
  readonly counted: RuleSenderPatterns[];
  /** Rules whose pattern list is a token (e.g. a CommaDelimitedList parameter): its length is not known at synth. */
  readonly uncounted: string[];
}

const RESOURCE_TYPES: Record<FlowDirection, string> = {
  INBOUND: 'Custom::WorkMailInboundFlowRule',
  OUTBOUND: 'Custom::WorkMailOutboundFlowRule',
};

function renderFlowRule(
  rule: Resource, direction: FlowDirection, props: FlowRuleOptions & { organization: IWorkMailOrganization }, action: ActionSpec,
): { resource: CustomResource; ruleName: string } {
  const organization = props.organization;
  const senderPatterns = props.senderPatterns ?? ['*'];
  const destinationPatterns = props.destinationPatterns ?? ['*'];
  const ruleName = props.ruleName ?? Names.uniqueResourceName(rule, { maxLength: RULE_NAME_LENGTH.max, separator: '-' });

  checkSameEnvironment(rule, 'organization', organization);
  if (!Token.isUnresolved(ruleName)) check(rule, ruleNameProblem('ruleName', ruleName));
  if (props.description !== undefined && !Token.isUnresolved(props.description)) {
    check(rule, descriptionProblem('description', props.description));
  }
  checkPatterns(rule, 'senderPatterns', senderPatterns, MAX_SENDER_PATTERNS);
  checkPatterns(rule, 'destinationPatterns', destinationPatterns);

  const dependencies: IConstruct[] = [];
  const wireAction = renderAction(rule, direction, action, false, organization, dependencies);
  if (action.lambda?.synchronous && !Token.isUnresolved(destinationPatterns)) {
    check(rule, synchronousDestinationsProblem('destinationPatterns', destinationPatterns));
  }

  const fields: FlowRuleFields = {
    OrganizationId: organization.organizationId,
    Name: ruleName,
    Description: props.description,
    SenderPatterns: senderPatterns,
    DestinationPatterns: destinationPatterns,
    Action: wireAction,
  };
  const provider = flowRuleProvider(rule, direction, organization.organizationArn);
  const resource = new CustomResource(rule, 'Resource', {
    serviceToken: provider.serviceToken,
    resourceType: RESOURCE_TYPES[direction],
    // Written only when set: the templates of rules that do not adopt stay as they were.
    properties: { ...fields, ...(props.adoptExisting ? { [ADOPT_EXISTING_PROPERTY]: true } : {}) },
    removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
  });
  dependencies.forEach((d) => resource.node.addDependency(d));

  registerName(rule, direction, organization.organizationId, ruleName);
  registerSenderPatterns(rule, organization.organizationId, senderPatterns);
  registerForShadowCheck(rule, direction, organization.organizationId, { name: ruleName, senderPatterns, destinationPatterns, actionType: action.type });
  return { resource, ruleName };
}

function checkPatterns(rule: IConstruct, prop: string, patterns: string[], max?: number): void {
  if (Token.isUnresolved(patterns)) return;
  const resolved = patterns.filter((p) => !Token.isUnresolved(p));
  // Only a fully known list can be checked for emptiness and size; known entries are always checked.
  const complete = resolved.length === patterns.length;
  if (!complete && resolved.length === 0) return;
  const problems = complete ? patternListProblems(prop, patterns, max) : patternListProblems(prop, resolved);
  if (problems.length > 0) throw invalid(rule, problems.join('; '));
}

function renderAction(
  rule: IConstruct, direction: FlowDirection, action: ActionSpec, fallback: boolean,
  organization: IWorkMailOrganization, dependencies: IConstruct[],
): FlowRuleAction {
  const prop = fallback ? 'fallbackAction' : 'action';
  check(rule, actionTypeProblem(prop, direction, action.type, fallback));
  if (action.bounceMessage !== undefined && !Token.isUnresolved(action.bounceMessage)) {
    check(rule, bounceMessageProblem(`${prop} ${action.label}: message`, action.bounceMessage));
  }
  if (action.smtpGatewayName !== undefined && !Token.isUnresolved(action.smtpGatewayName)) {
    check(rule, smtpGatewayNameProblem(`${prop} ${action.label}: gatewayName`, action.smtpGatewayName));
  }
  const spec = action.lambda;
  if (!spec) {
    return { Type: action.type, BounceMessage: action.bounceMessage, SmtpGatewayName: action.smtpGatewayName };
  }

  const fn = spec.fn;
  checkSameEnvironment(rule, `${prop} ${action.label}: function`, fn, organization);
  let lambdaAction: FlowRuleLambdaAction;
  if (spec.synchronous) {
    const minutes = renderMinutes(rule, spec.ruleTimeout ?? Duration.minutes(RULE_TIMEOUT_MINUTES.default));
    const fallbackSpec = spec.fallback ?? (direction === 'INBOUND' ? InboundAction.DEFAULT : OutboundAction.DEFAULT)._spec;
    const fallbackAction = renderAction(rule, direction, fallbackSpec, true, organization, dependencies);
    warnOnSlowFunction(rule, fn);
    lambdaAction = { FunctionArn: fn.functionArn, InvocationType: 'SYNC', FallbackAction: fallbackAction, RuleTimeoutInMinutes: minutes };
  } else {
    check(rule,
      synchronousOnlyProblem('ruleTimeout', 'synchronous: true', spec.ruleTimeout?.toHumanString()),
      synchronousOnlyProblem('fallbackAction', 'synchronous: true', spec.fallback?.label));
    lambdaAction = { FunctionArn: fn.functionArn, InvocationType: 'ASYNC' };
  }
  // Only a valid action gets the permission: a rule that throws leaves nothing behind.
  const permission = allowWorkMailInvoke(fn, organization, rule);
  if (permission) dependencies.push(permission);
  return { Type: 'RUN_LAMBDA', Lambda: lambdaAction };
}

function renderMinutes(rule: IConstruct, timeout: Duration): number {
  if (timeout.isUnresolved()) return timeout.toMinutes();
  const minutes = timeout.toSeconds() / 60;
  check(rule, ruleTimeoutProblem('ruleTimeout', minutes, Number.isInteger(minutes) ? `${minutes} minutes` : timeout.toHumanString()));
  return minutes;
}

function warnOnSlowFunction(rule: IConstruct, fn: lambda.IFunction): void {
  const timeout = fn instanceof lambda.Function ? fn.timeout : undefined;
  if (timeout && !timeout.isUnresolved() && timeout.toSeconds() > SYNC_INVOCATION_TIMEOUT_SECONDS) {
    warn(rule, WARNINGS.synchronousFunctionTimeout,
      `the function ${fn.node.path} has a timeout of ${timeout.toHumanString()}, but WorkMail counts a synchronous invocation that has not answered after ${SYNC_INVOCATION_TIMEOUT_SECONDS} seconds as failed; set its timeout to at most Duration.seconds(${SYNC_INVOCATION_TIMEOUT_SECONDS})`);
  }
}

function registerName(rule: IConstruct, direction: FlowDirection, organizationId: string, ruleName: string): void {
  if (Token.isUnresolved(ruleName) || Token.isUnresolved(organizationId)) return;
  const root = rule.node.root;
  let names = rulesByName.get(root);
  if (!names) rulesByName.set(root, names = new Map());
  const key = `${organizationId} ${direction} ${ruleName}`;
  if (!names.has(key)) names.set(key, []);
  names.get(key)!.push(rule);
  rule.node.addValidation({
    validate: () => {
      const clash = names!.get(key)!.find((other) => other !== rule);
      if (!clash) return [];
      const dir = direction.toLowerCase();
      return [`ruleName ${JSON.stringify(ruleName)} is also used by the ${dir} rule ${clash.node.path}; rule names must be unique among an organization's ${dir} rules (organization ${organizationId})`];
    },
  });
}

/**
 * Adds the rule's sender patterns to its organization's count in the app. The first rule of an organization
 * carries the check, so an app over the quota gets one error per organization, naming every rule counted.
 */
function registerSenderPatterns(rule: IConstruct, organizationId: string, senderPatterns: string[]): void {
  // An organization known only at deploy time cannot be grouped with others.
  if (Token.isUnresolved(organizationId)) return;
  const root = rule.node.root;
  let organizations = senderPatternsByOrganization.get(root);
  if (!organizations) senderPatternsByOrganization.set(root, organizations = new Map());
  let entry = organizations.get(organizationId);
  if (!entry) {
    const patterns: OrganizationSenderPatterns = entry = { counted: [], uncounted: [] };
    organizations.set(organizationId, patterns);
    rule.node.addValidation({
      validate: () => {
        const problem = senderPatternQuotaProblem(organizationId, 'the email flow rules of this app', patterns.counted);
        if (!problem) return [];
        const uncounted = patterns.uncounted.length ? `; not counted (sender patterns not known at synth time): ${patterns.uncounted.join(', ')}` : '';
        return [`${problem}${uncounted}; ${REMEDIES.senderPatternQuota}`];
      },
    });
  }
  // A list token's length is unknown; a string token in a literal list is still one pattern.
  if (Token.isUnresolved(senderPatterns)) entry.uncounted.push(rule.node.path);
  else entry.counted.push({ rule: rule.node.path, count: senderPatterns.length });
}
