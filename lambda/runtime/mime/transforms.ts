import { WorkMailConfigurationError } from '../errors';
import { decodeHeaderText, encodeHeaderText, HeaderBlock } from './headers';
import type { MimePart, MimeTransform, PartDecision } from './types';

/**
 * Headers `setHeader` refuses. WorkMail's PutRawMessageContent rejects a message whose "immutable headers"
 * changed without naming them; this list is our reading of that: the RFC 5322 originator (From, Sender),
 * destination (To, Cc, Bcc), identification (Message-ID, In-Reply-To, References), date and trace fields
 * (Return-Path, Received, Resent-*), signatures a change would break (DKIM-Signature, ARC-*), and every
 * header that describes the body's structure (MIME-Version, Content-*): changing those without the body
 * breaks the message. Compared case-insensitively; `Resent-`, `ARC-` and `Content-` are prefixes.
 */
export const PROTECTED_HEADERS: readonly string[] = [
  'date', 'from', 'sender', 'to', 'cc', 'bcc', 'message-id', 'in-reply-to', 'references',
  'return-path', 'received', 'resent-*', 'dkim-signature', 'arc-*', 'mime-version', 'content-*',
];

/** Whether `setHeader` refuses this header name. */
export function isProtectedHeader(name: string): boolean {
  const key = name.toLowerCase();
  return PROTECTED_HEADERS.some((p) => (p.endsWith('*') ? key.startsWith(p.slice(0, -1)) : key === p));
}

/**
 * Prefixes the message's Subject (e.g. `[EXTERNAL]`), RFC 2047-encoding it when the prefix or the subject
 * is not ASCII. Idempotent: a subject that already contains the prefix (e.g. a reply `Re: [EXTERNAL] ...`)
 * is left alone. A message without a Subject gets one holding the prefix.
 */
export function tagSubject(prefix: string): MimeTransform {
  if (typeof prefix !== 'string' || prefix.trim() === '' || /[\r\n]/.test(prefix)) {
    throw new WorkMailConfigurationError('INVALID_OPTION', `tagSubject: the prefix must be non-empty text on one line, got ${JSON.stringify(prefix)}`);
  }
  const needle = prefix.trim();
  return {
    description: `tagSubject(${JSON.stringify(prefix)})`,
    start: () => ({
      headers(part: MimePart, headers: HeaderBlock): void {
        if (part.path.length !== 0) return;
        const raw = headers.get('subject');
        const decoded = raw === undefined ? '' : decodeHeaderText(raw);
        if (decoded.includes(needle)) return;
        const sep = decoded === '' || /\s$/.test(prefix) ? '' : ' ';
        // eslint-disable-next-line no-control-regex
        const asciiOnly = /^[\x20-\x7e]*$/;
        if (raw !== undefined && asciiOnly.test(prefix) && asciiOnly.test(raw)) {
          // Keep the subject's own encoding (encoded words in any charset) and prepend the ASCII prefix.
          headers.set('Subject', `${prefix}${sep}${raw}`);
        } else {
          headers.set('Subject', encodeHeaderText(`${prefix}${sep}${decoded}`));
        }
      },
    }),
  };
}

/**
 * Sets a header of the message (not of its parts): the first field of that name is replaced, repeats are
 * removed, and it is added when absent. Non-ASCII values are RFC 2047-encoded. Refuses the headers in
 * `PROTECTED_HEADERS`, names that are not RFC 5322 field names, and values with line breaks.
 */
export function setHeader(name: string, value: string): MimeTransform {
  if (!/^[\x21-\x39\x3b-\x7e]+$/.test(name)) {
    throw new WorkMailConfigurationError('INVALID_OPTION', `setHeader: ${JSON.stringify(name)} is not a header field name (printable ASCII, no colon or space)`);
  }
  if (isProtectedHeader(name)) {
    throw new WorkMailConfigurationError('INVALID_OPTION', `setHeader: ${name} cannot be changed (WorkMail keeps it immutable or it carries the message's structure); protected: ${PROTECTED_HEADERS.join(', ')}`);
  }
  if (typeof value !== 'string' || /[\r\n]/.test(value)) throw new WorkMailConfigurationError('INVALID_OPTION', `setHeader: the value of ${name} must be one line, got ${JSON.stringify(value)}`);
  return {
    description: `setHeader(${name})`,
    start: () => ({
      headers(part: MimePart, headers: HeaderBlock): void {
        if (part.path.length === 0) headers.set(name, encodeHeaderText(value));
      },
    }),
  };
}

/** What `StripAttachmentsOptions.when` learns about an attachment. */
export type AttachmentInfo = Pick<MimePart, 'filename' | 'contentType' | 'size' | 'disposition' | 'path' | 'protection'>;

/** What `stripAttachments` does with a matching attachment inside signed or encrypted content. */
export type SignedStripMode =
  /** Leave it (the signature stays valid); `RewriteReport.left` names it. */
  | 'leave'
  /** Remove it like any other, knowingly breaking the signature. */
  | 'strip';

/** Options of `stripAttachments`. */
export interface StripAttachmentsOptions {
  /**
   * Which attachments to remove, judged from their headers. `size` is the declared size (Content-Disposition
   * `size`), when the sender gave one.
   * @default every attachment when `maxBytes` is not set; none (only `maxBytes` decides) when it is
   */
  readonly when?: (part: AttachmentInfo) => boolean;
  /** Also remove attachments whose body, as transferred (encoded), is larger than this; each is held back until it is. @default no size limit */
  readonly maxBytes?: number;
  /** The text of the note that replaces an attachment. @default `The attachment "<name>" (<type>) was removed.` */
  readonly note?: (part: AttachmentInfo) => string;
  /** A matching attachment inside signed or encrypted content: `leave` it (and report it), or `strip` it. @default 'leave' */
  readonly signed?: SignedStripMode;
}

/**
 * Removes attachments (leaf parts with an attachment disposition or a filename, never the message's own
 * body) and puts a short text/plain note in each one's place.
 */
export function stripAttachments(options: StripAttachmentsOptions = {}): MimeTransform {
  const { when, maxBytes } = options;
  if (maxBytes !== undefined && !(Number.isInteger(maxBytes) && maxBytes >= 0)) {
    throw new WorkMailConfigurationError('INVALID_OPTION', `stripAttachments: maxBytes must be a whole number of bytes >= 0, got ${maxBytes}`);
  }
  const signed = options.signed ?? 'leave';
  if (signed !== 'leave' && signed !== 'strip') {
    throw new WorkMailConfigurationError('INVALID_OPTION', `stripAttachments: signed must be 'leave' or 'strip', got ${JSON.stringify(signed)}`);
  }
  const note = options.note ?? defaultNote;
  const match = when ?? (maxBytes === undefined ? () => true : () => false);
  return {
    description: 'stripAttachments',
    start: () => ({
      part(part: MimePart): PartDecision | undefined {
        if (!part.isAttachment) return undefined;
        const info: AttachmentInfo = { filename: part.filename, contentType: part.contentType, size: part.size, disposition: part.disposition, path: part.path, protection: part.protection };
        const keep = part.protection !== undefined && signed === 'leave';
        const reason = `a matching attachment in ${part.protection} content was left (stripAttachments signed: 'leave')`;
        if (match(info)) return keep ? { kind: 'leave', reason } : { kind: 'strip', note: note(info) };
        if (maxBytes !== undefined) return keep ? { kind: 'leave', reason: `${reason}, its body over ${maxBytes} bytes`, maxBytes } : { kind: 'stripIfLarger', maxBytes, note: note(info) };
        return undefined;
      },
    }),
  };
}

function defaultNote(part: AttachmentInfo): string {
  return `The attachment ${part.filename !== undefined ? `${JSON.stringify(part.filename)} ` : ''}(${part.contentType}) was removed.`;
}
