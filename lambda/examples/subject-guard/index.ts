/**
 * Example WorkMail handler deployed by bin/app.ts, written on the runtime toolkit
 * (`cdk-workmail-lambda/runtime`; imported by path here because it lives in this package).
 *
 * Inbound (synchronous rule): bounces a message whose subject matches BLOCKED_SUBJECT (a regular
 * expression, case-insensitive) and delivers everything else as usual. Older events without
 * flowDirection are answered the same way: DEFAULT and BOUNCE are valid in both directions.
 * Outbound (asynchronous rule): logs one JSON line per message for metrics; WorkMail ignores the answer.
 */
import { SyncResponse, parseEvent, withDeadline } from '../../runtime';
import type { WorkMailSyncResponse } from '../../runtime';

export const BOUNCE_MESSAGE = "This message was rejected by the organization's mail policy.";

const blocked = process.env.BLOCKED_SUBJECT ? new RegExp(process.env.BLOCKED_SUBJECT, 'i') : undefined;

/** Deliver as usual: the answer when the handler runs out of time (WorkMail would otherwise retry). */
function deliver(): WorkMailSyncResponse {
  return { actions: [{ action: { type: 'DEFAULT' }, allRecipients: true }] };
}

export const handler = withDeadline(async (input: unknown): Promise<WorkMailSyncResponse | undefined> => {
  const event = parseEvent(input);
  if (event.flowDirection === 'OUTBOUND') {
    console.log(JSON.stringify({
      metric: 'outbound-message',
      invocationId: event.invocationId,
      recipients: event.envelope.recipients.length,
      truncated: event.truncated,
    }));
    return undefined;
  }
  const response = SyncResponse.forEvent(event);
  return (blocked?.test(event.subject) ? response.bounce(BOUNCE_MESSAGE) : response.defaultAction()).build();
}, { onTimeout: deliver });
