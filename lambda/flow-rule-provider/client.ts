/**
 * A typed client for the WorkMail email flow rule operations, sent through `@aws-sdk/client-workmail`.
 *
 * The operations are not in the published SDK model, so each (direction, operation) gets a Command class
 * built the way the SDK builds its own (`Command.classBuilder()` with the schema tuples of `contract.ts`).
 * Everything else is the SDK's: AWS JSON 1.1 with `X-Amz-Target: WorkMailService.<Operation>`, SigV4,
 * endpoint resolution (including the standard `AWS_ENDPOINT_URL_WORKMAIL` override), retries, and errors
 * thrown as exceptions whose `name` is the service's `__type`.
 *
 * An answer that shows the service's shape is not the one the contract assumes (an unknown operation, a request it
 * cannot read or refuses by its model, a successful answer without the members we read) is thrown as
 * `ContractMismatchError` (lambda/rules/service-answers), with the answer as received: the provider and
 * `cdk-workmail-lambda doctor` report it in the same words.
 */
import { WorkMailClient } from '@aws-sdk/client-workmail';
import { Command } from '@smithy/core/client';
import { getEndpointPlugin } from '@smithy/core/endpoints';
import { StandardRetryStrategy } from '@smithy/core/retry';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { EndpointParameterInstructions, RetryErrorInfo, StandardRetryToken, StaticOperationSchema } from '@smithy/types';
import { ContractMismatchError, errorMismatch, outputMismatch } from '../rules/service-answers';
import {
  ERRORS, OPERATIONS, operationSchema,
  type CreateFlowRuleInput, type CreateFlowRuleOutput, type DescribedFlowRule, type FlowDirection,
  type ListFlowRulesInput, type ListFlowRulesOutput, type OperationKind, type RuleRef, type UpdateFlowRuleInput,
} from '../rules/contract';
import { describeError } from '../rules/values';

/** The endpoint parameters every WorkMail command passes (as in the SDK's `endpoint/EndpointParameters`). */
const commonParams: EndpointParameterInstructions = {
  UseFIPS: { type: 'builtInParams', name: 'useFipsEndpoint' },
  Endpoint: { type: 'builtInParams', name: 'endpoint' },
  Region: { type: 'builtInParams', name: 'region' },
  UseDualStack: { type: 'builtInParams', name: 'useDualstackEndpoint' },
};

/** A Command class as `classBuilder().build()` returns it. */
type CommandClass = new (input: object) => Command<any, any, any>;

function buildCommand(direction: FlowDirection, kind: OperationKind): CommandClass {
  const operation = OPERATIONS[direction][kind];
  return Command.classBuilder<any, any, any>()
    .ep(commonParams)
    .m(function (CommandCtor: any, _clientStack: unknown, config: any) {
      return [getEndpointPlugin(config, CommandCtor.getEndpointParameterInstructions())];
    })
    .s('WorkMailService', operation, {})
    .n('WorkMailClient', `${operation}Command`)
    .sc(operationSchema(direction, kind) as StaticOperationSchema)
    .build() as unknown as CommandClass;
}

const COMMANDS = Object.fromEntries(
  (Object.keys(OPERATIONS) as FlowDirection[]).map((direction) => [
    direction,
    Object.fromEntries((Object.keys(OPERATIONS[direction]) as OperationKind[]).map((kind) => [kind, buildCommand(direction, kind)])),
  ]),
) as Record<FlowDirection, Record<OperationKind, CommandClass>>;

/**
 * The SDK's standard retries, less a `LimitExceededException`: the SDK counts that name as throttling and
 * retries it with throttling backoff, but WorkMail answers it for a quota (sender patterns, rules) that no
 * wait lifts, so retrying only spends the provider's time before the same answer.
 */
export class WorkMailRetryStrategy extends StandardRetryStrategy {
  public override async refreshRetryTokenForRetry(token: StandardRetryToken, errorInfo: RetryErrorInfo): Promise<StandardRetryToken> {
    if (errorInfo.error?.name === ERRORS.limitExceeded) throw errorInfo.error;
    return super.refreshRetryTokenForRetry(token, errorInfo);
  }
}

/** Options of `createWorkMailClient`. */
export interface WorkMailClientOptions {
  /**
   * The Region of the WorkMail organization.
   * @default the SDK's default (`AWS_REGION`)
   */
  readonly region?: string;
  /**
   * Attempts per operation, the first one included; throttling, 5xx answers, timeouts and dropped
   * connections are retried with the SDK's standard backoff (a `LimitExceededException` is not: see
   * `WorkMailRetryStrategy`).
   * @default 5
   */
  readonly maxAttempts?: number;
  /**
   * Time to establish a connection, in milliseconds.
   * @default 3000
   */
  readonly connectionTimeoutMs?: number;
  /**
   * Time one attempt may take, in milliseconds; a slower answer fails the attempt (and is retried).
   * @default 10000
   */
  readonly requestTimeoutMs?: number;
}

/**
 * A `WorkMailClient` set up for the provider: bounded connection and request times, so that a slow or
 * silent endpoint costs one attempt instead of the whole Lambda run. The endpoint is the SDK's: the
 * Region's WorkMail endpoint, or `AWS_ENDPOINT_URL_WORKMAIL` when set.
 */
export function createWorkMailClient(options: WorkMailClientOptions = {}): WorkMailClient {
  return new WorkMailClient({
    ...(options.region ? { region: options.region } : {}),
    maxAttempts: options.maxAttempts ?? 5,
    retryStrategy: new WorkMailRetryStrategy(options.maxAttempts ?? 5),
    requestHandler: new NodeHttpHandler({
      connectionTimeout: options.connectionTimeoutMs ?? 3_000,
      requestTimeout: options.requestTimeoutMs ?? 10_000,
      // Without this the handler only logs a warning when requestTimeout passes.
      throwOnRequestTimeout: true,
    }),
  });
}

/** Options of `FlowRuleClient`. */
export interface FlowRuleClientOptions {
  /**
   * Aborts every call (and the SDK's waits between retries) when it fires.
   * @default no abort
   */
  readonly abortSignal?: AbortSignal;
}

/** The email flow rule operations of both directions. */
export class FlowRuleClient {
  constructor(
    /** The client the operations go through. */
    public readonly workMail: WorkMailClient,
    private readonly options: FlowRuleClientOptions = {},
  ) {}

  /** Creates a rule; calls with the same `ClientToken` create it once and answer the same `RuleId`. */
  public async create(direction: FlowDirection, input: CreateFlowRuleInput): Promise<CreateFlowRuleOutput> {
    const { RuleId } = await this.send(direction, 'create', input);
    return { RuleId };
  }

  /** Replaces every field of an existing rule. */
  public async update(direction: FlowDirection, input: UpdateFlowRuleInput): Promise<void> {
    await this.send(direction, 'update', input);
  }

  /** Deletes a rule. */
  public async delete(direction: FlowDirection, ref: RuleRef): Promise<void> {
    await this.send(direction, 'delete', ref);
  }

  /** Reads a rule. */
  public async describe(direction: FlowDirection, ref: RuleRef): Promise<DescribedFlowRule> {
    const { $metadata: _, ...rule } = await this.send(direction, 'describe', ref);
    return rule as DescribedFlowRule;
  }

  /** One page of the rules of an organization. */
  public async list(direction: FlowDirection, input: ListFlowRulesInput): Promise<ListFlowRulesOutput> {
    const { Rules, NextToken } = await this.send(direction, 'list', input);
    return { Rules, ...(NextToken ? { NextToken } : {}) };
  }

  /** The rule of an organization and direction with this name (names are unique per direction), or undefined. */
  public async findByName(direction: FlowDirection, organizationId: string, name: string): Promise<DescribedFlowRule | undefined> {
    return (await this.listAll(direction, organizationId)).find((rule) => rule.Name === name);
  }

  /** Every rule of an organization, following `NextToken`. */
  public async listAll(direction: FlowDirection, organizationId: string, pageSize?: number): Promise<DescribedFlowRule[]> {
    const rules: DescribedFlowRule[] = [];
    let NextToken: string | undefined;
    do {
      const page = await this.list(direction, { OrganizationId: organizationId, NextToken, MaxResults: pageSize });
      rules.push(...page.Rules);
      NextToken = page.NextToken;
    } while (NextToken);
    return rules;
  }

  private async send(direction: FlowDirection, kind: OperationKind, input: object): Promise<any> {
    const operation = OPERATIONS[direction][kind];
    let body: string | undefined;
    let output: any;
    try {
      output = await this.sendCommand(direction, kind, input, (text) => (body = text));
    } catch (e) {
      const mismatch = errorMismatch(operation, e);
      if (mismatch) throw Object.assign(new ContractMismatchError(mismatch), { cause: e, $metadata: (e as { $metadata?: unknown }).$metadata });
      throw e;
    }
    const mismatch = outputMismatch(direction, kind, output, body);
    if (mismatch) throw Object.assign(new ContractMismatchError(mismatch), { $metadata: output?.$metadata });
    return output;
  }

  private async sendCommand(direction: FlowDirection, kind: OperationKind, input: object, received: (body: string) => void): Promise<any> {
    const operation = OPERATIONS[direction][kind];
    const command = new COMMANDS[direction][kind](input);
    const attempts: AttemptLog = { count: 0, errors: [] };
    // Closest to the wire: keeps the body of each answer (to quote an answer that lacks a member we read), and
    // hands the deserializer the same bytes.
    command.middlewareStack.add(
      (next: any) => async (args: any) => {
        const result = await next(args);
        const stream = result?.response?.body;
        if (stream && typeof stream[Symbol.asyncIterator] === 'function') {
          const chunks: Buffer[] = [];
          for await (const chunk of stream) chunks.push(Buffer.from(chunk));
          const bytes = Buffer.concat(chunks);
          result.response.body = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
          received(bytes.toString('utf8'));
        }
        return result;
      },
      { step: 'deserialize', priority: 'low', name: 'flowRuleAnswerBody', override: true },
    );
    // Inside the SDK's retry loop: sees every attempt and what it failed with.
    command.middlewareStack.add(
      (next: any) => async (args: any) => {
        attempts.count += 1;
        try {
          return await next(args);
        } catch (e) {
          attempts.errors.push(e);
          throw e;
        }
      },
      { step: 'deserialize', priority: 'high', name: 'flowRuleAttemptLog', override: true },
    );
    const signal = this.options.abortSignal;
    const sent = this.workMail.send(command as any, { abortSignal: signal as any });
    if (!signal) return sent;
    // The signal also ends the wait itself, whatever the SDK is doing at that moment.
    let onAbort = () => {};
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(new DeadlineExceededError(operation, signal.reason, attempts));
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
    sent.catch(() => undefined); // settled after an abort: already answered by `aborted`
    try {
      return await Promise.race([sent, aborted]);
    } catch (e) {
      if (signal.aborted && !(e instanceof DeadlineExceededError)) throw new DeadlineExceededError(operation, signal.reason, attempts);
      throw e;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }
}

interface AttemptLog {
  count: number;
  readonly errors: unknown[];
}

/** A call given up because its abort signal fired; says how far it got. */
export class DeadlineExceededError extends Error {
  /** Attempts started before the abort. */
  public readonly attempts: number;
  /** What the last finished attempt failed with, if one did. */
  public readonly lastError?: unknown;

  constructor(operation: string, reason: unknown, log: AttemptLog) {
    const finished = log.errors.filter((e) => (e as Error)?.name !== 'AbortError');
    const lastError = finished[finished.length - 1];
    const why = reason instanceof Error ? reason.message : reason !== undefined ? String(reason) : 'aborted';
    const tried = `${log.count} attempt${log.count === 1 ? '' : 's'}`;
    const last = lastError === undefined ? '' : `; last error: ${describeError(lastError)}`;
    const waiting = log.count > finished.length ? `; attempt ${log.count} had no answer yet` : '';
    super(`${operation} gave up: ${why}, after ${tried}${last}${waiting}`);
    this.name = 'DeadlineExceededError';
    this.attempts = log.count;
    this.lastError = lastError;
  }
}
