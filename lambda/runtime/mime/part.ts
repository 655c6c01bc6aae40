/**
 * Part description: what a transform and `inspect` learn about a part, from its header block and its place
 * in the tree. One function, used by the scanner for every header block.
 */
import { decodeHeaderText, HeaderBlock, parseStructured } from './headers';
import type { MimePart, MimeProtection } from './types';

/** Where a header block sits: what the scanner knows before reading it. */
export interface PartContext {
  readonly path: readonly number[];
  /** The part is a direct child of a multipart/digest (RFC 2046 5.1.5: its default type is message/rfc822). */
  readonly digestChild: boolean;
  readonly inEmbeddedMessage: boolean;
  /** Inherited from a multipart/signed or multipart/encrypted around it. */
  readonly protection?: MimeProtection;
}

const TYPE = /^[^/\s]+\/[^/\s]+$/;

/** Describes a part from its headers. */
export function describePart(headers: HeaderBlock, ctx: PartContext): MimePart {
  const ct = parseStructured(headers.get('content-type'));
  // RFC 2045 5.2: no (or an unreadable) Content-Type is text/plain; RFC 2046 5.1.5: in a digest, message/rfc822.
  const contentType = TYPE.test(ct.value) ? ct.value : ctx.digestChild ? 'message/rfc822' : 'text/plain';
  const disp = parseStructured(headers.get('content-disposition'));
  const rawName = disp.params.filename ?? ct.params.name;
  const filename = rawName !== undefined ? decodeHeaderText(rawName) : undefined;
  const transferEncoding = (headers.get('content-transfer-encoding') ?? '7bit').trim().toLowerCase() || '7bit';
  const declared = Number(disp.params.size);
  const multipart = contentType.startsWith('multipart/');
  return {
    path: ctx.path,
    contentType,
    charset: ct.params.charset,
    filename,
    disposition: disp.value || undefined,
    transferEncoding,
    size: disp.params.size !== undefined && Number.isFinite(declared) && declared >= 0 ? declared : undefined,
    // The message itself too: readers show a message whose only part is a named file as that attachment.
    isAttachment: !multipart && (disp.value === 'attachment' || filename !== undefined),
    inEmbeddedMessage: ctx.inEmbeddedMessage,
    protection: ctx.protection ?? ownProtection(contentType, ct.params),
  };
}

/**
 * What a part's own type makes of its content: S/MIME's application/pkcs7-mime is signed or encrypted as a
 * whole (RFC 8551 3.2: `smime-type`), opaque to a transform.
 */
function ownProtection(contentType: string, params: Record<string, string>): MimeProtection | undefined {
  if (contentType !== 'application/pkcs7-mime' && contentType !== 'application/x-pkcs7-mime') return undefined;
  const kind = (params['smime-type'] ?? '').toLowerCase();
  return kind === 'signed-data' || kind === 'certs-only' ? 'signed' : 'encrypted';
}

/** What a multipart makes of everything inside it (RFC 1847: multipart/signed and multipart/encrypted). */
export function childProtection(part: MimePart): MimeProtection | undefined {
  if (part.protection) return part.protection;
  if (part.contentType === 'multipart/signed') return 'signed';
  if (part.contentType === 'multipart/encrypted') return 'encrypted';
  return undefined;
}

/** A path as the report writes it: `message` for the message itself, else `1.0`. */
export function pathName(path: readonly number[]): string {
  return path.length ? path.join('.') : 'message';
}

/** `type/subtype "name"`, for the report. */
export function describeForLog(part: Pick<MimePart, 'contentType' | 'filename'>): string {
  return `${part.contentType}${part.filename !== undefined ? ` ${JSON.stringify(part.filename)}` : ''}`;
}

/**
 * Every boundary a reader could take from the Content-Type: libmime's (the first `boundary` parameter, RFC
 * 2231 decoded) and each other `boundary=` written in it, so that a sender cannot show one reader parts the
 * rewrite does not see.
 */
export function boundariesOf(headers: HeaderBlock): string[] {
  const found = new Set<string>();
  for (const value of headers.getAll('content-type')) {
    const parsed = parseStructured(value).params.boundary;
    if (parsed) found.add(parsed);
    for (const m of value.matchAll(/(?:^|[;\s])boundary\s*=\s*(?:"([^"]*)"|([^;\s"]+))/gi)) {
      const b = m[1] ?? m[2];
      if (b) found.add(b);
    }
    // Only the first Content-Type describes the part (every reader takes the first).
    break;
  }
  return [...found];
}
