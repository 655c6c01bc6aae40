/**
 * The one check of a synchronous Run Lambda response. `SyncResponse.build()` throws on any problem it
 * finds; `resolveDispositions` applies what WorkMail does about each one. There is no second copy.
 */
import { emailAddressProblem } from '../../rules/addresses';
import { bounceMessageProblem } from '../../rules/flow-rules';
import {
  MAX_OUTBOUND_RESPONSE_RECIPIENTS, MAX_RESPONSE_BYTES, MAX_RESPONSE_UNIQUE_ACTIONS, RESPONSE_ACTION_TYPES, responseActionTypes,
  type ResponseActionType,
} from '../../rules/responses';
import { isRecord, show as showValue } from '../../rules/values';
import { WorkMailRuntimeError } from '../errors';
import type { WorkMailFlowDirection, WorkMailLambdaEvent } from './event';

/** An action type of a synchronous response: DEFAULT, DROP, BOUNCE (both directions), MOVE_TO_JUNK, BYPASS_SPAM_CHECK (inbound). */
export type WorkMailActionType = ResponseActionType;

/** An action WorkMail applies to a recipient; also the form of a rule's fallback action. */
export interface WorkMailAction {
  readonly type: WorkMailActionType;
  /** BOUNCE only: the text of the bounce message. */
  readonly parameters?: { readonly bounceMessage: string };
}

/** One entry of a synchronous response: an action and whom it applies to. */
export interface WorkMailResponseAction {
  readonly action: WorkMailAction;
  /** Addresses the action applies to (they may include recipients the event did not have). */
  readonly recipients?: string[];
  /** True: the action applies to every recipient that no other entry names. */
  readonly allRecipients?: boolean;
}

/** What a synchronous Run Lambda function returns. */
export interface WorkMailSyncResponse {
  readonly actions: WorkMailResponseAction[];
}

/**
 * What WorkMail does about a problem: `invalid`, the response is rejected and every recipient gets the
 * fallback action; `excess`, the entry's action is past the tenth unique action and its recipients get
 * the fallback action.
 */
export type ResponseProblemEffect = 'invalid' | 'excess';

/** A problem of a response. */
export interface ResponseProblem {
  readonly effect: ResponseProblemEffect;
  /** Sentence naming the field, the value and the limit. */
  readonly message: string;
}

/** An entry of a response that passed the shape checks. */
export interface CheckedEntry {
  readonly action: WorkMailAction;
  readonly recipients: readonly string[];
  readonly allRecipients: boolean;
  /** False when the entry's action is past the tenth unique action (WorkMail gives its recipients the fallback). */
  readonly applied: boolean;
}

/** The outcome of `checkResponse`. */
export interface ResponseCheck {
  readonly problems: readonly ResponseProblem[];
  /** The entries, in order, when the response has no `invalid` problem. */
  readonly entries?: readonly CheckedEntry[];
}

/** The response is one WorkMail would reject or only partly apply; `problems` holds every reason. */
export class WorkMailResponseError extends WorkMailRuntimeError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    // The code that built the answer must change; building it again gives the same answer.
    super(problems.length === 1 ? problems[0] : `${problems.length} problems: ${problems.join('; ')}`, { retryable: false });
    this.name = 'WorkMailResponseError';
    this.problems = problems;
  }
}

const ALL_TYPES: readonly string[] = RESPONSE_ACTION_TYPES.INBOUND;

/** A value of the response as a message shows it: at most 80 characters (a response may be 256 KB). */
function show(value: unknown): string {
  return showValue(value, 80);
}

/** Key of a unique action: WorkMail counts actions that differ in type or parameters. */
export function actionKey(action: WorkMailAction): string {
  return action.type === 'BOUNCE' ? `BOUNCE\u0000${action.parameters?.bounceMessage}` : action.type;
}

function label(action: WorkMailAction): string {
  return action.type === 'BOUNCE' ? `BOUNCE ${show(action.parameters?.bounceMessage)}` : action.type;
}

/**
 * Problems of one action (`{ type, parameters? }`) at `field` for `direction` (undefined: not known,
 * then only the types both directions take pass). Returns the action when it has none.
 */
export function checkAction(field: string, value: unknown, direction: WorkMailFlowDirection | undefined, problems: string[]): WorkMailAction | undefined {
  if (!isRecord(value)) {
    problems.push(`${field} must be an object { type, parameters? }, got ${show(value)}`);
    return undefined;
  }
  const type = value.type;
  if (typeof type !== 'string' || !ALL_TYPES.includes(type)) {
    problems.push(`${field}.type must be one of ${ALL_TYPES.join(', ')}, got ${show(type)}`);
    return undefined;
  }
  const allowed = responseActionTypes(direction);
  if (!allowed.includes(type as WorkMailActionType)) {
    problems.push(direction
      ? `${field}.type ${type} is for inbound rules only; a response to an ${direction.toLowerCase()} event may use ${allowed.join(', ')}`
      : `${field}.type ${type} is for inbound rules only, and the event has no flowDirection; state the direction (the direction option) or use ${allowed.join(', ')}`);
    return undefined;
  }
  const parameters = value.parameters;
  if (parameters !== undefined && !isRecord(parameters)) {
    problems.push(`${field}.parameters must be an object, got ${show(parameters)}`);
    return undefined;
  }
  if (type !== 'BOUNCE') return { type: type as WorkMailActionType };
  const bounceMessage = parameters?.bounceMessage;
  const problem = bounceMessageProblem(`${field}.parameters.bounceMessage`, bounceMessage as string);
  if (problem) {
    problems.push(`${problem} (BOUNCE needs the text of the bounce message)`);
    return undefined;
  }
  return { type: 'BOUNCE', parameters: { bounceMessage: bounceMessage as string } };
}

function byteLength(json: string): number {
  // Buffer is Node's; TextEncoder would allocate the bytes just to count them.
  return Buffer.byteLength(json, 'utf8');
}

/**
 * Every problem of `response` as a synchronous Run Lambda response to an event of `direction`
 * (undefined: the direction is not known). Checks, in WorkMail's terms: the shape and the types
 * (`allRecipients` a boolean, `recipients` a list of addresses), the action types of the direction, a
 * non-blank bounce message, at most 256 KB of JSON, at most 10 unique actions, at most 500 recipients
 * for an outbound event, and each recipient in one action only.
 */
export function checkResponse(response: unknown, direction: WorkMailFlowDirection | undefined): ResponseCheck {
  const invalid: string[] = [];
  const done = (extra: ResponseProblem[] = []): ResponseCheck => ({ problems: [...invalid.map((message) => ({ effect: 'invalid' as const, message })), ...extra] });

  let json: string | undefined;
  try {
    json = JSON.stringify(response);
  } catch (e) {
    invalid.push(`the response cannot be serialized to JSON: ${(e as Error).message}`);
    return done();
  }
  if (json !== undefined) {
    const bytes = byteLength(json);
    if (bytes > MAX_RESPONSE_BYTES) {
      invalid.push(`the response is ${bytes} bytes of JSON; WorkMail accepts at most ${MAX_RESPONSE_BYTES} bytes (256 KB)`);
    }
  }
  if (!isRecord(response)) {
    invalid.push(`the response must be an object { actions: [...] }, got ${show(response)}`);
    return done();
  }
  const actions = response.actions;
  if (!Array.isArray(actions)) {
    invalid.push(`actions must be an array of { action, recipients?, allRecipients? }, got ${show(actions)}`);
    return done();
  }

  const entries: { action: WorkMailAction; recipients: string[]; allRecipients: boolean; key: string; index: number }[] = [];
  actions.forEach((raw: unknown, i: number) => {
    const field = `actions[${i}]`;
    if (!isRecord(raw)) {
      invalid.push(`${field} must be an object { action, recipients?, allRecipients? }, got ${show(raw)}`);
      return;
    }
    const action = checkAction(`${field}.action`, raw.action, direction, invalid);
    const all = raw.allRecipients;
    if (all !== undefined && typeof all !== 'boolean') invalid.push(`${field}.allRecipients must be a boolean (true or false), got ${show(all)}`);
    const list = raw.recipients;
    let recipients: string[] = [];
    if (list !== undefined && !Array.isArray(list)) {
      invalid.push(`${field}.recipients must be an array of email addresses, got ${show(list)}`);
    } else if (list) {
      const before = invalid.length;
      list.forEach((address: unknown, j: number) => {
        const problem = emailAddressProblem(`${field}.recipients[${j}]`, address as string);
        if (problem) invalid.push(problem);
      });
      if (invalid.length === before) recipients = list as string[];
    }
    if (all !== true && list === undefined) {
      invalid.push(`${field} names no recipient: give recipients or allRecipients: true`);
    }
    if (action) entries.push({ action, recipients, allRecipients: all === true, key: actionKey(action), index: i });
  });
  if (invalid.length > 0) return done();

  // Each recipient (compared without case) and "all the others" belong to one unique action.
  const owner = new Map<string, { key: string; index: number; action: WorkMailAction }>();
  let allOwner: { key: string; index: number; action: WorkMailAction } | undefined;
  for (const entry of entries) {
    for (const address of entry.recipients) {
      const k = address.toLowerCase();
      const first = owner.get(k);
      if (first && first.key !== entry.key) {
        invalid.push(`recipient ${address} is in two actions (actions[${first.index}] ${label(first.action)} and actions[${entry.index}] ${label(entry.action)}); each recipient may have one action`);
      } else if (!first) {
        owner.set(k, entry);
      }
    }
    if (entry.allRecipients) {
      if (allOwner && allOwner.key !== entry.key) {
        invalid.push(`allRecipients is true on two actions (actions[${allOwner.index}] ${label(allOwner.action)} and actions[${entry.index}] ${label(entry.action)}); the recipients no action names may have one action`);
      } else if (!allOwner) {
        allOwner = entry;
      }
    }
  }
  if (direction === 'OUTBOUND' && owner.size > MAX_OUTBOUND_RESPONSE_RECIPIENTS) {
    invalid.push(`the response names ${owner.size} recipients; a response to an outbound event may name at most ${MAX_OUTBOUND_RESPONSE_RECIPIENTS}`);
  }
  if (invalid.length > 0) return done();

  const unique: string[] = [];
  for (const entry of entries) if (!unique.includes(entry.key)) unique.push(entry.key);
  const applied = new Set(unique.slice(0, MAX_RESPONSE_UNIQUE_ACTIONS));
  const excess: ResponseProblem[] = [];
  if (unique.length > MAX_RESPONSE_UNIQUE_ACTIONS) {
    const past = entries.filter((e) => !applied.has(e.key)).map((e) => `actions[${e.index}] ${label(e.action)}`);
    excess.push({
      effect: 'excess',
      message: `the response has ${unique.length} unique actions; WorkMail applies at most ${MAX_RESPONSE_UNIQUE_ACTIONS} and gives the recipients of the others the fallback action (${past.join(', ')})`,
    });
  }
  return {
    problems: excess,
    entries: entries.map((e) => ({ action: e.action, recipients: e.recipients, allRecipients: e.allRecipients, applied: applied.has(e.key) })),
  };
}

/**
 * The direction a response to `event` is checked for: `given` (the handler states it) or the event's
 * `flowDirection`; undefined when neither says.
 *
 * @throws WorkMailResponseError when `given` is not a direction or contradicts the event.
 */
export function responseDirection(event: WorkMailLambdaEvent, given: WorkMailFlowDirection | undefined): WorkMailFlowDirection | undefined {
  if (given !== undefined && given !== 'INBOUND' && given !== 'OUTBOUND') {
    throw new WorkMailResponseError([`direction must be 'INBOUND' or 'OUTBOUND', got ${show(given)}`]);
  }
  if (given && event.flowDirection && given !== event.flowDirection) {
    throw new WorkMailResponseError([`direction ${given} was given, but the event's flowDirection is ${event.flowDirection}`]);
  }
  return given ?? event.flowDirection;
}
