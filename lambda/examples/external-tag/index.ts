/**
 * Example WorkMail handler deployed by bin/app.ts that updates messages (synchronous inbound rule):
 * `subjectTagHandler` from the runtime (imported by path here because it lives in this package).
 *
 * A message whose envelope sender is outside INTERNAL_DOMAINS (comma-separated) gets its Subject prefixed
 * with SUBJECT_TAG (default `[EXTERNAL]`), then is delivered as usual. A message that cannot be updated
 * (not MIME, MessageFrozen, ...) is delivered unchanged and logged; throttling and other passing failures
 * are thrown, so that WorkMail retries (docs/handlers.md).
 */
import { subjectTagHandler } from '../../runtime/handlers';

export const handler = subjectTagHandler({
  prefix: process.env.SUBJECT_TAG || '[EXTERNAL]',
  internalDomains: (process.env.INTERNAL_DOMAINS ?? '').split(','),
});
