/**
 * The Run Lambda event WorkMail sends to a function, typed and checked.
 *
 * `parseEvent` checks the fields this package relies on and ignores the rest, so that a field WorkMail
 * adds later does not break a deployed handler. It does not check that addresses are well formed: a
 * bounce arrives with an empty `mailFrom`, and WorkMail, not the handler, decides what an address is.
 */
import type { FlowDirection } from '../../rules/contract';
import { EVENT_SUMMARY_VERSIONS } from '../../rules/responses';
import { isRecord, show } from '../../rules/values';
import { WorkMailRuntimeError } from '../errors';

/** Direction of the email flow a rule ran on: `INBOUND` or `OUTBOUND` (the rules' own `FlowDirection`). */
export type WorkMailFlowDirection = FlowDirection;

/** An address of the event (`{ address }`). */
export interface WorkMailAddress {
  readonly address: string;
}

/** The event WorkMail passes to a Run Lambda function (summaryVersion 2018-10-10 and 2019-07-28). */
export interface WorkMailLambdaEvent {
  /** `2018-10-10` or `2019-07-28`. */
  readonly summaryVersion: string;
  readonly envelope: {
    /** The SMTP MAIL FROM: the sender, or the user on whose behalf the message was sent; empty for a bounce. */
    readonly mailFrom: WorkMailAddress;
    /** The SMTP recipients (To, Cc and Bcc alike); cut short when `truncated` is true. */
    readonly recipients: readonly WorkMailAddress[];
  };
  /** The user who sent the message on behalf of another; absent otherwise. */
  readonly sender?: WorkMailAddress;
  /** Subject line, cut at 256 characters by WorkMail. */
  readonly subject: string;
  /** Id of the message for the Message Flow API (GetRawMessageContent / PutRawMessageContent). */
  readonly messageId: string;
  /**
   * Id of this invocation: WorkMail retries a synchronous invocation with the same id. Absent from some
   * older (2018-10-10) events.
   */
  readonly invocationId?: string;
  /**
   * Direction of the rule that ran the function. Absent from some older (2018-10-10) events: then it is
   * not known, and `SyncResponse` allows only the actions both directions take unless told the direction.
   */
  readonly flowDirection?: WorkMailFlowDirection;
  /** True when the event was over 128 KB and WorkMail cut the recipient list short to fit. */
  readonly truncated: boolean;
}

/** The input is not a Run Lambda event this package can read; the message names the field and what was found. */
export class WorkMailEventError extends WorkMailRuntimeError {
  /** Path of the offending field, e.g. `envelope.recipients[2].address` (`event` for the whole input). */
  readonly path: string;

  constructor(path: string, message: string) {
    // The same event fails the same way on every attempt.
    super(message, { retryable: false });
    this.name = 'WorkMailEventError';
    this.path = path;
  }
}

/** A short, bounded description of a value for an error message: its type, then at most 60 characters of it. */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${show(value, 60)}`;
}

function fail(path: string, expected: string, value: unknown): never {
  throw new WorkMailEventError(path, `Not a WorkMail Run Lambda event: ${path} must be ${expected}, got ${describe(value)}`);
}

function field(record: Record<string, unknown>, key: string): unknown {
  // Own properties only: a key such as `__proto__` or `constructor` must not be read from the prototype.
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

function string(record: Record<string, unknown>, key: string, path: string): string {
  const value = field(record, key);
  if (typeof value !== 'string') fail(path, 'a string', value);
  return value;
}

function address(value: unknown, path: string): WorkMailAddress {
  if (!isRecord(value)) fail(path, 'an object with an address', value);
  return { address: string(value, 'address', `${path}.address`) };
}

/**
 * Checks that `input` is a Run Lambda event and returns it typed. Unknown extra fields are accepted and
 * left out of the result; a truncated event is accepted (its `truncated` is true).
 *
 * @throws WorkMailEventError naming the field path and what was found there.
 */
export function parseEvent(input: unknown): WorkMailLambdaEvent {
  if (!isRecord(input)) fail('event', 'a JSON object', input);
  const summaryVersion = string(input, 'summaryVersion', 'summaryVersion');
  if (!EVENT_SUMMARY_VERSIONS.includes(summaryVersion)) fail('summaryVersion', `one of ${EVENT_SUMMARY_VERSIONS.join(', ')}`, summaryVersion);

  const envelope = field(input, 'envelope');
  if (!isRecord(envelope)) fail('envelope', 'an object with mailFrom and recipients', envelope);
  const mailFrom = address(field(envelope, 'mailFrom'), 'envelope.mailFrom');
  const rawRecipients = field(envelope, 'recipients');
  if (!Array.isArray(rawRecipients)) fail('envelope.recipients', 'an array of { address } objects', rawRecipients);
  const recipients = rawRecipients.map((r, i) => address(r, `envelope.recipients[${i}]`));

  const rawSender = field(input, 'sender');
  const sender = rawSender === undefined || rawSender === null ? undefined : address(rawSender, 'sender');
  const subject = string(input, 'subject', 'subject');
  const messageId = string(input, 'messageId', 'messageId');

  const rawInvocationId = field(input, 'invocationId');
  if (rawInvocationId !== undefined && typeof rawInvocationId !== 'string') fail('invocationId', 'a string when present', rawInvocationId);

  const rawDirection = field(input, 'flowDirection');
  if (rawDirection !== undefined && rawDirection !== 'INBOUND' && rawDirection !== 'OUTBOUND') {
    fail('flowDirection', "'INBOUND' or 'OUTBOUND' when present", rawDirection);
  }
  const truncated = field(input, 'truncated');
  if (typeof truncated !== 'boolean') fail('truncated', 'a boolean', truncated);

  return {
    summaryVersion,
    envelope: { mailFrom, recipients },
    ...(sender ? { sender } : {}),
    subject,
    messageId,
    ...(rawInvocationId !== undefined ? { invocationId: rawInvocationId } : {}),
    ...(rawDirection !== undefined ? { flowDirection: rawDirection } : {}),
    truncated,
  };
}
