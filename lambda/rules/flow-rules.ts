/**
 * The service rules of Amazon WorkMail email flow rules and Run Lambda actions: limits, pattern syntax,
 * action types per direction, and the checks of a rule in its wire form.
 *
 * The constructs use them for synth-time errors, the flow-rule provider to validate the properties of a
 * (possibly hand-written) template again at deploy time, and the local emulator to reject what the
 * service would reject.
 *
 * Every check returns a problem sentence (or nothing). The sentence starts with the field name the
 * caller passes in, so each caller speaks its own vocabulary (`ruleTimeout` in a construct,
 * `Action.Lambda.RuleTimeoutInMinutes` in a template), names the value it got and says what is allowed.
 */
import { isDomain } from './addresses';
import type { FlowDirection, FlowRuleAction, FlowRuleActionType, FlowRuleFields } from './contract';
import { environmentProblem } from './environment';
import { show } from './values';

/** The AWS Regions where Amazon WorkMail runs. */
export const WORKMAIL_REGIONS: readonly string[] = ['us-east-1', 'us-west-2', 'eu-west-1'];

/** Rule timeout of a synchronous Run Lambda action, in whole minutes. */
export const RULE_TIMEOUT_MINUTES = { min: 0, max: 240, default: 30 } as const;

/** WorkMail treats a synchronous invocation that has not answered after this many seconds as failed. */
export const SYNC_INVOCATION_TIMEOUT_SECONDS = 15;

/** Length of a flow rule name, in characters. */
export const RULE_NAME_LENGTH = { min: 1, max: 64 } as const;

/** Length of a flow rule description, in characters. */
export const DESCRIPTION_MAX_LENGTH = 256;

/** Most sender patterns one flow rule can hold. */
export const MAX_SENDER_PATTERNS = 250;

/**
 * Most sender patterns the email flow rules of one organization can hold, a hard quota of WorkMail's quotas
 * page ("Number of sender patterns in email flow rules per organization"). The page names no direction, and
 * inbound and outbound rules are both email flow rules, so both directions count together; every entry of
 * every rule's list counts, a pattern listed by two rules twice (the default `*` is one pattern too).
 */
export const MAX_SENDER_PATTERNS_PER_ORGANIZATION = 1000;

/** One rule's share of its organization's sender patterns, as `senderPatternQuotaProblem` reads it. */
export interface RuleSenderPatterns {
  /** How the caller names the rule (a construct path, `inbound rule "name"`). */
  readonly rule: string;
  /** The number of entries in the rule's sender pattern list. */
  readonly count: number;
}

/** Rules named in a quota message, the largest first; the rest are summed up. */
const QUOTA_RULES_SHOWN = 10;

/** What to do when WorkMail refuses a rule for one of its limits, or for the organization's state. */
export const REMEDIES = {
  senderPatternQuota: 'remove sender patterns from this or other rules of the organization, or merge rules that take the same action '
    + '(a domain or a *.domain pattern covers many addresses); rules made outside this app (console, CLI, other apps) count too',
  ruleCount: 'delete email flow rules the organization no longer needs (in this or other stacks, or in the WorkMail console), '
    + 'or merge rules that take the same action',
  organizationState: (organizationId: string) => `wait until the organization is Active (aws workmail describe-organization `
    + `--organization-id ${organizationId}) and deploy again; if it is being deleted, its rules go with it: remove the rule from the `
    + 'stack, or give it RemovalPolicy.RETAIN to delete the stack',
} as const;

/** The number of sender patterns `rules` hold toward the per-organization quota. */
export function senderPatternTotal(rules: readonly RuleSenderPatterns[]): number {
  return rules.reduce((sum, r) => sum + r.count, 0);
}

/**
 * Why the rules of an organization hold too many sender patterns, or undefined. `where` names what the
 * rules are (e.g. `the email flow rules of this app`); the rules are listed, the largest first, when
 * `listRules` is not false.
 */
export function senderPatternQuotaProblem(
  organizationId: string, where: string, rules: readonly RuleSenderPatterns[], listRules = true,
): string | undefined {
  const total = senderPatternTotal(rules);
  if (total <= MAX_SENDER_PATTERNS_PER_ORGANIZATION) return undefined;
  const n = (value: number) => value.toLocaleString('en-US');
  let text = `${where} hold ${n(total)} sender patterns for organization ${organizationId} (inbound and outbound rules together), `
    + `but WorkMail allows at most ${n(MAX_SENDER_PATTERNS_PER_ORGANIZATION)} sender patterns per organization (a hard quota)`;
  if (listRules) {
    const sorted = [...rules].sort((a, b) => b.count - a.count);
    const shown = sorted.slice(0, QUOTA_RULES_SHOWN).map((r) => `${r.rule} (${n(r.count)})`);
    const rest = sorted.slice(QUOTA_RULES_SHOWN);
    if (rest.length) shown.push(`${rest.length} more rule${rest.length === 1 ? '' : 's'} (${n(senderPatternTotal(rest))})`);
    text += `; sender patterns by rule: ${shown.join(', ')}`;
  }
  return text;
}

/** The only destination pattern list a synchronous Run Lambda rule accepts. */
export const SYNC_DESTINATION_PATTERNS: readonly string[] = ['*'];

/** Organization ids are `m-` and 32 lowercase hexadecimal digits. */
export const ORGANIZATION_ID_PATTERN = /^m-[0-9a-f]{32}$/;

/** Action types each direction accepts as a rule action (RUN_LAMBDA included). */
export const ACTION_TYPES: Readonly<Record<FlowDirection, readonly FlowRuleActionType[]>> = {
  INBOUND: ['DEFAULT', 'DROP', 'BOUNCE', 'MOVE_TO_JUNK', 'BYPASS_SPAM_CHECK', 'RUN_LAMBDA'],
  OUTBOUND: ['DEFAULT', 'DROP', 'BOUNCE', 'ROUTE_TO_SMTP_GATEWAY', 'RUN_LAMBDA'],
};

/** Action types a synchronous Run Lambda action may fall back to: any non-Lambda action of the direction. */
export function fallbackActionTypes(direction: FlowDirection): FlowRuleActionType[] {
  return ACTION_TYPES[direction].filter((t) => t !== 'RUN_LAMBDA');
}

// RFC 5322 dot-atom text, less `+` (WorkMail patterns do not take sub-addresses) and `*` (wildcards
// are only allowed as a whole pattern or a leading `*.` on a domain).
const LOCAL_PART = /^[A-Za-z0-9!#$%&'=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'=?^_`{|}~-]+)*$/;

/** Why `pattern` is not a valid sender or destination pattern, or undefined when it is. */
export function patternProblem(pattern: string): string | undefined {
  if (typeof pattern !== 'string' || pattern.length === 0) return 'a pattern cannot be empty';
  if (/\s/.test(pattern)) return 'a pattern cannot contain whitespace';
  if (pattern.includes('+')) return "a pattern cannot contain '+'";
  if (pattern === '*') return undefined;
  const at = pattern.lastIndexOf('@');
  if (at >= 0) {
    const local = pattern.slice(0, at);
    const domain = pattern.slice(at + 1);
    if (pattern.includes('*')) return "a wildcard '*' cannot be part of an address";
    if (local.length === 0 || local.length > 64 || !LOCAL_PART.test(local)) return `'${local}' is not a valid local part`;
    if (!isDomain(domain)) return `'${domain}' is not a valid domain`;
    return undefined;
  }
  const domain = pattern.startsWith('*.') ? pattern.slice(2) : pattern;
  if (domain.includes('*')) return "a wildcard is only allowed as '*' or a leading '*.'";
  if (!isDomain(domain)) return `'${domain}' is not a valid domain`;
  return undefined;
}

const PATTERN_FORMS = "each must be '*', an address (user@example.com), a domain (example.com) or a subdomain wildcard (*.example.com)";

/**
 * Problems of a sender or destination pattern list: non-empty, each pattern well formed, no duplicates
 * (compared without case, as mail domains are), and at most `max` entries when a maximum applies.
 */
export function patternListProblems(field: string, patterns: readonly string[], max?: number): string[] {
  if (!Array.isArray(patterns)) return [`${field} must be a list of patterns, got ${show(patterns)}`];
  if (patterns.length === 0) return [`${field} must hold at least one pattern, got an empty list; ${PATTERN_FORMS}`];
  const problems: string[] = [];
  if (max !== undefined && patterns.length > max) {
    problems.push(`${field} holds ${patterns.length} patterns; at most ${max} are allowed`);
  }
  const seen = new Set<string>();
  for (const pattern of patterns) {
    const problem = patternProblem(pattern);
    if (problem) {
      problems.push(`${field} has an invalid pattern ${show(pattern)}: ${problem}; ${PATTERN_FORMS}`);
      continue;
    }
    const key = pattern.toLowerCase();
    if (seen.has(key)) problems.push(`${field} lists ${show(pattern)} more than once; each pattern may appear once`);
    seen.add(key);
  }
  return problems;
}

/** The rule timeout must be a whole number of minutes from 0 to 240. `shown` describes the value as the caller got it. */
export function ruleTimeoutProblem(field: string, minutes: number, shown: string = `${minutes} minutes`): string | undefined {
  const { min, max } = RULE_TIMEOUT_MINUTES;
  if (typeof minutes !== 'number' || !Number.isInteger(minutes) || minutes < min || minutes > max) {
    return `${field} must be a whole number of minutes from ${min} to ${max}, got ${shown}`;
  }
  return undefined;
}

/** A rule name is 1 to 64 characters. */
export function ruleNameProblem(field: string, name: string): string | undefined {
  const { min, max } = RULE_NAME_LENGTH;
  if (typeof name !== 'string' || name.length < min || name.length > max) {
    const length = typeof name === 'string' ? `${name.length} characters` : typeof name;
    return `${field} must be ${min} to ${max} characters long, got ${show(name)} (${length})`;
  }
  return undefined;
}

/** A description is optional and at most 256 characters. */
export function descriptionProblem(field: string, description: string | undefined): string | undefined {
  if (description === undefined) return undefined;
  if (typeof description !== 'string' || description.length > DESCRIPTION_MAX_LENGTH) {
    const length = typeof description === 'string' ? `${description.length} characters` : typeof description;
    return `${field} must be at most ${DESCRIPTION_MAX_LENGTH} characters long, got ${length}`;
  }
  return undefined;
}

/** An organization id is `m-` followed by 32 lowercase hexadecimal digits. */
export function organizationIdProblem(field: string, organizationId: string): string | undefined {
  if (typeof organizationId !== 'string' || !ORGANIZATION_ID_PATTERN.test(organizationId)) {
    return `${field} must be 'm-' followed by 32 lowercase hexadecimal digits (m-0123456789abcdef0123456789abcdef), got ${show(organizationId)}`;
  }
  return undefined;
}

/** WorkMail runs in three Regions only. */
export function regionProblem(field: string, region: string): string | undefined {
  if (!WORKMAIL_REGIONS.includes(region)) {
    return `${field} ${show(region)} is not a Region where Amazon WorkMail runs; use one of ${WORKMAIL_REGIONS.join(', ')}`;
  }
  return undefined;
}

/** A bounce message cannot be empty or blank. */
export function bounceMessageProblem(field: string, message: string): string | undefined {
  if (typeof message !== 'string' || message.trim().length === 0) {
    return `${field} must be a non-empty bounce message, got ${show(message)}`;
  }
  return undefined;
}

/** An SMTP gateway name cannot be empty or contain whitespace. */
export function smtpGatewayNameProblem(field: string, name: string): string | undefined {
  if (typeof name !== 'string' || name.length === 0 || /\s/.test(name)) {
    return `${field} must be the name of an SMTP gateway of the organization (non-empty, no whitespace), got ${show(name)}`;
  }
  return undefined;
}

/** A synchronous Run Lambda rule accepts only the `*` destination pattern. */
export function synchronousDestinationsProblem(field: string, patterns: readonly string[]): string | undefined {
  const allowed = SYNC_DESTINATION_PATTERNS;
  if (!Array.isArray(patterns) || patterns.length !== allowed.length || allowed.some((p, i) => patterns[i] !== p)) {
    const list = `[${allowed.map((p) => `'${p}'`).join(', ')}]`;
    return `${field} must be exactly ${list} for a synchronous Run Lambda rule (WorkMail supports only the '*' destination condition there), got ${show(patterns)}`;
  }
  return undefined;
}

const FUNCTION_ARN = /^arn:(aws[a-z-]*):lambda:([a-z0-9-]+):(\d{12}):function:([A-Za-z0-9_-]{1,64})(:[A-Za-z0-9$_-]{1,128})?$/;

/** The parts of a Lambda function ARN, or undefined when `arn` is not one. */
export function parseFunctionArn(arn: string): { partition: string; region: string; account: string; functionName: string } | undefined {
  const match = typeof arn === 'string' ? FUNCTION_ARN.exec(arn) : null;
  if (!match) return undefined;
  return { partition: match[1], region: match[2], account: match[3], functionName: match[4] };
}

/** Why a function or an organization of another account or Region is refused. */

/**
 * A Run Lambda action must name a function in the organization's account and Region.
 * `where` is the organization's Region and account when known.
 */
export function functionArnProblem(field: string, arn: string, where?: { region?: string; account?: string }): string | undefined {
  const parts = parseFunctionArn(arn);
  if (!parts) return `${field} must be a Lambda function ARN (arn:aws:lambda:<region>:<account>:function:<name>), got ${show(arn)}`;
  return environmentProblem(`${field} names a function`, parts, { name: 'the organization', ...where });
}

/**
 * A fallback action and a rule timeout belong to synchronous Run Lambda actions only. `synchronous` says how
 * the caller spells "synchronous"; `shown` is the value given, undefined when none was.
 */
export function synchronousOnlyProblem(field: string, synchronous: string, shown: string | undefined): string | undefined {
  if (shown === undefined) return undefined;
  return `${field} is only allowed with ${synchronous} (an asynchronous Run Lambda action has no fallback action and no rule timeout), got ${shown}`;
}

/** Problems of an action used as a rule's action (`fallback` false) or as a fallback action (`fallback` true). */
export function actionTypeProblem(field: string, direction: FlowDirection, type: string, fallback: boolean): string | undefined {
  const allowed: readonly string[] = fallback ? fallbackActionTypes(direction) : ACTION_TYPES[direction];
  if (!allowed.includes(type)) {
    const role = fallback ? 'a fallback action' : 'an action';
    const lambda = fallback && type === 'RUN_LAMBDA' ? ' (a fallback action cannot be another Run Lambda action)' : '';
    return `${field} ${show(type)} is not allowed as ${role} of an ${direction.toLowerCase()} rule${lambda}; allowed: ${allowed.join(', ')}`;
  }
  return undefined;
}

/**
 * Every problem of a flow rule in its wire form (see `FlowRuleFields` in the contract). Field names
 * are the wire names; `where` lets the caller add what it knows of the organization's Region and account.
 */
export function flowRuleProblems(direction: FlowDirection, rule: FlowRuleFields, where?: { region?: string; account?: string }): string[] {
  const problems: (string | undefined)[] = [
    organizationIdProblem('OrganizationId', rule.OrganizationId),
    ruleNameProblem('Name', rule.Name),
    descriptionProblem('Description', rule.Description),
    ...patternListProblems('SenderPatterns', rule.SenderPatterns, MAX_SENDER_PATTERNS),
    ...patternListProblems('DestinationPatterns', rule.DestinationPatterns),
    ...actionProblems('Action', direction, rule.Action, false, where),
  ];
  const lambda = rule.Action?.Lambda;
  if (rule.Action?.Type === 'RUN_LAMBDA' && lambda?.InvocationType === 'SYNC') {
    problems.push(synchronousDestinationsProblem('DestinationPatterns', rule.DestinationPatterns));
  }
  return problems.filter((p): p is string => p !== undefined);
}

function actionProblems(
  field: string, direction: FlowDirection, action: FlowRuleAction | undefined, fallback: boolean,
  where?: { region?: string; account?: string },
): (string | undefined)[] {
  if (!action || typeof action !== 'object') return [`${field} must be an action object with a Type, got ${show(action)}`];
  const typeProblem = actionTypeProblem(`${field}.Type`, direction, action.Type, fallback);
  // An action of a type the direction does not take has nothing more worth reporting.
  if (typeProblem) return [typeProblem];
  const problems: (string | undefined)[] = [];
  const extra = (name: string, present: boolean, expected: string) =>
    present ? `${field}.${name} is only allowed with Type ${expected}, got Type ${show(action.Type)}` : undefined;
  problems.push(action.Type === 'BOUNCE'
    ? bounceMessageProblem(`${field}.BounceMessage`, action.BounceMessage as string)
    : extra('BounceMessage', action.BounceMessage !== undefined, 'BOUNCE'));
  problems.push(action.Type === 'ROUTE_TO_SMTP_GATEWAY'
    ? smtpGatewayNameProblem(`${field}.SmtpGatewayName`, action.SmtpGatewayName as string)
    : extra('SmtpGatewayName', action.SmtpGatewayName !== undefined, 'ROUTE_TO_SMTP_GATEWAY'));
  if (action.Type !== 'RUN_LAMBDA') {
    problems.push(extra('Lambda', action.Lambda !== undefined, 'RUN_LAMBDA'));
    return problems;
  }
  const lambda = action.Lambda;
  if (!lambda || typeof lambda !== 'object') {
    problems.push(`${field}.Lambda must describe the function to run for Type RUN_LAMBDA, got ${show(lambda)}`);
    return problems;
  }
  problems.push(functionArnProblem(`${field}.Lambda.FunctionArn`, lambda.FunctionArn, where));
  if (lambda.InvocationType !== 'SYNC' && lambda.InvocationType !== 'ASYNC') {
    problems.push(`${field}.Lambda.InvocationType must be SYNC or ASYNC, got ${show(lambda.InvocationType)}`);
  } else if (lambda.InvocationType === 'ASYNC') {
    const given = (value: unknown) => (value === undefined ? undefined : show(value));
    problems.push(synchronousOnlyProblem(`${field}.Lambda.FallbackAction`, 'InvocationType SYNC', given(lambda.FallbackAction)));
    problems.push(synchronousOnlyProblem(`${field}.Lambda.RuleTimeoutInMinutes`, 'InvocationType SYNC', given(lambda.RuleTimeoutInMinutes)));
  } else {
    if (lambda.RuleTimeoutInMinutes !== undefined) {
      problems.push(ruleTimeoutProblem(`${field}.Lambda.RuleTimeoutInMinutes`, lambda.RuleTimeoutInMinutes, show(lambda.RuleTimeoutInMinutes)));
    }
    if (lambda.FallbackAction !== undefined) {
      problems.push(...actionProblems(`${field}.Lambda.FallbackAction`, direction, lambda.FallbackAction as FlowRuleAction, true, where));
    }
  }
  return problems;
}
