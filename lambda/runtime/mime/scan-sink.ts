/**
 * What the scanner hands on (parts, body bytes, boundary lines) and the limits it keeps: the contract
 * between the scanner and its two sinks, the rewrite's writer and `inspect`'s collector.
 */
import type { HeaderBlock } from './headers';
import type { MimePart } from './types';

/** The limits past which a message is refused (`MimeRewriteError` `LIMIT`) instead of read. */
export const MIME_LIMITS = Object.freeze({
  /** Nesting of multiparts and embedded messages (the message itself is level 0); Postfix's mime_nesting_limit is 100 too. */
  maxDepth: 100,
  /** Parts (header blocks) in one message, the message itself included. */
  maxParts: 20_000,
  /** Bytes of one header block. */
  maxHeaderBytes: 256 * 1024,
  /** Characters of a boundary (RFC 2046 allows 70). */
  maxBoundaryLength: 200,
});

/** A part as the scanner hands it to the sink, before its body. */
export interface ScannedPart {
  readonly part: MimePart;
  readonly headers: HeaderBlock;
  /** The header block as it came (without its empty line). */
  readonly raw: Buffer;
  /** The empty line after it as it came (CRLF, LF, or empty when the block was not ended by one). */
  readonly blank: Buffer;
  /** Its body holds parts (a multipart with a boundary). */
  readonly multipart: boolean;
  /** An embedded message follows (message/rfc822 read as a message): no body bytes of its own. */
  readonly descends: boolean;
}

/** A boundary line found in the body. */
export interface ScannedDelimiter {
  /** The line break before it, the line and its own line end, as they came. */
  readonly raw: Buffer;
  readonly boundary: string;
  readonly close: boolean;
  /** `raw` is `CRLF--boundary[--]CRLF` with nothing else: it can be written as it came. */
  readonly canonical: boolean;
  /** A line break comes before it (not so for a boundary line at the very start of a body). */
  readonly lineBreak: boolean;
  /** The multipart it belongs to. */
  readonly path: readonly number[];
}

/**
 * What the scanner reports to. `part` returns `'stop'` to end the scan there (nothing more is read), or
 * `'whole'` to take an embedded message as one leaf part instead of reading into it (it is being removed).
 */
export interface ScanSink {
  part(p: ScannedPart): 'stop' | 'whole' | undefined;
  /** Bytes of the body of the part last opened (a leaf's body, or a multipart's preamble or epilogue). */
  body(bytes: Buffer): void;
  /** A leaf part's body ended. */
  endLeaf(): void;
  delimiter(d: ScannedDelimiter): void;
  warn(path: readonly number[], what: string): void;
}
