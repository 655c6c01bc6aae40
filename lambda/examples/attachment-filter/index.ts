/**
 * Example WorkMail handler deployed by bin/app.ts (synchronous inbound rule): `attachmentFilterHandler`
 * removes executable and script attachments (BLOCKED_EXTENSIONS, comma-separated) and attachments over
 * MAX_ATTACHMENT_BYTES, puts the message back, and delivers it.
 */
import { attachmentFilterHandler } from '../../runtime/handlers';

export const handler = attachmentFilterHandler({
  action: 'strip',
  extensions: (process.env.BLOCKED_EXTENSIONS ?? 'exe,js,vbs,bat,cmd,scr').split(','),
  maxBytes: process.env.MAX_ATTACHMENT_BYTES ? Number(process.env.MAX_ATTACHMENT_BYTES) : undefined,
});
