import type { HeaderBlock } from './headers';

/**
 * Signed or encrypted content: a multipart/signed (PGP/MIME, S/MIME; RFC 1847) or multipart/encrypted and
 * everything inside it, and an S/MIME application/pkcs7-mime part. Its bytes are opaque in transit
 * (RFC 1847 2.1, RFC 8551 3.5): a change breaks the signature or the decryption.
 */
export type MimeProtection = 'signed' | 'encrypted';

/** What a transform (and a `stripAttachments` `when`) learns about a part, from its headers only. */
export interface MimePart {
  /** Position in the tree: `[]` is the message itself, `[1, 0]` the first child of its second child. */
  readonly path: readonly number[];
  /** Lower-case `type/subtype`; `text/plain` when the part has no Content-Type (RFC 2045), `message/rfc822` in a digest (RFC 2046). */
  readonly contentType: string;
  /** The charset parameter, when present. */
  readonly charset?: string;
  /** The filename (Content-Disposition filename, else Content-Type name), RFC 2047/2231 decoded. */
  readonly filename?: string;
  /** Lower-case Content-Disposition type (`inline`, `attachment`), when present. */
  readonly disposition?: string;
  /** Lower-case Content-Transfer-Encoding; `7bit` when absent. */
  readonly transferEncoding: string;
  /**
   * The decoded size in bytes when the part declares it (Content-Disposition `size`, RFC 2183); parts are
   * judged before their body streams by, so the real size is not known here (see `StripAttachmentsOptions.maxBytes`).
   */
  readonly size?: number;
  /** Whether the part is an attachment: not multipart, and either disposed as an attachment or named (the message itself too, when it is one file). */
  readonly isAttachment: boolean;
  /**
   * Whether the part belongs to a message embedded in this one (a message/rfc822 part, e.g. a forwarded
   * mail): attachments there are attachments too, but it is not the message's own body text.
   */
  readonly inEmbeddedMessage: boolean;
  /** Set when the part is signed or encrypted content (or inside it): changing it breaks the signature. @default undefined (neither) */
  readonly protection?: MimeProtection;
}

/** What a transform does to a leaf part. */
export type PartDecision =
  /** Replace the part (headers and body) by a short text/plain note. */
  | { readonly kind: 'strip'; readonly note: string }
  /** Replace the part by the note only when its encoded body grows past `maxBytes` (held back until then). */
  | { readonly kind: 'stripIfLarger'; readonly maxBytes: number; readonly note: string }
  /** Decode the text body, edit it, encode it back. */
  | { readonly kind: 'edit'; readonly edit: (text: string, part: MimePart) => string }
  /**
   * Leave the part as it is although the transform would change it (signed or encrypted content), and say so
   * in `RewriteReport.left`; with `maxBytes`, only when the body is larger than that.
   */
  | { readonly kind: 'leave'; readonly reason: string; readonly maxBytes?: number };

/**
 * What a transform does to the message as a whole, asked once with the message's own part before its body:
 * `wrap` makes the message a multipart/mixed whose first part holds `text` (and/or `html`) and whose second
 * is the original content, byte for byte (a disclaimer around signed or encrypted content).
 */
export type MessageDecision = { readonly kind: 'wrap'; readonly text?: string; readonly html?: string };

/** One run of a transform over one message: it may keep state (e.g. "first text/plain part seen"). */
export interface TransformRun {
  /** Called with every part's headers (the message's first, path `[]`), before its body; may change them. */
  headers?(part: MimePart, headers: HeaderBlock): void;
  /** Called once with the message's own part, after `headers`. @default the message is not wrapped */
  message?(part: MimePart): MessageDecision | undefined;
  /** Called for every leaf part (not multipart); what to do with it, or undefined to leave it alone. */
  part?(part: MimePart): PartDecision | undefined;
}

/**
 * A change to a MIME message, applied by `rewrite(input, ...transforms)`. Made by `addDisclaimer`,
 * `tagSubject`, `setHeader`, `stripAttachments` and `compose`.
 */
export interface MimeTransform {
  /** What the transform does, for logs and `RewriteReport.transforms`. */
  readonly description: string;
  /** Starts a run over one message. */
  start(): TransformRun;
}

/** What a rewrite did, complete once the output stream has ended. */
export interface RewriteReport {
  /** Paths (`1.0`, or `message` for the message itself) and what a transform changed there. */
  readonly changes: string[];
  /** Structural defects carried through unchanged (missing final boundary, malformed boundary line, ...). */
  readonly warnings: string[];
  /** Parts a transform would have changed but left as they are because they are signed or encrypted, and why. */
  readonly left: string[];
  /**
   * Untouched parts written anew so that the output meets WorkMail's Message Flow rules (line ends, line
   * length), their content unchanged. Not a change on their own: `changes` decides whether to put the message back.
   */
  readonly repaired: string[];
  /** True when the input used bare LF line ends and the whole output was normalised to CRLF. */
  normalisedLineEnds: boolean;
}
