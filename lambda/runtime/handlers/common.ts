/**
 * What the ready-made handlers share: which messages they act on, the safe response and when it is given
 * instead of an exception, the one-line log, and reading, rewriting and putting back a message.
 */
import type { Readable } from 'node:stream';
import { errorMessage } from '../../rules/values';
import { withDeadline } from '../invocation/deadline';
import type { LambdaContextLike } from '../invocation/deadline';
import { WorkMailConfigurationError } from '../errors';
import { parseEvent } from '../invocation/event';
import type { WorkMailFlowDirection, WorkMailLambdaEvent } from '../invocation/event';
import { getRawMessage, putRawMessage } from '../message-content';
import type { AwsSdkClient } from '../message-content';
import { rewrite } from '../mime/rewrite';
import type { MimeTransform, RewriteReport } from '../mime/types';
import { SyncResponse } from '../invocation/response';
import { checkResponse } from '../invocation/validate';
import type { WorkMailAction, WorkMailSyncResponse } from '../invocation/validate';
import { defaultLog, loggedError, domainOf } from './log';
import type { HandlerLogEntry } from './log';

/** Options every synchronous ready-made handler takes. */
export interface SyncHandlerOptions {
  /**
   * The directions the handler acts on; mail of another direction is answered DEFAULT without being read.
   * An event without `flowDirection` (older events) is acted on.
   * @default both directions
   */
  readonly directions?: readonly WorkMailFlowDirection[];
  /**
   * The organization's own domains: mail whose envelope sender is in one of them (or a subdomain, without
   * regard to case) is answered DEFAULT without being read.
   * @default none (every sender)
   */
  readonly internalDomains?: readonly string[];
  /**
   * The answer for every recipient when the message cannot be handled and retrying will not help (see
   * docs/handlers.md): not MIME, a malformed event, MessageFrozen, MessageRejected, ... and when time runs
   * out. Must be valid for the rule's direction (MOVE_TO_JUNK and BYPASS_SPAM_CHECK are inbound only).
   * @default { type: 'DEFAULT' } (deliver or send as usual)
   */
  readonly safeAction?: WorkMailAction;
  /** WorkMail Message Flow client. @default one per Lambda environment, made on first use */
  readonly messageFlowClient?: AwsSdkClient;
  /** S3 client for the new content. @default one per Lambda environment, made on first use */
  readonly s3Client?: AwsSdkClient;
  /** Bucket for the new content. @default the WORKMAIL_MESSAGE_CONTENT_BUCKET environment variable (set by grantWriteMessageContent()) */
  readonly bucket?: string;
  /** Key prefix for the new content. @default 'messages/' */
  readonly keyPrefix?: string;
  /** WorkMail's time budget, in milliseconds (see withDeadline). @default 15000 */
  readonly budgetMs?: number;
  /** Time kept back from the budget for the answer, in milliseconds (see withDeadline). @default 1000 */
  readonly marginMs?: number;
  /** Where the log lines go. @default one JSON line per entry on stdout (console.log) */
  readonly log?: (entry: HandlerLogEntry) => void;
}

/** A synchronous ready-made handler, as Lambda calls it. */
export type SyncHandler = (event: unknown, context: LambdaContextLike) => Promise<WorkMailSyncResponse>;

export const DEFAULT_SAFE_ACTION: WorkMailAction = { type: 'DEFAULT' };

/** Whether `address` is in one of `domains` or a subdomain of one, without regard to case. */
export function inDomains(address: string, domains: readonly string[]): boolean {
  const domain = domainOf(address);
  return domains.some((d) => {
    const want = d.trim().toLowerCase();
    return want !== '' && (domain === want || domain.endsWith(`.${want}`));
  });
}

/**
 * Why a failure gets the safe response; undefined when it is thrown so that WorkMail retries.
 *
 * Decided from the error's `retryable` alone, which the runtime sets where it makes the error: `false` (the same
 * message would fail the same way again: not MIME, MessageFrozen, a refusal, a setting missing) gets the safe
 * response now; `true` (throttling, a 5xx answer, a network failure, a time-out) is thrown. An error without
 * `retryable` is not classified (a bug, or a failure that is not the runtime's): it is thrown, as any unexpected
 * failure always was, so WorkMail retries until the rule timeout and then applies the rule's fallback action.
 * Your own error with `retryable: false` is answered safely too.
 */
export function permanentFailure(error: unknown): string | undefined {
  const e = error as { retryable?: unknown; name?: unknown; code?: unknown; message?: unknown } | null | undefined;
  if (e?.retryable !== false) return undefined;
  // What the log says; the decision above does not depend on it.
  const name = typeof e.name === 'string' ? e.name : 'Error';
  const code = typeof e.code === 'string' ? e.code : undefined;
  const reason = REASONS[code ? `${name} ${code}` : name] ?? REASONS[name];
  if (typeof reason === 'function') return reason(code ?? '', typeof e.message === 'string' ? e.message : '');
  return reason ?? `${name}${code ? ` (${code})` : ''}: a retry cannot help`;
}

/** The log's `reason` for each kind of error a retry cannot fix, by the error's name (and code). */
const REASONS: Readonly<Record<string, string | ((code: string, message: string) => string)>> = {
  'WorkMailEventError': 'the event is not a WorkMail Run Lambda event',
  'MimeRewriteError NOT_MIME': 'the message is not MIME',
  'MimeRewriteError TRANSFORM': 'a callback of the handler failed on this message',
  'MimeRewriteError INPUT': 'reading the message failed in a way a retry cannot fix',
  // LIMIT, HEADER, SIGNED: about the message itself, which a retry reads again unchanged.
  'MimeRewriteError': (code) => `the message cannot be rewritten (${code})`,
  'MessageFrozenError': 'WorkMail does not allow updating this message',
  'MessageRejectedError': 'WorkMail rejected the new content',
  'MessageNotFoundError': 'WorkMail has no such message (a wrong Region or message id)',
  'InvalidContentLocationError': 'WorkMail cannot read the new content from the bucket (bucket policy or Region)',
  'MessageContentError': (code) => `the call was refused (${code}); the function's permissions or configuration must change`,
  // putRawMessage without a bucket, or an invalid key prefix: configuration, not the message.
  'WorkMailConfigurationError': (_code, message) => `the handler is not configured for this (${message})`,
  'WorkMailResponseError': 'the handler built an answer WorkMail would not take',
};

/**
 * `make()`, with any error it throws (a transform refusing an option) as a `WorkMailConfigurationError` naming the
 * handler: a factory's bad option is a configuration mistake, found when the handler is made.
 */
export function withOptions<T>(handler: string, make: () => T): T {
  try {
    return make();
  } catch (error) {
    if (error instanceof WorkMailConfigurationError) throw error;
    throw new WorkMailConfigurationError('INVALID_OPTION', `${handler}: ${errorMessage(error)}`, { cause: error });
  }
}

/** The safe answer: `action` for every recipient. */
function safeResponse(action: WorkMailAction): WorkMailSyncResponse {
  return { actions: [{ action, allRecipients: true }] };
}

/** The body of a synchronous ready-made handler: it gets a parsed event that passed the conditions. */
export type SyncBody = (event: WorkMailLambdaEvent, tools: SyncTools) => Promise<WorkMailSyncResponse>;

/** What a handler body is given. */
export interface SyncTools {
  readonly log: (entry: Omit<HandlerLogEntry, 'handler' | 'messageId' | 'invocationId'>) => void;
  /**
   * Reads the message, applies the transforms, and puts it back when they changed something (and `put`, when
   * given, agrees on seeing the report).
   */
  rewriteMessage(transforms: MimeTransform[], put?: (report: RewriteReport) => boolean): Promise<RewriteReport>;
  /** The message as a stream. */
  readMessage(): Promise<Readable>;
  readonly signal: AbortSignal;
}

/**
 * A synchronous handler: parse, conditions, body, with the safe response for permanent failures and
 * time-outs (withDeadline). Other failures are thrown: WorkMail retries until the rule timeout.
 */
export function syncHandler(name: string, options: SyncHandlerOptions, body: SyncBody): SyncHandler {
  const safeAction = options.safeAction ?? DEFAULT_SAFE_ACTION;
  const directions = options.directions;
  if (directions !== undefined && directions.some((d) => d !== 'INBOUND' && d !== 'OUTBOUND')) {
    throw new WorkMailConfigurationError('INVALID_OPTION', `${name}: directions must hold 'INBOUND' and/or 'OUTBOUND', got ${JSON.stringify(directions)}`);
  }
  const safeProblems = checkResponse(safeResponse(safeAction), 'INBOUND').problems;
  if (safeProblems.length > 0) throw new WorkMailConfigurationError('INVALID_OPTION', `${name}: safeAction ${JSON.stringify(safeAction)} is not a valid answer: ${safeProblems.map((p) => p.message).join('; ')}`);
  const internal = options.internalDomains ?? [];
  const log = options.log ?? defaultLog;
  const content = { messageFlowClient: options.messageFlowClient, s3Client: options.s3Client, bucket: options.bucket, keyPrefix: options.keyPrefix };

  const answerSafely = (input: unknown, outcome: string, level: HandlerLogEntry['level'], extra: Record<string, unknown>): WorkMailSyncResponse => {
    const ids = idsOf(input);
    log({ level, handler: name, outcome, ...ids, action: safeAction.type, ...extra });
    return safeResponse(safeAction);
  };

  return withDeadline<unknown, WorkMailSyncResponse>(async (input, _context, signal) => {
    let event: WorkMailLambdaEvent;
    try {
      event = parseEvent(input);
    } catch (error) {
      return answerSafely(input, 'safe-response', 'error', { reason: permanentFailure(error), error: loggedError(error) });
    }
    const response = SyncResponse.forEvent(event);
    if ((directions && event.flowDirection && !directions.includes(event.flowDirection)) || inDomains(event.envelope.mailFrom.address, internal)) {
      return response.defaultAction().build();
    }
    const ids = { messageId: event.messageId, ...(event.invocationId ? { invocationId: event.invocationId } : {}) };
    const tools: SyncTools = {
      signal,
      log: (entry) => log({ ...entry, handler: name, ...ids } as HandlerLogEntry),
      readMessage: () => getRawMessage(event.messageId, content),
      async rewriteMessage(transforms, put) {
        const updated = rewrite(await getRawMessage(event.messageId, content), ...transforms);
        const chunks: Buffer[] = [];
        for await (const chunk of updated) chunks.push(chunk as Buffer);
        const report = updated.report;
        // The safe response was given already: updating the message now would contradict it.
        if (signal.aborted) throw signal.reason;
        // Nothing changed (e.g. the Subject is tagged already): no upload, WorkMail keeps the message.
        if (report.changes.length > 0 && (put?.(report) ?? true)) await putRawMessage(event.messageId, Buffer.concat(chunks), content);
        return report;
      },
    };
    try {
      return await body(event, tools);
    } catch (error) {
      const reason = permanentFailure(error);
      if (reason === undefined) throw error;
      return answerSafely(input, 'safe-response', 'warn', { reason, error: loggedError(error) });
    }
  }, {
    onTimeout: (input) => answerSafely(input, 'deadline', 'warn', { reason: 'no answer within the time WorkMail waits' }),
    budgetMs: options.budgetMs,
    marginMs: options.marginMs,
  });
}

function idsOf(input: unknown): { messageId?: string; invocationId?: string } {
  const e = input as { messageId?: unknown; invocationId?: unknown } | null | undefined;
  return {
    ...(typeof e?.messageId === 'string' ? { messageId: e.messageId } : {}),
    ...(typeof e?.invocationId === 'string' ? { invocationId: e.invocationId } : {}),
  };
}

/** DEFAULT for every recipient, checked for the event. */
export function deliver(event: WorkMailLambdaEvent): WorkMailSyncResponse {
  return SyncResponse.forEvent(event).defaultAction().build();
}
