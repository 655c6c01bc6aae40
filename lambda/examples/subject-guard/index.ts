/**
 * Example WorkMail handler deployed by bin/app.ts.
 *
 * Inbound (synchronous rule): bounces a message whose subject matches BLOCKED_SUBJECT (a regular
 * expression, case-insensitive) and delivers everything else as usual.
 * Outbound (asynchronous rule): logs one JSON line per message for metrics; WorkMail ignores the answer.
 */

/** The Run Lambda event WorkMail sends (summaryVersion 2018-10-10 and 2019-07-28). */
interface WorkMailEvent {
  readonly summaryVersion: string;
  readonly envelope: { readonly mailFrom: { readonly address: string }; readonly recipients: { readonly address: string }[] };
  readonly sender?: { readonly address: string };
  readonly subject: string;
  readonly messageId: string;
  /** Absent from some 2018-10-10 events. */
  readonly invocationId?: string;
  /** Absent from some 2018-10-10 events (those came from inbound rules only). */
  readonly flowDirection?: 'INBOUND' | 'OUTBOUND';
  readonly truncated: boolean;
}

interface WorkMailAction {
  readonly action: { readonly type: 'DEFAULT' | 'BOUNCE' | 'DROP'; readonly parameters?: { readonly bounceMessage: string } };
  readonly allRecipients?: boolean;
  readonly recipients?: string[];
}

export interface WorkMailResponse {
  readonly actions: WorkMailAction[];
}

const blocked = process.env.BLOCKED_SUBJECT ? new RegExp(process.env.BLOCKED_SUBJECT, 'i') : undefined;

export async function handler(event: WorkMailEvent): Promise<WorkMailResponse | void> {
  if (event.flowDirection === 'OUTBOUND') {
    console.log(JSON.stringify({
      metric: 'outbound-message',
      invocationId: event.invocationId,
      recipients: event.envelope.recipients.length,
      truncated: event.truncated,
    }));
    return;
  }
  if (blocked?.test(event.subject)) {
    return {
      actions: [{ action: { type: 'BOUNCE', parameters: { bounceMessage: 'This message was rejected by the organization\'s mail policy.' } }, allRecipients: true }],
    };
  }
  return { actions: [{ action: { type: 'DEFAULT' }, allRecipients: true }] };
}
