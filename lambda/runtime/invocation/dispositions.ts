/**
 * What WorkMail does with a handler's answer, offline: the action each recipient ends up with. Handler
 * authors unit-test against it; it applies the same check as `SyncResponse.build()` (`checkResponse`).
 *
 * WorkMail's rules, from its documentation: recipient-specific actions first, then the action with
 * `allRecipients` for everyone else, and the rule's fallback action for recipients the response omits
 * when no action has `allRecipients`; recipients of unique actions past the tenth get the fallback; and
 * an invalid response, an error or a timeout gives everyone the fallback (after WorkMail's retries).
 *
 * Where the documentation is silent this module decides, and says so: a response WorkMail's schema does
 * not allow for the event (an inbound-only action such as MOVE_TO_JUNK in a response to an outbound
 * event, more than 500 recipients for an outbound event, a malformed address, one recipient in two
 * actions) is treated as an invalid response: everyone gets the fallback action.
 */
import type { WorkMailFlowDirection, WorkMailLambdaEvent } from './event';
import { WorkMailResponseError, checkAction, checkResponse, responseDirection } from './validate';
import type { WorkMailAction } from './validate';

/** Options of `resolveDispositions`. */
export interface ResolveDispositionsOptions {
  /** The rule's fallback action. */
  readonly fallbackAction: WorkMailAction;
  /**
   * Direction of the rule, for an event without `flowDirection`.
   *
   * @default the event's flowDirection; when it has none, a response with MOVE_TO_JUNK or BYPASS_SPAM_CHECK is invalid
   */
  readonly direction?: WorkMailFlowDirection;
}

/**
 * The action WorkMail applies to each recipient: a record from every address of the event, and every
 * address the response adds, to one action. Recipients cut from a truncated event are not in it (the
 * event does not name them); an action with `allRecipients` applies to them too.
 *
 * @param response what the handler returned; `undefined` for no answer or a timeout; an `Error` for a
 *   handler that threw. Anything else is checked as WorkMail would.
 * @throws WorkMailResponseError when `fallbackAction` (or `direction`) itself is not valid.
 */
export function resolveDispositions(
  event: WorkMailLambdaEvent, response: unknown, options: ResolveDispositionsOptions,
): Record<string, WorkMailAction> {
  const direction = responseDirection(event, options.direction);
  const problems: string[] = [];
  // The rule's fallback was checked at synth time for its direction; with no direction known, any type goes.
  const fallback = checkAction('fallbackAction', options?.fallbackAction, direction ?? 'INBOUND', problems);
  if (!fallback) throw new WorkMailResponseError(problems);

  // Keyed without case (mail is delivered without regard to the case of the address); the first spelling names it.
  const outcome = new Map<string, { address: string; action?: WorkMailAction }>();
  for (const { address } of event.envelope.recipients) {
    if (!outcome.has(address.toLowerCase())) outcome.set(address.toLowerCase(), { address });
  }
  const entries = response instanceof Error || response === undefined ? undefined : checkResponse(response, direction).entries;
  if (entries) {
    for (const entry of entries) {
      for (const address of entry.recipients) {
        const key = address.toLowerCase();
        const slot = outcome.get(key) ?? { address };
        slot.action = entry.applied ? entry.action : fallback;
        outcome.set(key, slot);
      }
    }
    const rest = entries.find((e) => e.allRecipients);
    const restAction = rest?.applied ? rest.action : fallback;
    for (const slot of outcome.values()) slot.action ??= restAction;
  }
  const copy = (a: WorkMailAction): WorkMailAction => (a.parameters ? { type: a.type, parameters: { ...a.parameters } } : { type: a.type });
  return Object.fromEntries([...outcome.values()].map((slot) => [slot.address, copy(slot.action ?? fallback)]));
}
