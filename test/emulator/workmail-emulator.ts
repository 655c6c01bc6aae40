/**
 * A local Amazon WorkMail endpoint for the email flow rule operations, speaking AWS JSON 1.1 to the
 * real SDK client (reach it with `AWS_ENDPOINT_URL_WORKMAIL=<emulator.endpoint>`).
 *
 * It keeps the rules of registered organizations per direction, rejects what the service rejects (the
 * shared rules of `lambda/rules`, the member types of the contract's schemas, name uniqueness), honours
 * `ClientToken`, paginates lists, records every request, and injects faults (throttling, 5xx answers,
 * slow answers, dropped connections) on demand. Service limits answer `LimitExceededException`: the
 * per-organization sender-pattern quota of `lambda/rules` always, a number of rules per organization when
 * `maxRulesPerOrganization` is set. An organization whose state is not `Active` answers
 * `OrganizationStateException` to every operation. It only ever listens on 127.0.0.1.
 *
 * Control routes for standalone use (no signature needed): `POST /__emulator/faults`
 * (`{ kind, count?, operation?, status?, delayMs? }`), `POST /__emulator/organizations`
 * (`{ organizationId, state? }`), `POST /__emulator/limits` (`{ maxRulesPerOrganization }`, null for none),
 * `POST /__emulator/reset`, `GET /__emulator/state`, `GET /__emulator/requests`.
 */
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  ERRORS, OPERATIONS, REQUIRED_MEMBERS, TARGET_PREFIX, operationSchema,
  type DescribedFlowRule, type FlowDirection, type FlowRuleFields, type OperationKind,
} from '../../lambda/rules/contract';
import { flowRuleProblems, organizationIdProblem, senderPatternQuotaProblem, type RuleSenderPatterns } from '../../lambda/rules';

/** The state of an organization that serves requests; any other state answers `OrganizationStateException`. */
export const ACTIVE = 'Active';

/** The organization the emulator knows when started from the command line without `--organization`. */
export const PLACEHOLDER_ORGANIZATION_ID = 'm-0123456789abcdef0123456789abcdef';

/** Options of `WorkMailEmulator.start()`. */
export interface WorkMailEmulatorOptions {
  /** Port on 127.0.0.1. @default 0 (an ephemeral port) */
  readonly port?: number;
  /** Organizations that exist from the start. @default none */
  readonly organizations?: readonly string[];
  /** The Region the emulator plays: the signing scope must name it, and Run Lambda functions must be in it. @default 'us-east-1' */
  readonly region?: string;
  /** The account the emulator plays: Run Lambda functions must be in it. @default '123456789012' */
  readonly account?: string;
  /**
   * Most email flow rules one organization may hold, inbound and outbound together; one more is
   * `LimitExceededException`. WorkMail's quotas page gives no such number, so the emulator has none unless told.
   * @default no limit
   */
  readonly maxRulesPerOrganization?: number;
}

/** A fault the emulator answers with instead of (or on top of) the normal answer. */
export type Fault =
  /** 400 ThrottlingException, nothing done. */
  | { readonly kind: 'throttle' }
  /** A 5xx answer, nothing done. */
  | { readonly kind: 'server-error'; readonly status?: 500 | 503 }
  /** The request is carried out at once, but the answer is held back for `delayMs`. */
  | { readonly kind: 'slow'; readonly delayMs: number }
  /** The connection is destroyed without an answer, nothing done. */
  | { readonly kind: 'drop' };

export type FaultKind = Fault['kind'];

/** Which requests a fault hits. */
export interface FaultScope {
  /** How many requests get the fault. @default 1 */
  readonly count?: number;
  /** Only requests for this operation (e.g. `CreateInboundMailFlowRule`). @default any operation */
  readonly operation?: string;
}

/** A request the emulator received on the WorkMail route. */
export interface RecordedRequest {
  /** The operation of `X-Amz-Target`, when it names one. */
  readonly operation?: string;
  readonly method: string;
  readonly headers: http.IncomingHttpHeaders;
  /** The parsed JSON body, or the raw text when it is not JSON. */
  readonly body: unknown;
  /** The status answered (0 for a dropped connection). */
  readonly status: number;
  /** The `__type` of an error answer. */
  readonly errorType?: string;
  /** The injected fault, if any. */
  readonly fault?: FaultKind;
}

/** A stored rule: the described rule plus what the emulator keeps about it. */
export interface StoredRule extends DescribedFlowRule {
  readonly ClientToken?: string;
}

/** Rules per organization and direction, as `state()` returns them. */
export type EmulatorState = Record<string, Record<FlowDirection, StoredRule[]>>;

class ServiceError extends Error {
  constructor(readonly type: string, message: string, readonly status = 400) {
    super(message);
  }
}

interface PendingFault {
  readonly fault: Fault;
  remaining: number;
  readonly operation?: string;
}

interface Organization {
  state: string;
  readonly rules: Record<FlowDirection, StoredRule[]>;
  readonly tokens: Record<FlowDirection, Map<string, string>>;
}

const CONTENT_TYPE = 'application/x-amz-json-1.1';
const CONTROL_PREFIX = '/__emulator/';
const DEFAULT_PAGE_SIZE = 25;
const MAX_PAGE_SIZE = 100;

const OPERATION_INDEX = new Map<string, { direction: FlowDirection; kind: OperationKind }>();
for (const direction of Object.keys(OPERATIONS) as FlowDirection[]) {
  for (const [kind, name] of Object.entries(OPERATIONS[direction])) {
    OPERATION_INDEX.set(name, { direction, kind: kind as OperationKind });
  }
}

/** A local WorkMail flow rule endpoint; see the module comment. */
export class WorkMailEmulator {
  /** Starts an emulator on 127.0.0.1. */
  public static async start(options: WorkMailEmulatorOptions = {}): Promise<WorkMailEmulator> {
    const emulator = new WorkMailEmulator(options);
    await emulator.listen(options.port ?? 0);
    return emulator;
  }

  /** The region the emulator plays. */
  public readonly region: string;
  /** The account the emulator plays. */
  public readonly account: string;

  private readonly server: http.Server;
  private readonly organizations = new Map<string, Organization>();
  private readonly recorded: RecordedRequest[] = [];
  private faults: PendingFault[] = [];
  private maxRules?: number;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly sockets = new Set<Socket>();
  private address?: AddressInfo;

  private constructor(options: WorkMailEmulatorOptions) {
    this.region = options.region ?? 'us-east-1';
    this.account = options.account ?? '123456789012';
    this.maxRulesPerOrganization = options.maxRulesPerOrganization;
    for (const id of options.organizations ?? []) this.addOrganization(id);
    this.server = http.createServer((req, res) => this.onRequest(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** `http://127.0.0.1:<port>`, the value for `AWS_ENDPOINT_URL_WORKMAIL`. */
  public get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The port the emulator listens on. */
  public get port(): number {
    if (!this.address) throw new Error('the emulator is not listening');
    return this.address.port;
  }

  /** Makes an organization exist (idempotent; the state of an existing organization is set when given). */
  public addOrganization(organizationId: string, state?: string): void {
    const problem = organizationIdProblem('organizationId', organizationId);
    if (problem) throw new Error(problem);
    if (state !== undefined) checkState(state);
    const existing = this.organizations.get(organizationId);
    if (existing) {
      if (state !== undefined) existing.state = state;
      return;
    }
    this.organizations.set(organizationId, {
      state: state ?? ACTIVE,
      rules: { INBOUND: [], OUTBOUND: [] },
      tokens: { INBOUND: new Map(), OUTBOUND: new Map() },
    });
  }

  /**
   * Sets the state of an existing organization, e.g. `Deleting` or `Impaired` (WorkMail's `DescribeOrganization`
   * states); every state but `Active` answers `OrganizationStateException`.
   */
  public setOrganizationState(organizationId: string, state: string): void {
    const org = this.organizations.get(organizationId);
    if (!org) throw new Error(`no organization ${organizationId}; add it first`);
    checkState(state);
    org.state = state;
  }

  /** The state of an organization, undefined when it does not exist. */
  public organizationState(organizationId: string): string | undefined {
    return this.organizations.get(organizationId)?.state;
  }

  /** Most rules per organization, inbound and outbound together (undefined: no limit). */
  public get maxRulesPerOrganization(): number | undefined {
    return this.maxRules;
  }

  public set maxRulesPerOrganization(value: number | undefined) {
    if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
      throw new Error(`maxRulesPerOrganization must be a whole number of rules (0 or more), got ${value}`);
    }
    this.maxRules = value;
  }

  /** Removes an organization and its rules, as if it had been deleted out of band. */
  public removeOrganization(organizationId: string): void {
    this.organizations.delete(organizationId);
  }

  /** The rules of an organization in one direction, in creation order (copies). */
  public rules(organizationId: string, direction: FlowDirection): StoredRule[] {
    return structuredClone(this.organizations.get(organizationId)?.rules[direction] ?? []);
  }

  /** Every organization with its rules (a copy). */
  public state(): EmulatorState {
    const state: EmulatorState = {};
    for (const [id, org] of this.organizations) state[id] = structuredClone(org.rules);
    return state;
  }

  /** Deletes a rule behind the provider's back; true if there was one. */
  public deleteRuleOutOfBand(organizationId: string, direction: FlowDirection, ruleId: string): boolean {
    const rules = this.organizations.get(organizationId)?.rules[direction];
    const index = rules?.findIndex((r) => r.RuleId === ruleId) ?? -1;
    if (index < 0) return false;
    rules!.splice(index, 1);
    return true;
  }

  /** The next `scope.count` requests (of `scope.operation`, if given) get `fault`. Faults apply in the order injected. */
  public injectFault(fault: Fault, scope: FaultScope = {}): void {
    const count = scope.count ?? 1;
    if (!Number.isInteger(count) || count < 1) throw new Error(`count must be a positive whole number, got ${count}`);
    if (fault.kind === 'slow' && !(fault.delayMs >= 0)) throw new Error(`delayMs must be a number of milliseconds, got ${fault.delayMs}`);
    if (scope.operation !== undefined && !OPERATION_INDEX.has(scope.operation)) {
      throw new Error(`unknown operation ${scope.operation}; known: ${[...OPERATION_INDEX.keys()].join(', ')}`);
    }
    this.faults.push({ fault, remaining: count, operation: scope.operation });
  }

  /** How many faulted requests are still to come. */
  public get pendingFaults(): number {
    return this.faults.reduce((sum, f) => sum + f.remaining, 0);
  }

  /** Drops the faults not yet used. */
  public clearFaults(): void {
    this.faults = [];
  }

  /** Requests received on the WorkMail route, oldest first (copies). */
  public get requests(): RecordedRequest[] {
    return structuredClone(this.recorded);
  }

  /** The received requests of one operation. */
  public requestsFor(operation: string): RecordedRequest[] {
    return this.requests.filter((r) => r.operation === operation);
  }

  /** Forgets the received requests. */
  public clearRequests(): void {
    this.recorded.length = 0;
  }

  /** Forgets rules, client tokens, faults and requests; organizations stay, with their states. */
  public reset(): void {
    for (const [id, org] of [...this.organizations]) {
      this.organizations.delete(id);
      this.addOrganization(id, org.state);
    }
    this.clearFaults();
    this.clearRequests();
  }

  /** Stops listening and drops every open connection and held answer. */
  public async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  private listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        this.address = this.server.address() as AddressInfo;
        resolve();
      });
    });
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        if ((req.url ?? '').startsWith(CONTROL_PREFIX)) this.control(req, res, text);
        else this.workMail(req, res, text);
      } catch (e) {
        // An emulator bug: answer 500 so that the test sees it instead of hanging.
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': CONTENT_TYPE });
          res.end(JSON.stringify({ __type: 'EmulatorError', message: String((e as Error)?.stack ?? e) }));
        }
      }
    });
  }

  private workMail(req: http.IncomingMessage, res: http.ServerResponse, text: string): void {
    let body: unknown = text;
    try {
      body = text.length ? JSON.parse(text) : {};
    } catch {
      // keep the raw text for the record
    }
    const target = header(req, 'x-amz-target');
    const operation = target?.startsWith(`${TARGET_PREFIX}.`) ? target.slice(TARGET_PREFIX.length + 1) : undefined;
    const record = (status: number, extra: { errorType?: string; fault?: FaultKind } = {}) =>
      this.recorded.push({ operation, method: req.method ?? '', headers: { ...req.headers }, body, status, ...extra });
    const fail = (error: ServiceError, fault?: FaultKind) => {
      record(error.status, { errorType: error.type, fault });
      send(res, error.status, { __type: error.type, message: error.message }, error.type);
    };

    try {
      if (req.method !== 'POST') throw new ServiceError('UnknownOperationException', `WorkMail operations are POST requests, got ${req.method}`, 405);
      this.checkSignature(req);
      const contentType = header(req, 'content-type');
      if (contentType !== CONTENT_TYPE) {
        throw new ServiceError('SerializationException', `Content-Type must be ${CONTENT_TYPE}, got ${JSON.stringify(contentType)}`);
      }
      const known = operation ? OPERATION_INDEX.get(operation) : undefined;
      if (!known) throw new ServiceError('UnknownOperationException', `Unknown operation ${JSON.stringify(target)}`);
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        throw new ServiceError('SerializationException', 'The request body must be a JSON object');
      }

      const fault = this.takeFault(operation!);
      if (fault?.kind === 'throttle') return fail(new ServiceError(ERRORS.throttling, 'Rate exceeded'), 'throttle');
      if (fault?.kind === 'server-error') {
        const status = fault.status ?? 500;
        return fail(new ServiceError(status === 503 ? 'ServiceUnavailableException' : 'InternalServerException', 'Injected server error', status), 'server-error');
      }
      if (fault?.kind === 'drop') {
        record(0, { fault: 'drop' });
        req.socket.destroy();
        return;
      }

      let status = 200;
      let answer: unknown;
      let errorType: string | undefined;
      try {
        answer = this.execute(known.direction, known.kind, body as Record<string, unknown>);
      } catch (e) {
        if (!(e instanceof ServiceError)) throw e;
        status = e.status;
        errorType = e.type;
        answer = { __type: e.type, message: e.message };
      }
      record(status, { errorType, fault: fault?.kind });
      if (fault?.kind === 'slow') {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          if (!res.destroyed && !req.socket.destroyed) send(res, status, answer, errorType);
        }, fault.delayMs);
        this.timers.add(timer);
        return;
      }
      send(res, status, answer, errorType);
    } catch (e) {
      if (e instanceof ServiceError) return fail(e);
      throw e;
    }
  }

  private checkSignature(req: http.IncomingMessage): void {
    const authorization = header(req, 'authorization');
    if (!authorization) throw new ServiceError('MissingAuthenticationTokenException', 'Missing Authentication Token', 403);
    const match = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/
      .exec(authorization);
    if (!match) throw new ServiceError('IncompleteSignatureException', `Authorization header is not an AWS Signature Version 4 header: ${authorization}`, 403);
    const [, , , region, service, signedHeaders] = match;
    if (service !== 'workmail') throw new ServiceError('InvalidSignatureException', `Credential should be scoped to correct service: 'workmail', got '${service}'`, 403);
    if (region !== this.region) throw new ServiceError('InvalidSignatureException', `Credential should be scoped to a valid region: '${this.region}', got '${region}'`, 403);
    for (const required of ['host', 'x-amz-date', 'x-amz-target']) {
      if (!signedHeaders.split(';').includes(required)) throw new ServiceError('IncompleteSignatureException', `SignedHeaders must include ${required}`, 403);
    }
  }

  private takeFault(operation: string): Fault | undefined {
    const pending = this.faults.find((f) => f.operation === undefined || f.operation === operation);
    if (!pending) return undefined;
    pending.remaining -= 1;
    if (pending.remaining <= 0) this.faults.splice(this.faults.indexOf(pending), 1);
    return pending.fault;
  }

  private execute(direction: FlowDirection, kind: OperationKind, input: Record<string, unknown>): unknown {
    const operation = OPERATIONS[direction][kind];
    const inputSchema = (operationSchema(direction, kind) as unknown[])[4] as () => unknown;
    const typeProblems = shapeProblems(input, inputSchema(), '');
    if (typeProblems.length) throw new ServiceError('SerializationException', `${operation}: ${typeProblems.join('; ')}`);
    const missing = REQUIRED_MEMBERS[kind].filter((name) => input[name] === undefined || input[name] === null);
    if (missing.length) throw new ServiceError(ERRORS.invalidParameter, `${operation}: missing required member(s) ${missing.join(', ')}`);

    const organizationId = input.OrganizationId as string;
    if (kind === 'create' || kind === 'update') {
      const { ClientToken: _token, RuleId: _id, ...fields } = input;
      const problems = flowRuleProblems(direction, fields as unknown as FlowRuleFields, { region: this.region, account: this.account });
      if (problems.length) throw new ServiceError(ERRORS.invalidParameter, problems.join('; '));
    } else {
      const problem = organizationIdProblem('OrganizationId', organizationId);
      if (problem) throw new ServiceError(ERRORS.invalidParameter, problem);
    }
    const org = this.organizations.get(organizationId);
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
        if (this.maxRules !== undefined && count >= this.maxRules) {
          throw new ServiceError(ERRORS.limitExceeded,
            `Organization ${organizationId} has ${count} email flow rules (inbound and outbound together), the most it may have (${this.maxRules})`);
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

  private control(req: http.IncomingMessage, res: http.ServerResponse, text: string): void {
    const route = `${req.method} ${(req.url ?? '').split('?')[0]}`;
    let input: any = {};
    try {
      input = text ? JSON.parse(text) : {};
    } catch {
      return send(res, 400, { message: 'control requests take a JSON body' });
    }
    try {
      switch (route) {
        case 'GET /__emulator/state':
          return send(res, 200, this.state());
        case 'GET /__emulator/requests':
          return send(res, 200, this.requests);
        case 'POST /__emulator/reset':
          this.reset();
          return send(res, 200, {});
        case 'POST /__emulator/organizations':
          this.addOrganization(input.organizationId, input.state);
          return send(res, 200, {});
        case 'POST /__emulator/limits':
          this.maxRulesPerOrganization = input.maxRulesPerOrganization ?? undefined;
          return send(res, 200, { maxRulesPerOrganization: this.maxRules ?? null });
        case 'POST /__emulator/faults': {
          const { kind, count, operation, status, delayMs } = input;
          const fault: Fault | undefined =
            kind === 'throttle' || kind === 'drop' ? { kind }
              : kind === 'server-error' ? { kind, status: status === 503 ? 503 : 500 }
                : kind === 'slow' ? { kind, delayMs: Number(delayMs) }
                  : undefined;
          if (!fault) return send(res, 400, { message: `kind must be throttle, server-error, slow or drop, got ${JSON.stringify(kind)}` });
          this.injectFault(fault, { count, operation });
          return send(res, 200, { pendingFaults: this.pendingFaults });
        }
        default:
          return send(res, 404, { message: `no control route ${route}` });
      }
    } catch (e) {
      return send(res, 400, { message: (e as Error).message });
    }
  }
}

function checkState(state: unknown): void {
  if (typeof state !== 'string' || !/^[A-Za-z]+$/.test(state)) throw new Error(`an organization state is a word such as Active or Deleting, got ${JSON.stringify(state)}`);
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function send(res: http.ServerResponse, status: number, body: unknown, errorType?: string): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': CONTENT_TYPE,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  res.end(text);
}

function ruleFields(input: Record<string, unknown>): Omit<DescribedFlowRule, 'RuleId'> {
  const { Name, Description, SenderPatterns, DestinationPatterns, Action } = structuredClone(input) as unknown as FlowRuleFields;
  return { Name, ...(Description !== undefined ? { Description } : {}), SenderPatterns, DestinationPatterns, Action };
}

function publicRule(rule: StoredRule): DescribedFlowRule {
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
