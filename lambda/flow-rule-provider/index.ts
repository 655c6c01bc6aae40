/**
 * The CloudFormation handler of `Custom::WorkMailInboundFlowRule` and `Custom::WorkMailOutboundFlowRule`.
 *
 * It runs behind aws-cdk-lib's `CustomResourceProvider`, whose entry point sends the CloudFormation
 * response: this handler returns `{ PhysicalResourceId, Data }` or throws. A thrown error's `stack` is
 * its one-line message, because the entry point puts `stack` into the response's Reason.
 *
 * - Physical id: `<organizationId>/<inbound|outbound>/<ruleId>`.
 * - Create sends a ClientToken derived from the request, so a retried request never makes a second rule.
 * - With `AdoptExisting`, a Create that finds a rule of the same name in the organization and direction takes it
 *   over: it updates that rule in place to the properties and answers its physical id (no moment without the
 *   rule, no second rule). A retried adopting Create finds the same rule again.
 * - Update changes the rule in place; a new organization (or a rule deleted outside CloudFormation) gets
 *   a new rule and a new physical id, and CloudFormation deletes the old one with a later Delete.
 * - Delete succeeds when the rule or its organization is already gone.
 * - Every call ends before a deadline taken from the Lambda's remaining time, leaving the entry point
 *   time to send the response: a dead or silent endpoint yields FAILED, never a timed-out Lambda.
 * - A refusal for a service limit or the organization's state ends the Reason with what to do (the texts are
 *   `REMEDIES` of `lambda/rules`). For `LimitExceededException` the provider lists the organization's rules to
 *   tell which limit was reached: the sender-pattern quota, or the number of rules. A name clash suggests
 *   `adoptExisting`; a refused permission names the IAM action; an answer in another shape than the contract's says
 *   so in the words of `cdk-workmail-lambda doctor` (`contractMismatchText` of `lambda/rules`).
 */
import { createHash } from 'node:crypto';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import {
  accessDeniedText, ContractMismatchError, describeError, errorName, ERRORS, flowRuleProblems, isAccessDenied, isRecord,
  MAX_SENDER_PATTERNS_PER_ORGANIZATION, MEMBER_NAMES as MEMBERS, OPERATIONS, ORGANIZATION_NOT_FOUND_ERRORS, regionProblem, REMEDIES, senderPatternQuotaProblem,
  splitResourceProperties, type FlowDirection, type FlowRuleFields, type OperationKind, type RuleSenderPatterns,
} from '../rules';
import { DeadlineExceededError, FlowRuleClient, createWorkMailClient } from './client';

/** The resource types this provider serves, and the direction of each. */
export const RESOURCE_TYPES: Readonly<Record<string, FlowDirection>> = {
  'Custom::WorkMailInboundFlowRule': 'INBOUND',
  'Custom::WorkMailOutboundFlowRule': 'OUTBOUND',
};

/**
 * Time kept back from the Lambda's remaining time for the entry point's response to CloudFormation
 * (it retries a failed PUT with backoff starting at one second).
 */
export const RESPONSE_MARGIN_MS = 10_000;

/** Remaining time assumed when the context cannot tell (never the case in Lambda). */
const DEFAULT_REMAINING_MS = 60_000;

/** CloudFormation refuses a response over 4 KiB; the Reason keeps well under that. */
const MAX_REASON_JSON_LENGTH = 3_000;

/** What the entry point turns into the CloudFormation response. */
export interface FlowRuleResult {
  readonly PhysicalResourceId: string;
  readonly Data?: { readonly RuleId: string; readonly RuleName: string };
}

/** An error whose `stack` is its message, so that the response's Reason is one clean line. */
export class FlowRuleProviderError extends Error {
  constructor(message: string) {
    let text = message;
    if (JSON.stringify(text).length > MAX_REASON_JSON_LENGTH) {
      console.error(message);
      const suffix = ' … (truncated; the full message is in the provider function\'s log)';
      while (JSON.stringify(text + suffix).length > MAX_REASON_JSON_LENGTH) text = text.slice(0, Math.floor(text.length * 0.9));
      text += suffix;
    }
    super(text);
    this.name = 'FlowRuleProviderError';
    this.stack = text;
  }
}

/** The custom resource handler (see the module comment). */
export async function handler(event: CloudFormationCustomResourceEvent, context?: Partial<Context>): Promise<FlowRuleResult> {
  const deadline = startDeadline(context);
  const workMail = createWorkMailClient();
  const rules = new FlowRuleClient(workMail, { abortSignal: deadline.signal });
  try {
    if (event.RequestType === 'Delete') return await remove(rules, event.PhysicalResourceId);
    const direction = Object.hasOwn(RESOURCE_TYPES, event.ResourceType) ? RESOURCE_TYPES[event.ResourceType] : undefined;
    if (!direction) {
      throw new FlowRuleProviderError(`${event.ResourceType} is not a resource type of this provider; use ${Object.keys(RESOURCE_TYPES).join(' or ')}`);
    }
    const { fields, adoptExisting } = readProperties(event.RequestType, direction, event.ResourceProperties, context);
    const clientToken = createHash('sha256').update(`${event.StackId}\n${event.LogicalResourceId}\n${event.RequestId}`).digest('hex');
    const create = (why = '') => createRule(rules, direction, fields, clientToken, why, adoptExisting);
    if (event.RequestType === 'Create') return await create();

    const old = parsePhysicalId(event.PhysicalResourceId);
    if (!old || old.direction !== direction) return await create(` (the physical id ${JSON.stringify(event.PhysicalResourceId)} names no ${direction.toLowerCase()} rule)`);
    if (old.organizationId !== fields.OrganizationId) return await create(` to replace rule ${old.ruleId} of ${old.organizationId}`);
    const action = `Update ${ruleLabel(direction, fields)} (${old.ruleId}) in ${fields.OrganizationId}`;
    try {
      await rules.update(direction, { ...fields, RuleId: old.ruleId });
    } catch (e) {
      if (errorName(e) === ERRORS.ruleNotFound) return await create(` (rule ${old.ruleId} was deleted outside CloudFormation)`);
      throw failure(action, e, await advice(rules, e, fields.OrganizationId, 'update', { direction, fields, ruleId: old.ruleId }));
    }
    return result(direction, fields, old.ruleId);
  } catch (e) {
    // Whatever went wrong, the Reason is one line that says what.
    throw failure(`${event.RequestType} ${event.ResourceType} ${event.LogicalResourceId}`, e);
  } finally {
    deadline.cancel();
    workMail.destroy();
  }
}

async function createRule(
  rules: FlowRuleClient, direction: FlowDirection, fields: FlowRuleFields, clientToken: string, why: string, adoptExisting: boolean,
): Promise<FlowRuleResult> {
  const action = `Create ${ruleLabel(direction, fields)} in ${fields.OrganizationId}${why}`;
  const existing = async () => {
    try {
      return await rules.findByName(direction, fields.OrganizationId, fields.Name);
    } catch (e) {
      throw failure(`${action}: find a rule of that name to adopt`, e, await advice(rules, e, fields.OrganizationId, 'list', { direction }));
    }
  };
  if (adoptExisting) {
    const found = await existing();
    if (found) return adoptRule(rules, direction, fields, found.RuleId);
  }
  try {
    const { RuleId } = await rules.create(direction, { ...fields, ClientToken: clientToken });
    return result(direction, fields, RuleId);
  } catch (e) {
    // Made by someone else between the list and the create: adopt it all the same.
    if (adoptExisting && errorName(e) === ERRORS.nameTaken) {
      const found = await existing();
      if (found) return adoptRule(rules, direction, fields, found.RuleId);
    }
    throw failure(action, e, await advice(rules, e, fields.OrganizationId, 'create', { direction, fields }));
  }
}

/** Takes over an existing rule: updates it in place to `fields`; its id becomes the resource's. */
async function adoptRule(rules: FlowRuleClient, direction: FlowDirection, fields: FlowRuleFields, ruleId: string): Promise<FlowRuleResult> {
  const action = `Adopt ${ruleLabel(direction, fields)} (${ruleId}) in ${fields.OrganizationId}`;
  try {
    await rules.update(direction, { ...fields, RuleId: ruleId });
  } catch (e) {
    throw failure(action, e, await advice(rules, e, fields.OrganizationId, 'update', { direction, fields, ruleId }));
  }
  console.log(`${action}: updated in place to the resource's properties (adoptExisting)`);
  return result(direction, fields, ruleId);
}

async function remove(rules: FlowRuleClient, physicalResourceId: string): Promise<FlowRuleResult> {
  const ref = parsePhysicalId(physicalResourceId);
  // Not an id this provider made (e.g. a create that failed before making a rule): nothing to delete.
  if (!ref) return { PhysicalResourceId: physicalResourceId };
  try {
    await rules.delete(ref.direction, { OrganizationId: ref.organizationId, RuleId: ref.ruleId });
  } catch (e) {
    const name = errorName(e);
    if (name !== ERRORS.ruleNotFound && !ORGANIZATION_NOT_FOUND_ERRORS.includes(String(name))) {
      const advised = await advice(rules, e, ref.organizationId, 'delete', { direction: ref.direction });
      throw failure(`Delete ${ref.direction.toLowerCase()} flow rule ${ref.ruleId} in ${ref.organizationId}`, e, advised);
    }
  }
  return { PhysicalResourceId: physicalResourceId };
}

function result(direction: FlowDirection, fields: FlowRuleFields, ruleId: string): FlowRuleResult {
  return {
    PhysicalResourceId: physicalId(fields.OrganizationId, direction, ruleId),
    Data: { RuleId: ruleId, RuleName: fields.Name },
  };
}

/** `<organizationId>/<inbound|outbound>/<ruleId>` */
export function physicalId(organizationId: string, direction: FlowDirection, ruleId: string): string {
  return `${organizationId}/${direction.toLowerCase()}/${ruleId}`;
}

/** The parts of a physical id this provider made, or undefined for any other string. */
export function parsePhysicalId(id: string | undefined): { organizationId: string; direction: FlowDirection; ruleId: string } | undefined {
  const match = /^(m-[0-9a-f]{32})\/(inbound|outbound)\/([^/\s]+)$/.exec(id ?? '');
  if (!match) return undefined;
  return { organizationId: match[1], direction: match[2].toUpperCase() as FlowDirection, ruleId: match[3] };
}

function ruleLabel(direction: FlowDirection, fields: Partial<FlowRuleFields>): string {
  return `${direction.toLowerCase()} flow rule ${JSON.stringify(fields.Name)}`;
}

// ---- properties ----

/**
 * The rule fields of the resource properties, checked with the same rules as synth: a hand-written
 * template gets the errors a construct would. CloudFormation passes numbers as strings; they are
 * turned back into numbers here (a string that is not a number stays a string, and fails the check).
 */
function readProperties(
  requestType: 'Create' | 'Update', direction: FlowDirection, properties: Record<string, unknown>, context: Partial<Context> | undefined,
): { fields: FlowRuleFields; adoptExisting: boolean } {
  const split = splitResourceProperties(properties);
  const fields = structuredClone(split.fields) as Record<string, any>;
  const problems: string[] = [...split.problems];
  const unknown = (value: unknown, allowed: readonly string[], path: string) => {
    if (!isRecord(value)) return;
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) problems.push(`${path}${key} is not a property of ${path ? path.slice(0, -1) : 'a flow rule'}; allowed: ${allowed.join(', ')}`);
    }
  };
  unknown(fields, MEMBERS.rule, '');
  unknown(fields.Action, MEMBERS.action, 'Action.');
  unknown(fields.Action?.Lambda, MEMBERS.lambda, 'Action.Lambda.');
  unknown(fields.Action?.Lambda?.FallbackAction, MEMBERS.fallback, 'Action.Lambda.FallbackAction.');
  const lambda = fields.Action?.Lambda;
  if (lambda && typeof lambda.RuleTimeoutInMinutes === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(lambda.RuleTimeoutInMinutes)) {
    lambda.RuleTimeoutInMinutes = Number(lambda.RuleTimeoutInMinutes);
  }

  const region = process.env.AWS_REGION ?? '';
  const account = /^arn:[^:]+:lambda:[^:]*:(\d{12}):/.exec(context?.invokedFunctionArn ?? '')?.[1];
  const regionIssue = regionProblem("The provider function's Region", region);
  if (regionIssue) problems.push(regionIssue);
  problems.push(...flowRuleProblems(direction, fields as FlowRuleFields, { region: region || undefined, account }));
  if (problems.length) {
    const where = typeof fields.OrganizationId === 'string' ? fields.OrganizationId : JSON.stringify(fields.OrganizationId);
    throw new FlowRuleProviderError(`${requestType} ${ruleLabel(direction, fields)} in ${where}: invalid properties: ${problems.join('; ')}`);
  }
  return { fields: fields as FlowRuleFields, adoptExisting: split.adoptExisting };
}

// ---- errors and deadline ----

/**
 * `<action>: <ErrorName>: <message>`, with the number of attempts when the SDK retried, and ` — <advice>`
 * when there is something to say about what to do.
 */
function failure(action: string, e: unknown, advised?: string): FlowRuleProviderError {
  if (e instanceof FlowRuleProviderError) return e;
  if (e instanceof DeadlineExceededError) return new FlowRuleProviderError(`${action}: ${e.message}`);
  // The words of `cdk-workmail-lambda doctor`, which checks every operation with the user's own credentials.
  if (e instanceof ContractMismatchError) {
    const organizationId = /m-[0-9a-f]{32}/.exec(action)?.[0] ?? '<organization id>';
    const doctor = `npx cdk-workmail-lambda doctor --organization ${organizationId} --region ${process.env.AWS_REGION ?? '<region>'}`;
    return new FlowRuleProviderError(`${action}: ${e.message} — run ${doctor} to check every operation`);
  }
  const attempts = (e as { $metadata?: { attempts?: number } })?.$metadata?.attempts;
  const sdkError = (e as { $metadata?: unknown })?.$metadata !== undefined;
  // A service or network error says all there is in its message; anything else may be a bug: keep its stack in the log.
  if (!sdkError) console.error(e);
  const tail = advised ? ` — ${advised}` : '';
  return new FlowRuleProviderError(`${action}: ${describeError(e)}${attempts && attempts > 1 ? ` (after ${attempts} attempts)` : ''}${tail}`);
}

/** The rule a Create or Update sent, for the advice on a limit (the direction alone for other operations). */
interface SentRule {
  readonly direction: FlowDirection;
  readonly fields?: FlowRuleFields;
  /** The rule an Update changes (it counts with its new patterns, not its old ones). */
  readonly ruleId?: string;
}

/**
 * What to do about a refusal of `kind`: a service limit, the organization's state, a name clash, a missing
 * permission; undefined for other errors.
 */
async function advice(rules: FlowRuleClient, e: unknown, organizationId: string, kind: OperationKind, sent?: SentRule): Promise<string | undefined> {
  if (isAccessDenied(e) && sent) {
    const denied = accessDeniedText(OPERATIONS[sent.direction][kind], "the provider's role", `the organization ${organizationId}`);
    return `${denied} (the library grants it to the role: a permissions boundary or an SCP may deny it)`;
  }
  switch (errorName(e)) {
    case ERRORS.organizationState:
      return `the organization is not active: ${REMEDIES.organizationState(organizationId)}`;
    case ERRORS.limitExceeded:
      return sent?.fields ? limitAdvice(rules, sent as Required<SentRule>) : undefined;
    case ERRORS.nameTaken:
      return kind === 'create'
        ? `a rule of that name already exists in the organization (made in the console or by another stack?): set adoptExisting: true on the rule `
          + 'to take it over in place, with no moment without it (docs/existing-organizations.md), or give the rule another ruleName'
        : 'another rule of the organization and direction has that name: give the rule another ruleName, or rename or delete the other rule first';
    default:
      return undefined;
  }
}

/**
 * Which limit a `LimitExceededException` is about, told by counting the organization's rules (both
 * directions, this rule with the patterns it was sent with): over the sender-pattern quota, or else the
 * number of rules.
 */
async function limitAdvice(rules: FlowRuleClient, { direction, fields, ruleId }: Required<SentRule>): Promise<string> {
  const organizationId = fields.OrganizationId;
  const counts: RuleSenderPatterns[] = [];
  try {
    for (const d of ['INBOUND', 'OUTBOUND'] as const) {
      for (const rule of await rules.listAll(d, organizationId)) {
        if (d === direction && rule.RuleId === ruleId) continue;
        counts.push({ rule: ruleLabel(d, rule), count: rule.SenderPatterns?.length ?? 0 });
      }
    }
  } catch (listError) {
    const quota = MAX_SENDER_PATTERNS_PER_ORGANIZATION.toLocaleString('en-US');
    return `WorkMail's quota of ${quota} sender patterns per organization (inbound and outbound rules together; this rule has `
      + `${fields.SenderPatterns.length}) or its limit on the number of rules was reached (listing the rules to tell which failed: `
      + `${describeError(listError)}): ${REMEDIES.senderPatternQuota}; or ${REMEDIES.ruleCount}`;
  }
  const others = counts.length;
  counts.push({ rule: `this ${ruleLabel(direction, fields)}`, count: fields.SenderPatterns.length });
  const problem = senderPatternQuotaProblem(organizationId, `with this rule, the email flow rules`, counts);
  if (problem) return `${problem}: ${REMEDIES.senderPatternQuota}`;
  return `the organization has ${others} other email flow rules, inbound and outbound, and their sender patterns are within `
    + `WorkMail's quota, so the limit reached is the number of rules: ${REMEDIES.ruleCount}`;
}

function startDeadline(context: Partial<Context> | undefined): { signal: AbortSignal; cancel: () => void } {
  const remaining = typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : DEFAULT_REMAINING_MS;
  const budget = Math.max(0, remaining - RESPONSE_MARGIN_MS);
  const controller = new AbortController();
  const reason = `no answer from Amazon WorkMail within ${(budget / 1000).toFixed(1)} s (the Lambda's remaining time less ${RESPONSE_MARGIN_MS / 1000} s kept for the CloudFormation response)`;
  const timer = setTimeout(() => controller.abort(new Error(reason)), budget);
  return { signal: controller.signal, cancel: () => clearTimeout(timer) };
}
