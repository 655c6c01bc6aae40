/**
 * The flow-rule operations of the local WorkMail endpoint (`workmail.ts`): what each one does to the rules it
 * keeps, and what it refuses, as the service would (the shared rules of `lambda/rules`, the member types of the
 * contract's schemas, name uniqueness, `ClientToken`, pagination, the sender-pattern quota, organization states).
 */
import { randomUUID } from 'node:crypto';
import type * as http from 'node:http';
import {
  ERRORS, OPERATIONS, REQUIRED_MEMBERS, operationSchema,
  type DescribedFlowRule, type FlowDirection, type FlowRuleFields, type OperationKind,
} from '../../lambda/rules/contract';
import { flowRuleProblems, organizationIdProblem, senderPatternQuotaProblem, type RuleSenderPatterns } from '../../lambda/rules';

/** The state of an organization that serves requests; any other state answers `OrganizationStateException`. */
export const ACTIVE = 'Active';

/** A stored rule: the described rule plus what the endpoint keeps about it. */
export interface StoredRule extends DescribedFlowRule {
  readonly ClientToken?: string;
}

/** An error answer of the service: its `__type`, message and HTTP status. */
export class ServiceError extends Error {
  constructor(readonly type: string, message: string, readonly status = 400) {
    super(message);
  }
}

/** What the endpoint keeps about one organization. */
export interface Organization {
  state: string;
  /** When it was added (epoch seconds), its `CompletedDate`. */
  readonly created: number;
  readonly rules: Record<FlowDirection, StoredRule[]>;
  readonly tokens: Record<FlowDirection, Map<string, string>>;
}

/** What the operations read and change: the organizations, and who the endpoint plays. */
export interface ServiceState {
  readonly organizations: Map<string, Organization>;
  readonly region: string;
  readonly account: string;
  readonly maxRules?: number;
}

/** The content type of AWS JSON 1.1. */
export const CONTENT_TYPE = 'application/x-amz-json-1.1';

/** Each operation name of the contract, with its direction and kind. */
export const OPERATION_INDEX = new Map<string, { direction: FlowDirection; kind: OperationKind }>();
for (const direction of Object.keys(OPERATIONS) as FlowDirection[]) {
  for (const [kind, name] of Object.entries(OPERATIONS[direction])) {
    OPERATION_INDEX.set(name, { direction, kind: kind as OperationKind });
  }
}

/** `DescribeOrganization`, of the published SDK model: served as the service answers it, in any state. */
export const DESCRIBE_ORGANIZATION = 'DescribeOrganization';

/** The answer of `DescribeOrganization` (every state, `Active` or not, answers). */
export function describeOrganization(service: ServiceState, input: Record<string, unknown>): Record<string, unknown> {
  const organizationId = input.OrganizationId;
  if (organizationId === undefined || organizationId === null) {
    throw new ServiceError('ValidationException', "1 validation error detected: Value null at 'organizationId' failed to satisfy constraint: Member must not be null");
  }
  const problem = organizationIdProblem('OrganizationId', organizationId as string);
  if (problem) throw new ServiceError(ERRORS.invalidParameter, problem);
  const org = service.organizations.get(organizationId as string);
  if (!org) throw new ServiceError('OrganizationNotFoundException', `Organization ${organizationId} does not exist`);
  const alias = `local-${(organizationId as string).slice(2, 10)}`;
  return {
    OrganizationId: organizationId, Alias: alias, State: org.state, DirectoryType: 'WorkMailDirectory',
    DefaultMailDomain: `${alias}.awsapps.com`, CompletedDate: org.created,
    ARN: `arn:aws:workmail:${service.region}:${service.account}:organization/${organizationId}`, InteroperabilityEnabled: false,
  };
}

const DEFAULT_PAGE_SIZE = 25;
const MAX_PAGE_SIZE = 100;

/** Carries out one operation on `service`; throws `ServiceError` for what the service refuses. */
export function execute(service: ServiceState, direction: FlowDirection, kind: OperationKind, input: Record<string, unknown>): unknown {
  const operation = OPERATIONS[direction][kind];
  const inputSchema = (operationSchema(direction, kind) as unknown[])[4] as () => unknown;
  const typeProblems = shapeProblems(input, inputSchema(), '');
  if (typeProblems.length) throw new ServiceError('SerializationException', `${operation}: ${typeProblems.join('; ')}`);
  const missing = REQUIRED_MEMBERS[kind].filter((name) => input[name] === undefined || input[name] === null);
  if (missing.length) throw new ServiceError(ERRORS.invalidParameter, `${operation}: missing required member(s) ${missing.join(', ')}`);

  const organizationId = input.OrganizationId as string;
  if (kind === 'create' || kind === 'update') {
    const { ClientToken: _token, RuleId: _id, ...fields } = input;
    const problems = flowRuleProblems(direction, fields as unknown as FlowRuleFields, { region: service.region, account: service.account });
    if (problems.length) throw new ServiceError(ERRORS.invalidParameter, problems.join('; '));
  } else {
    const problem = organizationIdProblem('OrganizationId', organizationId);
    if (problem) throw new ServiceError(ERRORS.invalidParameter, problem);
  }
  const org = service.organizations.get(organizationId);
  if (!org) throw new ServiceError(ERRORS.organizationNotFound, `Organization ${organizationId} does not exist`);
  if (org.state !== ACTIVE) {
    throw new ServiceError(ERRORS.organizationState, `Organization ${organizationId} is not ${ACTIVE} (state ${org.state})`);
  }
  const rules = org.rules[direction];
  const what = `${direction.toLowerCase()} email flow rule`;
  const find = () => {
    const rule = rules.find((r) => r.RuleId === input.RuleId);
    if (!rule) throw new ServiceError(ERRORS.ruleNotFound, `The ${what} ${input.RuleId} does not exist in organization ${organizationId}`);
    return rule;
  };
  const nameCheck = (name: string, except?: string) => {
    if (rules.some((r) => r.Name === name && r.RuleId !== except)) {
      throw new ServiceError(ERRORS.nameTaken, `An ${what} named ${JSON.stringify(name)} already exists in organization ${organizationId}`);
    }
  };

  // The quota counts every rule of the organization, both directions, with `input` in place of the rule it updates.
  const patternQuotaCheck = (except?: string) => {
    const counts: RuleSenderPatterns[] = [];
    for (const d of ['INBOUND', 'OUTBOUND'] as const) {
      for (const r of org.rules[d]) if (r.RuleId !== except) counts.push({ rule: r.Name, count: r.SenderPatterns.length });
    }
    counts.push({ rule: input.Name as string, count: (input.SenderPatterns as string[]).length });
    const problem = senderPatternQuotaProblem(organizationId, `With this ${what}, the email flow rules`, counts, false);
    if (problem) throw new ServiceError(ERRORS.limitExceeded, problem);
  };

  switch (kind) {
    case 'create': {
      const token = input.ClientToken as string | undefined;
      const existing = token !== undefined ? org.tokens[direction].get(token) : undefined;
      if (existing) return { RuleId: existing };
      nameCheck(input.Name as string);
      const count = org.rules.INBOUND.length + org.rules.OUTBOUND.length;
      if (service.maxRules !== undefined && count >= service.maxRules) {
        throw new ServiceError(ERRORS.limitExceeded,
          `Organization ${organizationId} has ${count} email flow rules (inbound and outbound together), the most it may have (${service.maxRules})`);
      }
      patternQuotaCheck();
      const RuleId = randomUUID();
      rules.push({ RuleId, ...ruleFields(input), ...(token !== undefined ? { ClientToken: token } : {}) });
      if (token !== undefined) org.tokens[direction].set(token, RuleId);
      return { RuleId };
    }
    case 'update': {
      const rule = find();
      nameCheck(input.Name as string, rule.RuleId);
      patternQuotaCheck(rule.RuleId);
      rules[rules.indexOf(rule)] = { RuleId: rule.RuleId, ...ruleFields(input), ...(rule.ClientToken ? { ClientToken: rule.ClientToken } : {}) };
      return {};
    }
    case 'delete':
      rules.splice(rules.indexOf(find()), 1);
      return {};
    case 'describe':
      return publicRule(find());
    case 'list': {
      const max = (input.MaxResults as number | undefined) ?? DEFAULT_PAGE_SIZE;
      if (!Number.isInteger(max) || max < 1 || max > MAX_PAGE_SIZE) {
        throw new ServiceError(ERRORS.invalidParameter, `MaxResults must be a whole number from 1 to ${MAX_PAGE_SIZE}, got ${max}`);
      }
      const start = input.NextToken === undefined ? 0 : decodeToken(input.NextToken as string, organizationId, direction);
      const page = rules.slice(start, start + max);
      const next = start + max < rules.length ? encodeToken(start + max, organizationId, direction) : undefined;
      return { Rules: page.map(publicRule), ...(next ? { NextToken: next } : {}) };
    }
  }
}

function ruleFields(input: Record<string, unknown>): Omit<DescribedFlowRule, 'RuleId'> {
  const { Name, Description, SenderPatterns, DestinationPatterns, Action } = structuredClone(input) as unknown as FlowRuleFields;
  return { Name, ...(Description !== undefined ? { Description } : {}), SenderPatterns, DestinationPatterns, Action };
}

export function publicRule(rule: StoredRule): DescribedFlowRule {
  const { ClientToken: _token, ...described } = structuredClone(rule);
  return described;
}

function encodeToken(offset: number, organizationId: string, direction: FlowDirection): string {
  return Buffer.from(JSON.stringify({ offset, organizationId, direction })).toString('base64url');
}

function decodeToken(token: string, organizationId: string, direction: FlowDirection): number {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (parsed.organizationId === organizationId && parsed.direction === direction && Number.isInteger(parsed.offset) && parsed.offset >= 0) {
      return parsed.offset;
    }
  } catch {
    // fall through
  }
  throw new ServiceError(ERRORS.invalidParameter, `NextToken ${JSON.stringify(token)} is not a token this list answered`);
}

/**
 * Type problems of `value` against a schema of the contract (the SDK's tuple form): the member types a
 * JSON 1.1 service would refuse to deserialize, and members the schema does not have.
 */
function shapeProblems(value: unknown, schema: unknown, path: string): string[] {
  const resolved = typeof schema === 'function' ? (schema as () => unknown)() : schema;
  const at = path || 'the request';
  if (Array.isArray(resolved) && typeof resolved[0] === 'number' && resolved.length === 2 && !Array.isArray(resolved[1])) {
    return shapeProblems(value, resolved[0], path); // [type, traits]
  }
  if (resolved === 0) return typeof value === 'string' ? [] : [`${at} must be a string, got ${JSON.stringify(value)}`];
  if (resolved === 1) return typeof value === 'number' && Number.isFinite(value) ? [] : [`${at} must be a number, got ${JSON.stringify(value)}`];
  if (resolved === 64) {
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? [] : [`${at} must be a list of strings, got ${JSON.stringify(value)}`];
  }
  if (Array.isArray(resolved) && resolved[0] === 1) {
    if (!Array.isArray(value)) return [`${at} must be a list, got ${JSON.stringify(value)}`];
    return value.flatMap((v, i) => shapeProblems(v, resolved[4], `${path}[${i}]`));
  }
  if (Array.isArray(resolved) && resolved[0] === 3) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${at} must be an object, got ${JSON.stringify(value)}`];
    const names = resolved[4] as string[];
    const schemas = resolved[5] as unknown[];
    const problems: string[] = [];
    for (const [key, member] of Object.entries(value)) {
      const index = names.indexOf(key);
      const memberPath = path ? `${path}.${key}` : key;
      if (index < 0) problems.push(`${memberPath} is not a member of ${resolved[2]}`);
      else if (member !== null && member !== undefined) problems.push(...shapeProblems(member, schemas[index], memberPath));
    }
    return problems;
  }
  throw new Error(`the emulator does not know the schema ${JSON.stringify(resolved)}`);
}

export function checkState(state: unknown): void {
  if (typeof state !== 'string' || !/^[A-Za-z]+$/.test(state)) throw new Error(`an organization state is a word such as Active or Deleting, got ${JSON.stringify(state)}`);
}

export function header(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Sends a JSON 1.1 answer (an error when `errorType` is given). */
export function send(res: http.ServerResponse, status: number, body: unknown, errorType?: string): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': CONTENT_TYPE,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  res.end(text);
}

