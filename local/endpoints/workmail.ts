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
 * `OrganizationStateException` to every operation. `DescribeOrganization` (of the published SDK model) answers as
 * the service does, whatever the state. Faults also play a service whose shape is not the one the contract assumes
 * (an unknown operation, a required member we do not send, an answer without `RuleId` / `Rules`) and a caller
 * without permission (`AccessDeniedException`). It only ever listens on 127.0.0.1.
 *
 * Control routes for standalone use (no signature needed): `POST /__emulator/faults`
 * (`{ kind, count?, operation?, status?, delayMs?, member? }`), `POST /__emulator/organizations`
 * (`{ organizationId, state? }`), `POST /__emulator/limits` (`{ maxRulesPerOrganization }`, null for none),
 * `POST /__emulator/reset`, `GET /__emulator/state`, `GET /__emulator/requests`.
 */
import { randomUUID } from 'node:crypto';
import type * as http from 'node:http';
import { ERRORS, TARGET_PREFIX, type FlowDirection } from '../../lambda/rules/contract';
import { organizationIdProblem } from '../../lambda/rules';
import {
  ACTIVE, CONTENT_TYPE, DESCRIBE_ORGANIZATION, OPERATION_INDEX, type Organization, ServiceError, type StoredRule, checkState, describeOrganization,
  execute, header, send,
} from './workmail-operations';
import { HttpEndpoint, checkSigV4 } from './server';

export { ACTIVE, type StoredRule };

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
  | { readonly kind: 'drop' }
  /** 400 AccessDeniedException naming the IAM action, nothing done: a caller without the permission. */
  | { readonly kind: 'access-denied' }
  /** 400 UnknownOperationException, nothing done: a service that does not know the operation's name. */
  | { readonly kind: 'unknown-operation' }
  /**
   * 400 ValidationException ("Value null at '<member>' … must not be null") when the request lacks `member`, nothing
   * done: a service that requires a member the contract does not send.
   */
  | { readonly kind: 'require-member'; readonly member: string }
  /**
   * The request is carried out, but the answer names the member the contract reads otherwise (`RuleId` as `Id`,
   * `Rules` as `Items`): a service whose answers have another shape.
   */
  | { readonly kind: 'rename-output' }
  /** 400 (or `status`) with the error `errorType` and `message`, nothing done: any other answer of the service. */
  | { readonly kind: 'service-error'; readonly errorType: string; readonly message?: string; readonly status?: number };

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

/** Rules per organization and direction, as `state()` returns them. */
export type EmulatorState = Record<string, Record<FlowDirection, StoredRule[]>>;

interface PendingFault {
  readonly fault: Fault;
  remaining: number;
  readonly operation?: string;
}

const CONTROL_PREFIX = '/__emulator/';

/** A local WorkMail flow rule endpoint; see the module comment. */
export class WorkMailEmulator extends HttpEndpoint {
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

  private readonly organizations = new Map<string, Organization>();
  private readonly recorded: RecordedRequest[] = [];
  private faults: PendingFault[] = [];
  private maxRules?: number;
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(options: WorkMailEmulatorOptions) {
    super();
    this.region = options.region ?? 'us-east-1';
    this.account = options.account ?? '123456789012';
    this.maxRulesPerOrganization = options.maxRulesPerOrganization;
    for (const id of options.organizations ?? []) this.addOrganization(id);
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
      created: Math.floor(Date.now() / 1000),
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

  /**
   * Puts a rule in as the WorkMail console would, without the API's checks (the console may hold what the contract's
   * checks refuse); returns its RuleId.
   */
  public addRuleOutOfBand(organizationId: string, direction: FlowDirection, rule: Omit<StoredRule, 'RuleId'> & { RuleId?: string }): string {
    const org = this.organizations.get(organizationId);
    if (!org) throw new Error(`no organization ${organizationId}; add it first`);
    const stored = { ...structuredClone(rule), RuleId: rule.RuleId ?? randomUUID() };
    org.rules[direction].push(stored);
    return stored.RuleId;
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
    if (fault.kind === 'require-member' && !(typeof fault.member === 'string' && /^[A-Za-z]\w*$/.test(fault.member))) {
      throw new Error(`member must be a member name such as Priority, got ${JSON.stringify(fault.member)}`);
    }
    if (fault.kind === 'service-error' && !(typeof fault.errorType === 'string' && /^[\w.#:]+$/.test(fault.errorType))) {
      throw new Error(`errorType must be an error name such as EntityNotFoundException, got ${JSON.stringify(fault.errorType)}`);
    }
    if (fault.kind === 'service-error' && fault.status !== undefined && !(Number.isInteger(fault.status) && fault.status >= 400 && fault.status <= 599)) {
      throw new Error(`status must be an HTTP error status from 400 to 599, got ${fault.status}`);
    }
    if (scope.operation !== undefined && !OPERATION_INDEX.has(scope.operation) && scope.operation !== DESCRIBE_ORGANIZATION) {
      throw new Error(`unknown operation ${scope.operation}; known: ${[...OPERATION_INDEX.keys(), DESCRIBE_ORGANIZATION].join(', ')}`);
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
    await super.stop();
  }

  protected async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    if ((req.url ?? '').startsWith(CONTROL_PREFIX)) this.control(req, res, text);
    else this.workMail(req, res, text);
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
      if (!known && operation !== DESCRIBE_ORGANIZATION) throw new ServiceError('UnknownOperationException', `Unknown operation ${JSON.stringify(target)}`);
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        throw new ServiceError('SerializationException', 'The request body must be a JSON object');
      }

      const fault = this.takeFault(operation!);
      if (fault?.kind === 'throttle') return fail(new ServiceError(ERRORS.throttling, 'Rate exceeded'), 'throttle');
      if (fault?.kind === 'server-error') {
        const status = fault.status ?? 500;
        return fail(new ServiceError(status === 503 ? 'ServiceUnavailableException' : 'InternalServerException', 'Injected server error', status), 'server-error');
      }
      if (fault?.kind === 'service-error') return fail(new ServiceError(fault.errorType, fault.message ?? 'Injected error', fault.status ?? 400), 'service-error');
      if (fault?.kind === 'drop') {
        record(0, { fault: 'drop' });
        req.socket.destroy();
        return;
      }
      const input = body as Record<string, unknown>;
      if (fault?.kind === 'access-denied') {
        const resource = `arn:aws:workmail:${this.region}:${this.account}:organization/${String(input.OrganizationId)}`;
        const caller = `arn:aws:sts::${this.account}:assumed-role/LocalWorkMail/caller`;
        return fail(new ServiceError('AccessDeniedException', `User: ${caller} is not authorized to perform: workmail:${operation} on resource: ${resource}`), 'access-denied');
      }
      // As a JSON 1.1 service answers an operation it does not have: the type alone.
      if (fault?.kind === 'unknown-operation') return fail(new ServiceError('com.amazon.coral.service#UnknownOperationException', ''), 'unknown-operation');
      if (fault?.kind === 'require-member' && input[fault.member] === undefined) {
        const path = fault.member[0].toLowerCase() + fault.member.slice(1);
        return fail(new ServiceError('ValidationException', `1 validation error detected: Value null at '${path}' failed to satisfy constraint: Member must not be null`), 'require-member');
      }

      let status = 200;
      let answer: unknown;
      let errorType: string | undefined;
      try {
        const service = { organizations: this.organizations, region: this.region, account: this.account, maxRules: this.maxRules };
        answer = known ? execute(service, known.direction, known.kind, input) : describeOrganization(service, input);
        if (fault?.kind === 'rename-output') answer = renameOutput(answer as Record<string, unknown>);
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
    const problem = checkSigV4(authorization, 'workmail', this.region);
    if (problem) throw new ServiceError(problem.code, problem.code === 'IncompleteSignatureException' ? `${problem.message}: ${authorization}` : problem.message, 403);
    const signedHeaders = /SignedHeaders=([a-z0-9;-]+), ?Signature=[0-9a-f]{64}$/.exec(authorization!)?.[1];
    if (!signedHeaders) throw new ServiceError('IncompleteSignatureException', `Authorization header is not an AWS Signature Version 4 header: ${authorization}`, 403);
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
          const { kind, count, operation, status, delayMs, member, errorType, message } = input;
          const fault: Fault | undefined =
            ['throttle', 'drop', 'access-denied', 'unknown-operation', 'rename-output'].includes(kind) ? { kind }
              : kind === 'server-error' ? { kind, status: status === 503 ? 503 : 500 }
                : kind === 'slow' ? { kind, delayMs: Number(delayMs) }
                  : kind === 'require-member' ? { kind, member }
                    : kind === 'service-error' && typeof errorType === 'string' && errorType !== '' ? { kind, errorType, message, status: Number(status ?? 400) }
                      : undefined;
          if (!fault) {
            const kinds = 'throttle, server-error, slow, drop, access-denied, unknown-operation, require-member, rename-output or service-error (with errorType)';
            return send(res, 400, { message: `kind must be ${kinds}, got ${JSON.stringify(kind)}` });
          }
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

/** An answer with the members the contract reads under other names: `RuleId` as `Id`, `Rules` as `Items`. */
function renameOutput(answer: Record<string, unknown>): Record<string, unknown> {
  const { RuleId, Rules, ...rest } = answer;
  return {
    ...rest,
    ...(RuleId !== undefined ? { Id: RuleId } : {}),
    ...(Rules !== undefined ? { Items: (Rules as Record<string, unknown>[]).map(renameOutput) } : {}),
  };
}
