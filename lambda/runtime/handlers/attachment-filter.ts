import { WorkMailConfigurationError } from '../errors';
import type { WorkMailLambdaEvent } from '../invocation/event';
import { MimeRewriteError } from '../mime/errors';
import { inspect } from '../mime/inspect';
import type { InspectedPart } from '../mime/inspect';
import { stripAttachments } from '../mime/transforms';
import type { AttachmentInfo } from '../mime/transforms';
import type { MimePart } from '../mime/types';
import { SyncResponse } from '../invocation/response';
import type { WorkMailSyncResponse } from '../invocation/validate';
import { deliver, syncHandler, withOptions } from './common';
import type { SyncHandler, SyncHandlerOptions } from './common';

/** What `attachmentFilterHandler` does with a message that carries a matching attachment. */
export type AttachmentFilterAction = 'drop' | 'bounce' | 'strip';

/**
 * What a matching attachment inside signed or encrypted content gets (removing it breaks the signature):
 * `strip` it anyway (action `strip` only), `drop` or `bounce` the message, or `deliver` it as it is.
 */
export type SignedAttachmentAction = 'strip' | 'drop' | 'bounce' | 'deliver';

/** Options of `attachmentFilterHandler`. At least one of `extensions`, `contentTypes`, `maxBytes`, `when` is required. */
export interface AttachmentFilterHandlerOptions extends SyncHandlerOptions {
  /**
   * `drop`: answer DROP for every recipient; `bounce`: answer BOUNCE with `bounceMessage`; both without
   * changing the message. `strip`: remove the matching attachments (each replaced by a short note), put the
   * message back and answer DEFAULT (needs grantWriteMessageContent()).
   */
  readonly action: AttachmentFilterAction;
  /** File name extensions that match, without regard to case, with or without the dot (`exe`, `.js`). @default none */
  readonly extensions?: readonly string[];
  /** Content types that match, without regard to case: `application/x-msdownload`, or `type/*`. @default none */
  readonly contentTypes?: readonly string[];
  /**
   * Attachments whose body as transferred (base64 is about 4/3 of the file) is larger than this many bytes
   * match. For `drop`/`bounce` the whole message is scanned (bodies counted, not decoded); for `strip` each
   * attachment is held back, at most this many bytes, until its size is known.
   * @default no size limit
   */
  readonly maxBytes?: number;
  /** A test of your own on the attachment's headers; true matches. @default none */
  readonly when?: (attachment: AttachmentInfo) => boolean;
  /**
   * The bounce text for `bounce`.
   * @default 'This message was not delivered because it carries an attachment the organization does not accept.'
   */
  readonly bounceMessage?: string;
  /** For `strip`: the text that replaces a removed attachment. @default `The attachment "<name>" (<type>) was removed.` */
  readonly note?: (attachment: AttachmentInfo) => string;
  /**
   * A matching attachment inside signed or encrypted content (multipart/signed, S/MIME, PGP/MIME): `strip`
   * it and break the signature knowingly (action `strip` only), `drop` or `bounce` the message (its
   * signature intact, not delivered), or `deliver` it unchanged. Signing is open to anyone: `deliver`
   * lets such attachments through.
   * @default the action for `drop` and `bounce`; 'bounce' for `strip`
   */
  readonly signed?: SignedAttachmentAction;
}

export const DEFAULT_ATTACHMENT_BOUNCE_MESSAGE = 'This message was not delivered because it carries an attachment the organization does not accept.';

/**
 * A synchronous handler that drops, bounces or strips messages with attachments of given file types or
 * sizes. Drop and bounce only read the message (one scan: headers and boundaries parsed, bodies counted),
 * and stop at the first attachment that matches by type. Strip rewrites it with `stripAttachments`.
 * Attachments of forwarded messages (message/rfc822 parts) count too. Inside signed or encrypted content,
 * `signed` decides. A message beyond the MIME limits (`MIME_LIMITS`: nesting, parts) is refused, not
 * delivered unread: DROP for `drop`, BOUNCE otherwise (a filter fails closed).
 *
 * @throws WorkMailConfigurationError (`INVALID_OPTION`) at once for an unknown action, no criterion, a bad
 *   `maxBytes`, an empty bounce message, or a `safeAction` that is not a valid answer
 */
export function attachmentFilterHandler(options: AttachmentFilterHandlerOptions): SyncHandler {
  const { action, maxBytes } = options;
  if (action !== 'drop' && action !== 'bounce' && action !== 'strip') {
    throw new WorkMailConfigurationError('INVALID_OPTION', `attachmentFilterHandler: action must be 'drop', 'bounce' or 'strip', got ${JSON.stringify(action)}`);
  }
  if (maxBytes !== undefined && !(Number.isInteger(maxBytes) && maxBytes >= 0)) {
    throw new WorkMailConfigurationError('INVALID_OPTION', `attachmentFilterHandler: maxBytes must be a whole number of bytes >= 0, got ${maxBytes}`);
  }
  const extensions = (options.extensions ?? []).map((e) => e.trim().toLowerCase().replace(/^\./, '')).filter(Boolean);
  const contentTypes = (options.contentTypes ?? []).map((t) => t.trim().toLowerCase()).filter(Boolean);
  if (!extensions.length && !contentTypes.length && maxBytes === undefined && !options.when) {
    throw new WorkMailConfigurationError('INVALID_OPTION', 'attachmentFilterHandler: give at least one of extensions, contentTypes, maxBytes or when (nothing would match)');
  }
  const bounceMessage = options.bounceMessage ?? DEFAULT_ATTACHMENT_BOUNCE_MESSAGE;
  if (action === 'bounce' && bounceMessage.trim() === '') throw new WorkMailConfigurationError('INVALID_OPTION', 'attachmentFilterHandler: bounceMessage must not be empty');

  const byType = (a: AttachmentInfo): boolean => {
    const name = a.filename?.toLowerCase() ?? '';
    const dot = name.lastIndexOf('.');
    if (dot !== -1 && extensions.includes(name.slice(dot + 1).trim())) return true;
    const type = a.contentType.toLowerCase();
    if (contentTypes.some((t) => (t.endsWith('/*') ? type.startsWith(t.slice(0, -1)) : type === t))) return true;
    return options.when?.(a) ?? false;
  };
  const info = (p: MimePart): AttachmentInfo => ({ filename: p.filename, contentType: p.contentType, size: p.size, disposition: p.disposition, path: p.path, protection: p.protection });
  const describe = (p: MimePart | InspectedPart) => ({
    path: p.path.join('.'), contentType: p.contentType, ...(p.filename !== undefined ? { filename: p.filename } : {}),
    ...('bodyBytes' in p ? { bodyBytes: p.bodyBytes } : {}),
  });
  const signed: SignedAttachmentAction = options.signed ?? (action === 'strip' ? 'bounce' : action);
  if (!['strip', 'drop', 'bounce', 'deliver'].includes(signed) || (signed === 'strip' && action !== 'strip')) {
    throw new WorkMailConfigurationError('INVALID_OPTION', `attachmentFilterHandler: signed must be 'drop', 'bounce' or 'deliver' (or 'strip' with action 'strip'), got ${JSON.stringify(signed)}`);
  }
  const strip = action === 'strip'
    ? withOptions('attachmentFilterHandler', () => stripAttachments({ when: byType, ...(maxBytes !== undefined ? { maxBytes } : {}), ...(options.note ? { note: options.note } : {}), signed: signed === 'strip' ? 'strip' : 'leave' }))
    : undefined;
  const refuse = (event: WorkMailLambdaEvent, how: 'drop' | 'bounce'): WorkMailSyncResponse => {
    const response = SyncResponse.forEvent(event);
    return (how === 'drop' ? response.drop() : response.bounce(bounceMessage)).build();
  };

  return syncHandler('attachmentFilterHandler', options, async (event, tools) => {
    try {
      if (strip) {
        // A matching attachment left in signed content: the message is put back only when it is to be delivered.
        const refuseSigned = signed === 'drop' || signed === 'bounce';
        const report = await tools.rewriteMessage([strip], (r) => !(refuseSigned && r.left.length));
        const { changes, warnings, left } = report;
        if (refuseSigned && left.length) {
          tools.log({ level: 'info', outcome: signed === 'drop' ? 'dropped' : 'bounced', reason: 'a matching attachment in signed or encrypted content', left });
          return refuse(event, signed);
        }
        tools.log({ level: 'info', outcome: changes.length ? 'stripped' : 'unchanged', changes, ...(left.length ? { left } : {}), ...(warnings.length ? { warnings } : {}) });
        return deliver(event);
      }
      const matches = (p: MimePart): boolean => p.isAttachment && byType(info(p)) && !(p.protection && signed === 'deliver');
      const scan = await inspect(await tools.readMessage(), { stopAt: matches });
      const found = scan.stoppedAt ?? scan.parts.find((p) => p.isAttachment && maxBytes !== undefined && p.bodyBytes > maxBytes && !(p.protection && signed === 'deliver'));
      if (!found) {
        tools.log({ level: 'info', outcome: 'delivered', attachments: scan.parts.filter((p) => p.isAttachment).length });
        return deliver(event);
      }
      const how = found.protection ? (signed as 'drop' | 'bounce') : (action as 'drop' | 'bounce');
      tools.log({ level: 'info', outcome: how === 'drop' ? 'dropped' : 'bounced', attachment: describe(found) });
      return refuse(event, how);
    } catch (error) {
      if (!(error instanceof MimeRewriteError && error.code === 'LIMIT')) throw error;
      // Too deep or too wide to read: it is not delivered unread.
      tools.log({ level: 'warn', outcome: action === 'drop' ? 'dropped' : 'bounced', reason: error.message });
      return refuse(event, action === 'drop' ? 'drop' : 'bounce');
    }
  });
}
