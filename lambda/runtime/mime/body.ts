import { MAX_LINE_TEXT_OCTETS } from '../../rules/message-content';
import { charsets, iconv, libbase64, libqp } from './libs';
import { buildStructured, HeaderBlock, parseStructured } from './headers';

// libmime's charset module decodes what iconv-lite cannot alone (ISO-2022-JP via encoding-japanese) and
// normalises charset names; libqp / libbase64 do the transfer encodings; iconv-lite encodes charsets.
// All loaded on first use (./libs), so that importing the runtime does not load them.
/** The decoded text of a text part, and how to put an edited text back in the part's own encodings. */
export interface TextBody {
  readonly text: string;
  /** False when some bytes are not valid in the declared charset: the text holds U+FFFD in their place. */
  readonly lossless: boolean;
  readonly charset: string;
  readonly transferEncoding: string;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes a text part's body (transfer encoding, then charset). */
export function decodeText(body: Buffer, charset: string | undefined, transferEncoding: string): TextBody {
  let bytes: Buffer;
  if (transferEncoding === 'base64') bytes = Buffer.from(body.toString('latin1'), 'base64');
  else if (transferEncoding === 'quoted-printable') bytes = libqp().decode(body.toString('latin1'));
  else bytes = body;
  // Decoding goes by libmime's WHATWG-style names (ISO-8859-1 read as windows-1252, as mail clients do);
  // encoding back goes by the declared name, so the bytes always match the label.
  const declared = (charset ?? 'us-ascii').trim().toLowerCase();
  if (/^(us-ascii|ascii|utf-?8)$/.test(declared)) {
    try {
      return { text: UTF8.decode(bytes), lossless: true, charset: declared, transferEncoding };
    } catch {
      return { text: bytes.toString('utf8'), lossless: false, charset: declared, transferEncoding };
    }
  }
  const text = charsets().decode(bytes, charsets().normalizeCharset(declared));
  // A byte the charset has no character for decodes to U+FFFD (no charset of ours encodes U+FFFD itself).
  return { text, lossless: !text.includes('\ufffd'), charset: declared, transferEncoding };
}

/**
 * Encodes edited text back into the part: the part's charset when it can carry the text (else UTF-8), the
 * part's transfer encoding when it is base64 or quoted-printable; 7bit/8bit/binary/none stays as it is only
 * when the result is 7-bit with lines of at most 998 bytes, else it becomes quoted-printable. The part's
 * Content-Type charset and Content-Transfer-Encoding are updated when they change.
 */
export function encodeText(text: string, original: TextBody, headers: HeaderBlock): Buffer {
  const canonical = text.replace(/\r?\n/g, '\r\n');
  let charset = original.charset;
  let bytes: Buffer | undefined;
  if (!/^(us-ascii|ascii)$/i.test(charset) || /[^\x00-\x7f]/.test(canonical)) {
    if (/^utf-?8$/i.test(charset)) bytes = Buffer.from(canonical, 'utf8');
    else if (iconv().encodingExists(charset)) {
      const encoded = iconv().encode(canonical, charset);
      if (iconv().decode(encoded, charset) === canonical) bytes = encoded;
    }
    if (!bytes && /^(us-ascii|ascii)$/i.test(charset) && !/[^\x00-\x7f]/.test(canonical)) bytes = Buffer.from(canonical, 'latin1');
    if (!bytes) {
      // The part's charset cannot carry the new text (or iconv-lite cannot encode it): UTF-8 can.
      charset = 'utf-8';
      bytes = Buffer.from(canonical, 'utf8');
      const ct = parseStructured(headers.get('content-type') ?? 'text/plain');
      headers.set('Content-Type', buildStructured(ct.value || 'text/plain', { ...ct.params, charset: 'utf-8' }));
    }
  } else {
    bytes = Buffer.from(canonical, 'latin1');
  }

  let cte = original.transferEncoding;
  if (cte !== 'base64' && cte !== 'quoted-printable') {
    if (!is7bitShortLines(bytes)) {
      cte = 'quoted-printable';
      headers.set('Content-Transfer-Encoding', 'quoted-printable');
    }
  }
  // A line of ours that starts with "--" could be read as a boundary line of the multipart around it
  // (RFC 2046 5.1.1): 7bit text with one becomes quoted-printable, where the dash is written =2D.
  if (cte !== 'base64' && cte !== 'quoted-printable' && hasDashLine(bytes)) {
    cte = 'quoted-printable';
    headers.set('Content-Transfer-Encoding', 'quoted-printable');
  }
  if (cte === 'base64') return Buffer.from(libbase64().wrap(libbase64().encode(bytes), 76), 'latin1');
  if (cte === 'quoted-printable') return encodeQp(bytes);
  return bytes;
}

/** Quoted-printable at 76 columns (libqp), with no line starting with "-" (written =2D). */
export function encodeQp(bytes: Buffer): Buffer {
  const qp = libqp().wrap(libqp().encode(bytes), 76).replace(/(^|\n)-/g, '$1=2D');
  return Buffer.from(qp, 'latin1');
}

/** Whether a line of `bytes` starts with "--" (it could be taken for a boundary line). */
export function hasDashLine(bytes: Buffer): boolean {
  for (let i = bytes.indexOf('--'); i !== -1; i = bytes.indexOf('--', i + 1)) {
    if (i === 0 || bytes[i - 1] === 10 || bytes[i - 1] === 13) return true;
  }
  return false;
}

function is7bitShortLines(bytes: Buffer): boolean {
  let lineStart = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b > 127 || b === 0) return false;
    if (b === 10) {
      // The line's text and its CR (i is the LF).
      if (i - lineStart > MAX_LINE_TEXT_OCTETS + 1) return false;
      lineStart = i + 1;
    }
  }
  return bytes.length - lineStart <= MAX_LINE_TEXT_OCTETS;
}
