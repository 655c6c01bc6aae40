/**
 * The service rules of the Run Lambda event and of a synchronous function's response, as the runtime
 * toolkit (`lambda/runtime`) checks them: the event versions it reads, the action types a response may
 * use per direction, and the response's limits.
 */
import type { FlowDirection } from './contract';

/** The `summaryVersion` values of the Run Lambda event that this package reads. */
export const EVENT_SUMMARY_VERSIONS: readonly string[] = ['2018-10-10', '2019-07-28'];

/** An action type a synchronous Run Lambda response may use in some direction. */
export type ResponseActionType = 'DEFAULT' | 'DROP' | 'BOUNCE' | 'MOVE_TO_JUNK' | 'BYPASS_SPAM_CHECK';

/** Action types a synchronous Run Lambda response may use, per direction (the seed's response schema). */
export const RESPONSE_ACTION_TYPES: Readonly<Record<FlowDirection, readonly ResponseActionType[]>> = {
  INBOUND: ['DEFAULT', 'DROP', 'BOUNCE', 'MOVE_TO_JUNK', 'BYPASS_SPAM_CHECK'],
  OUTBOUND: ['DEFAULT', 'DROP', 'BOUNCE'],
};

/** Response action types of `direction`, or of both directions when it is not known. */
export function responseActionTypes(direction: FlowDirection | undefined): readonly ResponseActionType[] {
  return direction ? RESPONSE_ACTION_TYPES[direction] : RESPONSE_ACTION_TYPES.INBOUND.filter((t) => RESPONSE_ACTION_TYPES.OUTBOUND.includes(t));
}

/** WorkMail applies at most this many unique actions of a response; the recipients of the others get the fallback action. */
export const MAX_RESPONSE_UNIQUE_ACTIONS = 10;

/** Most recipients a response to an outbound event may name. */
export const MAX_OUTBOUND_RESPONSE_RECIPIENTS = 500;

/** Largest synchronous Run Lambda response WorkMail accepts, in bytes of serialized JSON (256 KB). */
export const MAX_RESPONSE_BYTES = 256 * 1024;
