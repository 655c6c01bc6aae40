/**
 * What an answer of the WorkMail flow-rule operations tells about our wire contract (`contract.ts`, an
 * assumption) and about the caller's permissions, in one text for everyone who reports it: the provider's FAILED
 * reason at deploy time and `cdk-workmail-lambda doctor` on the user's machine say the same words for the same
 * answer. Plain data in, sentences out; no SDK.
 *
 * An answer shows that the service's shape is not the one we assume when:
 * - the service does not know the operation (`UnknownOperationException`): the operation names differ;
 * - it cannot read the request (`SerializationException`): a member's name or type differs;
 * - it refuses a member as the model defines it (`ValidationException`, or an `InvalidParameterException` that
 *   says a member is required or missing): a member we send is shaped otherwise, or one we do not send is required;
 * - a successful answer lacks a member we read (`RuleId` of a create, `Rules` of a list, a rule's own members).
 */
import { OPERATIONS, type FlowDirection, type OperationKind } from './contract';
import { describeError, errorMessage, errorName, show } from './values';

/** Where the assumption lives, as a user of the installed package finds it. */
export const CONTRACT_LOCATION = "cdk-workmail-lambda's wire contract (lambda/rules/contract.ts)";

/** How an answer differs from the shape we assume. */
export type ContractMismatchKind = 'unknown-operation' | 'serialization' | 'validation' | 'missing-output';

/** An answer that shows the service's shape is not the one we assume. */
export interface ContractMismatch {
  /** The operation, e.g. `CreateInboundMailFlowRule`. */
  readonly operation: string;
  readonly kind: ContractMismatchKind;
  /** What came back: the error's `Name: message`, or the answer's body. */
  readonly answer: string;
  /** For `missing-output`: the members the answer lacks. */
  readonly missing?: readonly string[];
}

/** The error names that say the operation is unknown to the service (JSON 1.1 services answer the first). */
const UNKNOWN_OPERATION = ['UnknownOperationException', 'UnknownOperation', 'InvalidAction'];
const SERIALIZATION = ['SerializationException'];
const VALIDATION = ['ValidationException'];
/** An `InvalidParameterException` about a member's presence rather than a value. */
const MEMBER_REQUIRED = /\b(required|must not be null|missing)\b/i;

/** The longest part of an answer quoted in a message. */
const MAX_ANSWER_LENGTH = 400;

/** `Name: message` of an error-like value (`describeError`), cut to a readable length. */
export function errorText(error: unknown): string {
  // 'UnknownError' is what the SDK puts in place of a message the answer did not have.
  const noMessage = error instanceof Error && (error.message === 'UnknownError' || errorMessage(error) === '');
  const text = noMessage ? errorName(error) ?? '' : describeError(error);
  return text.length > MAX_ANSWER_LENGTH ? `${text.slice(0, MAX_ANSWER_LENGTH - 3)}...` : text;
}

/** The mismatch an error answer of `operation` shows, or undefined for an error that says nothing about the shape. */
export function errorMismatch(operation: string, error: unknown): ContractMismatch | undefined {
  const name = errorName(error);
  const message = String((error as { message?: unknown })?.message ?? '');
  if (name === undefined) return undefined;
  const kind: ContractMismatchKind | undefined = UNKNOWN_OPERATION.includes(name) ? 'unknown-operation'
    : SERIALIZATION.includes(name) ? 'serialization'
      : VALIDATION.includes(name) || (name === 'InvalidParameterException' && MEMBER_REQUIRED.test(message)) ? 'validation'
        : undefined;
  return kind ? { operation, kind, answer: errorText(error) } : undefined;
}

/** The members a rule must have in a Describe answer or a List entry. */
const RULE_MEMBERS = ['RuleId', 'Name', 'SenderPatterns', 'DestinationPatterns', 'Action'] as const;

/**
 * The mismatch a successful answer of `kind` in `direction` shows, or undefined when it has every member we read.
 * `body` is the answer as received (quoted in the message); `output` is what the SDK made of it.
 */
export function outputMismatch(direction: FlowDirection, kind: OperationKind, output: unknown, body?: string): ContractMismatch | undefined {
  const operation = OPERATIONS[direction][kind];
  const o = (output ?? {}) as Record<string, unknown>;
  let missing: string[] = [];
  if (kind === 'create') {
    if (typeof o.RuleId !== 'string' || o.RuleId === '') missing = ['RuleId'];
  } else if (kind === 'describe') {
    missing = ruleMissing(o);
  } else if (kind === 'list') {
    if (!Array.isArray(o.Rules)) missing = ['Rules'];
    else {
      const index = o.Rules.findIndex((r) => ruleMissing(r).length > 0);
      if (index >= 0) missing = ruleMissing(o.Rules[index]).map((m) => `Rules[${index}].${m}`);
    }
  }
  if (missing.length === 0) return undefined;
  const answer = body === undefined ? show(strip(o), MAX_ANSWER_LENGTH) : body.length > MAX_ANSWER_LENGTH ? `${body.slice(0, MAX_ANSWER_LENGTH - 3)}...` : body;
  return { operation, kind: 'missing-output', answer, missing };
}

function ruleMissing(rule: unknown): string[] {
  if (!rule || typeof rule !== 'object') return [...RULE_MEMBERS];
  const r = rule as Record<string, unknown>;
  return RULE_MEMBERS.filter((m) => {
    const value = r[m];
    if (m === 'SenderPatterns' || m === 'DestinationPatterns') return !Array.isArray(value);
    if (m === 'Action') return !value || typeof value !== 'object' || typeof (value as { Type?: unknown }).Type !== 'string';
    return typeof value !== 'string' || value === '';
  });
}

function strip(output: Record<string, unknown>): Record<string, unknown> {
  const { $metadata: _metadata, ...rest } = output;
  return rest;
}

const WHAT: Record<ContractMismatchKind, (m: ContractMismatch) => string> = {
  'unknown-operation': () => 'the service does not know the operation',
  serialization: () => 'the service could not read the request as we send it (a member\'s name or type differs)',
  validation: () => 'the service refused the request as its model defines it (a member we send is shaped otherwise, or one we do not send is required)',
  'missing-output': (m) => `the answer has no ${m.missing!.join(', ')}`,
};

/**
 * The sentence both the provider and `doctor` print for a mismatch: which operation, what came back, and where
 * the assumption lives.
 */
export function contractMismatchText(m: ContractMismatch): string {
  return `${m.operation} does not answer in the shape this library assumes: ${WHAT[m.kind](m)}; the service answered ${m.answer}; `
    + `the shape is our assumption, kept in ${CONTRACT_LOCATION}: please report this answer to cdk-workmail-lambda`;
}

/** An answer that shows the service's shape is not the one we assume; its message is `contractMismatchText`. */
export class ContractMismatchError extends Error {
  public readonly mismatch: ContractMismatch;
  constructor(mismatch: ContractMismatch) {
    super(contractMismatchText(mismatch));
    this.name = 'ContractMismatchError';
    this.mismatch = mismatch;
  }
}

/** The error names of an answer that refuses the caller's permissions. */
const ACCESS_DENIED = ['AccessDeniedException', 'AccessDenied', 'UnauthorizedOperation'];

/** Whether an error answer refuses the caller's permissions. */
export function isAccessDenied(error: unknown): boolean {
  return ACCESS_DENIED.includes(errorName(error) ?? '');
}

/** The IAM action of a WorkMail operation, e.g. `workmail:ListInboundMailFlowRules`. */
export function workMailIamAction(operation: string): string {
  return `workmail:${operation}`;
}

/** What to say when `operation` is refused for lack of permission: the IAM action, and on what. */
export function accessDeniedText(operation: string, who: string, resource: string): string {
  return `${who} may not call ${operation}: allow the IAM action ${workMailIamAction(operation)} on ${resource}`;
}
