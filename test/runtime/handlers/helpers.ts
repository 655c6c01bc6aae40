import { randomUUID } from 'node:crypto';
import type { HandlerLogEntry } from '../../../lambda/runtime';
import { parseEvent, resolveDispositions } from '../../../lambda/runtime';
import type { WorkMailAction } from '../../../lambda/runtime';

export const BUCKET = 'handler-message-content';
export const context = { getRemainingTimeInMillis: () => 15_000 };
export const FALLBACK: WorkMailAction = { type: 'MOVE_TO_JUNK' };

/** A Run Lambda event as WorkMail sends it, about message `messageId`. */
export function event(messageId: string, over: { from?: string; to?: string[]; direction?: 'INBOUND' | 'OUTBOUND' | null } = {}): Record<string, unknown> {
  return {
    summaryVersion: '2019-07-28',
    envelope: { mailFrom: { address: over.from ?? 'someone@partner.example' }, recipients: (over.to ?? ['ana@example.com', 'bo@example.com']).map((address) => ({ address })) },
    subject: 'Hello',
    messageId,
    invocationId: 'f'.repeat(40),
    ...(over.direction === null ? {} : { flowDirection: over.direction ?? 'INBOUND' }),
    truncated: false,
  };
}

/** A fresh message id (the Message Flow id pattern: a UUID). */
export const newId = (): string => randomUUID();

/** What WorkMail does with `answer`, per recipient (the fallback is MOVE_TO_JUNK so that it stands out). */
export function dispositions(raw: Record<string, unknown>, answer: unknown): Record<string, WorkMailAction> {
  return resolveDispositions(parseEvent(raw), answer, { fallbackAction: FALLBACK, direction: 'INBOUND' });
}

/** The same action for every recipient of `raw`. */
export function everyone(raw: Record<string, unknown>, action: WorkMailAction): Record<string, WorkMailAction> {
  const recipients = (raw.envelope as { recipients: { address: string }[] }).recipients;
  return Object.fromEntries(recipients.map((r) => [r.address, action]));
}

/** A log sink for the `log` option. */
export function logSink(): { entries: HandlerLogEntry[]; log: (e: HandlerLogEntry) => void } {
  const entries: HandlerLogEntry[] = [];
  return { entries, log: (e) => void entries.push(e) };
}
