import { decodeHeaderText, encodeHeaderText, HeaderBlock } from './headers';
import type { MimePart, MimeTransform, PartDecision, TransformRun } from './types';

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

/** Options of `addDisclaimer`. At least one of `text` and `html` is required. */
export interface DisclaimerOptions {
  /** Appended (after an empty line) to the first text/plain body part that is not an attachment. @default no text disclaimer */
  readonly text?: string;
  /** Inserted before `</body>` (else appended) in the first text/html body part that is not an attachment. HTML, not escaped. @default no HTML disclaimer */
  readonly html?: string;
}

/**
 * Appends a disclaimer to the first text/plain and the first text/html body part (attachments excluded),
 * wherever they sit (single part, multipart/alternative, multipart/mixed), in the part's own charset and
 * transfer encoding (UTF-8 when the charset cannot carry the text; quoted-printable when 7bit would no
 * longer hold).
 */
export function addDisclaimer(options: DisclaimerOptions): MimeTransform {
  const { text, html } = options;
  if ((text === undefined || text === '') && (html === undefined || html === '')) {
    throw new TypeError('addDisclaimer: give `text`, `html` or both (both are empty)');
  }
  return {
    description: 'addDisclaimer',
    start(): TransformRun {
      let textDone = !text;
      let htmlDone = !html;
      return {
        part(part: MimePart): PartDecision | undefined {
          if (part.isAttachment || part.inEmbeddedMessage) return undefined;
          if (!textDone && part.contentType === 'text/plain') {
            textDone = true;
            return { kind: 'edit', edit: (body) => appendText(body, text!) };
          }
          if (!htmlDone && part.contentType === 'text/html') {
            htmlDone = true;
            return { kind: 'edit', edit: (body) => insertHtml(body, html!) };
          }
          return undefined;
        },
      };
    },
  };
}

function appendText(body: string, text: string): string {
  const sep = body === '' ? '' : /\r?\n$/.test(body) ? '\r\n' : '\r\n\r\n';
  return `${body}${sep}${text}\r\n`;
}

function insertHtml(body: string, html: string): string {
  const at = body.toLowerCase().lastIndexOf('</body>');
  if (at === -1) return `${body}${/\r?\n$/.test(body) || body === '' ? '' : '\r\n'}${html}\r\n`;
  return `${body.slice(0, at)}${html}\r\n${body.slice(at)}`;
}

/**
 * Prefixes the message's Subject (e.g. `[EXTERNAL]`), RFC 2047-encoding it when the prefix or the subject
 * is not ASCII. Idempotent: a subject that already contains the prefix (e.g. a reply `Re: [EXTERNAL] ...`)
 * is left alone. A message without a Subject gets one holding the prefix.
 */
export function tagSubject(prefix: string): MimeTransform {
  if (prefix.trim() === '' || /[\r\n]/.test(prefix)) {
    throw new TypeError(`tagSubject: the prefix must be non-empty text on one line, got ${JSON.stringify(prefix)}`);
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
    throw new TypeError(`setHeader: ${JSON.stringify(name)} is not a header field name (printable ASCII, no colon or space)`);
  }
  if (isProtectedHeader(name)) {
    throw new TypeError(`setHeader: ${name} cannot be changed (WorkMail keeps it immutable or it carries the message's structure); protected: ${PROTECTED_HEADERS.join(', ')}`);
  }
  if (/[\r\n]/.test(value)) throw new TypeError(`setHeader: the value of ${name} must be one line, got ${JSON.stringify(value)}`);
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
export type AttachmentInfo = Pick<MimePart, 'filename' | 'contentType' | 'size' | 'disposition' | 'path'>;

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
}

/**
 * Removes attachments (leaf parts with an attachment disposition or a filename, never the message's own
 * body) and puts a short text/plain note in each one's place.
 */
export function stripAttachments(options: StripAttachmentsOptions = {}): MimeTransform {
  const { when, maxBytes } = options;
  if (maxBytes !== undefined && !(Number.isInteger(maxBytes) && maxBytes >= 0)) {
    throw new RangeError(`stripAttachments: maxBytes must be a whole number of bytes >= 0, got ${maxBytes}`);
  }
  const note = options.note ?? defaultNote;
  const match = when ?? (maxBytes === undefined ? () => true : () => false);
  return {
    description: 'stripAttachments',
    start: () => ({
      part(part: MimePart): PartDecision | undefined {
        if (!part.isAttachment) return undefined;
        const info: AttachmentInfo = { filename: part.filename, contentType: part.contentType, size: part.size, disposition: part.disposition, path: part.path };
        if (match(info)) return { kind: 'strip', note: note(info) };
        if (maxBytes !== undefined) return { kind: 'stripIfLarger', maxBytes, note: note(info) };
        return undefined;
      },
    }),
  };
}

function defaultNote(part: AttachmentInfo): string {
  return `The attachment ${part.filename !== undefined ? `${JSON.stringify(part.filename)} ` : ''}(${part.contentType}) was removed.`;
}

/**
 * One transform made of several, applied in order: header changes one after the other; for a part, a
 * removal wins over a size-held removal, which wins over body edits; body edits are chained.
 */
export function compose(...transforms: MimeTransform[]): MimeTransform {
  return {
    description: `compose(${transforms.map((t) => t.description).join(', ')})`,
    start(): TransformRun {
      const runs = transforms.map((t) => t.start());
      return {
        headers(part, headers): void {
          for (const run of runs) run.headers?.(part, headers);
        },
        part(part): PartDecision | undefined {
          const decisions: PartDecision[] = [];
          for (const run of runs) {
            const d = run.part?.(part);
            if (d) decisions.push(d);
          }
          return combine(decisions);
        },
      };
    },
  };
}

function combine(decisions: PartDecision[]): PartDecision | undefined {
  if (decisions.length <= 1) return decisions[0];
  const strip = decisions.find((d) => d.kind === 'strip');
  if (strip) return strip;
  const holds = decisions.filter((d): d is Extract<PartDecision, { kind: 'stripIfLarger' }> => d.kind === 'stripIfLarger');
  if (holds.length) return holds.reduce((a, b) => (b.maxBytes < a.maxBytes ? b : a));
  const edits = decisions.filter((d): d is Extract<PartDecision, { kind: 'edit' }> => d.kind === 'edit').map((d) => d.edit);
  return { kind: 'edit', edit: (text, part) => edits.reduce((t, e) => e(t, part), text) };
}
