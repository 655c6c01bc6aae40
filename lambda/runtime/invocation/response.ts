/**
 * A builder for the answer of a synchronous Run Lambda function, checked against WorkMail's rules by
 * `build()` (the same check `resolveDispositions` applies), so that a mistake is an exception in the
 * handler's tests instead of WorkMail silently applying the fallback action.
 */
import type { WorkMailFlowDirection, WorkMailLambdaEvent } from './event';
import { WorkMailResponseError, actionKey, checkResponse, responseDirection } from './validate';
import type { WorkMailAction, WorkMailResponseAction, WorkMailSyncResponse } from './validate';

/** Options of `SyncResponse.forEvent`. */
export interface SyncResponseOptions {
  /**
   * Direction of the rule that runs the handler, for an event without `flowDirection` (older events).
   * When the event has one, this must be the same.
   *
   * @default the event's flowDirection; when the event has none, only DEFAULT, DROP and BOUNCE are allowed
   */
  readonly direction?: WorkMailFlowDirection;
}

interface Entry {
  readonly action: WorkMailAction;
  all: boolean;
  readonly recipients: string[];
  readonly seen: Set<string>;
}

/**
 * Builds a synchronous response. Each method adds an action for the recipients given, or for every
 * recipient no other action names when called without recipients (`allRecipients: true`). An empty
 * list adds nothing, so `drop(recipients.filter(...))` is safe when the filter keeps none. Calling the
 * same action again adds recipients to it.
 */
export class SyncResponse {
  /** A builder for the answer to `event`. */
  static forEvent(event: WorkMailLambdaEvent, options: SyncResponseOptions = {}): SyncResponse {
    return new SyncResponse(responseDirection(event, options.direction));
  }

  private readonly entries = new Map<string, Entry>();

  private constructor(
    /** The direction the response is checked for; undefined when not known. */
    readonly direction: WorkMailFlowDirection | undefined,
  ) {}

  /** Deliver (inbound) or send (outbound) as usual. */
  defaultAction(recipients?: readonly string[]): this {
    return this.add({ type: 'DEFAULT' }, recipients);
  }

  /** Drop the message for these recipients, silently. */
  drop(recipients?: readonly string[]): this {
    return this.add({ type: 'DROP' }, recipients);
  }

  /** Bounce the message for these recipients with `message` as the bounce text. */
  bounce(message: string, recipients?: readonly string[]): this {
    return this.add({ type: 'BOUNCE', parameters: { bounceMessage: message } }, recipients);
  }

  /** Inbound only: deliver to the recipients' Junk E-mail folder. */
  moveToJunk(recipients?: readonly string[]): this {
    return this.add({ type: 'MOVE_TO_JUNK' }, recipients);
  }

  /** Inbound only: deliver without WorkMail's spam check. */
  bypassSpamCheck(recipients?: readonly string[]): this {
    return this.add({ type: 'BYPASS_SPAM_CHECK' }, recipients);
  }

  /**
   * The response to return from the handler.
   *
   * @throws WorkMailResponseError when WorkMail would reject the response or apply part of it only: an
   *   inbound-only action for an outbound event (or an event of unknown direction), more than 10 unique
   *   actions, more than 500 recipients for an outbound event, over 256 KB of JSON, an empty bounce
   *   message, a malformed address, one recipient in two actions; or when no action was added.
   */
  build(): WorkMailSyncResponse {
    if (this.entries.size === 0) {
      throw new WorkMailResponseError(['the response has no action: every recipient would get the fallback action; call defaultAction() to deliver as usual']);
    }
    const actions: WorkMailResponseAction[] = [];
    for (const entry of this.entries.values()) {
      actions.push({
        action: entry.action,
        ...(entry.recipients.length > 0 ? { recipients: [...entry.recipients] } : {}),
        ...(entry.all ? { allRecipients: true } : {}),
      });
    }
    const response: WorkMailSyncResponse = { actions };
    const { problems } = checkResponse(response, this.direction);
    if (problems.length > 0) throw new WorkMailResponseError(problems.map((p) => p.message));
    return response;
  }

  private add(action: WorkMailAction, recipients: readonly string[] | undefined): this {
    if (recipients !== undefined && recipients.length === 0) return this;
    // One entry per unique action (type and bounce text), as WorkMail counts them.
    const key = actionKey(action);
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { action, all: false, recipients: [], seen: new Set() };
      this.entries.set(key, entry);
    }
    if (recipients === undefined) {
      entry.all = true;
      return this;
    }
    for (const address of recipients) {
      const k = String(address).toLowerCase();
      if (entry.seen.has(k)) continue;
      entry.seen.add(k);
      entry.recipients.push(address);
    }
    return this;
  }
}
