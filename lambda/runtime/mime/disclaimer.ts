/**
 * `addDisclaimer`: a disclaimer at the end of the message's text and HTML body, once (a retry that reads its
 * own output adds nothing), never inside signed or encrypted content.
 */
import { WorkMailConfigurationError } from '../errors';
import { htmlInsertion } from './html';
import type { MessageDecision, MimePart, MimeTransform, PartDecision, TransformRun } from './types';

/** What `addDisclaimer` does with signed or encrypted mail (a change there would break the signature). */
export type SignedDisclaimerMode =
  /** Leave signed and encrypted content as it is; `RewriteReport.left` says that the disclaimer was not added. */
  | 'leave'
  /**
   * A message whose content is signed or encrypted as a whole becomes a multipart/mixed: the disclaimer part
   * first, then the original content byte for byte, its signature still valid (readers show the signature
   * for that part). Signed parts deeper in a message are left as with `leave`.
   */
  | 'wrap';

/** Options of `addDisclaimer`. At least one of `text` and `html` is required. */
export interface DisclaimerOptions {
  /** Appended (after an empty line) to the first text/plain body part that is not an attachment. @default no text disclaimer */
  readonly text?: string;
  /**
   * Inserted before the real end of the first text/html body part that is not an attachment: before its last
   * `</body>` end tag (not one inside a comment, script, style or attribute value), else at its end. HTML, not
   * escaped. @default no HTML disclaimer
   */
  readonly html?: string;
  /** Signed and encrypted mail: `leave` it as it is, or `wrap` it. @default 'leave' */
  readonly signed?: SignedDisclaimerMode;
}

/**
 * Appends a disclaimer to the first text/plain and the first text/html body part (attachments excluded),
 * wherever they sit (single part, multipart/alternative, multipart/mixed), in the part's own charset and
 * transfer encoding (UTF-8 when the charset cannot carry the text; quoted-printable when 7bit would no
 * longer hold). Idempotent: a part that already ends with the disclaimer is left as it is.
 *
 * @throws WorkMailConfigurationError `INVALID_OPTION` when neither `text` nor `html` is given, or `signed` is not `leave` or `wrap`
 */
export function addDisclaimer(options: DisclaimerOptions): MimeTransform {
  const { text, html } = options;
  const signed = options.signed ?? 'leave';
  if ((text === undefined || text === '') && (html === undefined || html === '')) {
    throw new WorkMailConfigurationError('INVALID_OPTION', 'addDisclaimer: give `text`, `html` or both (both are empty)');
  }
  if (signed !== 'leave' && signed !== 'wrap') {
    throw new WorkMailConfigurationError('INVALID_OPTION', `addDisclaimer: signed must be 'leave' or 'wrap', got ${JSON.stringify(signed)}`);
  }
  const leave: PartDecision = { kind: 'leave', reason: `the disclaimer was not added: the part is signed or encrypted (addDisclaimer signed: '${signed}')` };
  return {
    description: 'addDisclaimer',
    start(): TransformRun {
      let textDone = !text;
      let htmlDone = !html;
      return {
        message(part: MimePart): MessageDecision | undefined {
          const whole = part.protection || part.contentType === 'multipart/signed' || part.contentType === 'multipart/encrypted';
          if (signed !== 'wrap' || !whole) return undefined;
          textDone = htmlDone = true;
          return { kind: 'wrap', ...(text ? { text } : {}), ...(html ? { html } : {}) };
        },
        part(part: MimePart): PartDecision | undefined {
          // A message signed or encrypted as a whole (S/MIME application/pkcs7-mime): reported, as it has no text we may touch.
          if (part.path.length === 0 && part.protection && !(textDone && htmlDone)) return leave;
          if (part.isAttachment || part.inEmbeddedMessage) return undefined;
          const wants = (!textDone && part.contentType === 'text/plain') || (!htmlDone && part.contentType === 'text/html');
          if (!wants) return undefined;
          // Signed content is reported and skipped: a later body part outside it may take the disclaimer.
          if (part.protection) return leave;
          if (part.contentType === 'text/plain') {
            textDone = true;
            return { kind: 'edit', edit: (body) => appendText(body, text!) };
          }
          htmlDone = true;
          return { kind: 'edit', edit: (body) => insertHtml(body, html!) };
        },
      };
    },
  };
}

const lines = (s: string): string => s.replace(/\r\n?/g, '\n').trimEnd();

/** The text after an empty line, unless the body ends with it already. */
export function appendText(body: string, text: string): string {
  if (lines(body).endsWith(lines(text))) return body;
  const sep = body === '' ? '' : /\r?\n$/.test(body) ? '\r\n' : '\r\n\r\n';
  return `${body}${sep}${text}\r\n`;
}

/** The HTML at the real end of the body (see ./html), unless it is there already. */
export function insertHtml(body: string, html: string): string {
  const { at, prefix } = htmlInsertion(body);
  if (lines(body.slice(0, at)).endsWith(lines(html))) return body;
  const before = body.slice(0, at);
  const sep = prefix === '' && at === body.length && before !== '' && !/\r?\n$/.test(before) ? '\r\n' : '';
  return `${before}${prefix}${sep}${html}\r\n${body.slice(at)}`;
}
