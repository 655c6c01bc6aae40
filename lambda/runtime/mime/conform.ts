/**
 * WorkMail's line rules for what a rewrite writes (RFC 5321 via PutRawMessageContent): CRLF line ends and at
 * most 1000 octets per line, CRLF included. Parts no transform touches are checked as they stream by (one
 * `indexOf(LF)` per line) and, where they break a rule, written anew with their content unchanged.
 */
import { MAX_LINE_OCTETS, MAX_LINE_TEXT_OCTETS } from '../../rules/message-content';

/** The line end WorkMail wants, and no bytes: shared by the engine's files. */
export const CRLF = Buffer.from('\r\n');
export const EMPTY = Buffer.alloc(0);

/** Where a line rule breaks in a run of bytes, given the line length carried in from the bytes before. */
export class LineCheck {
  /** Octets of the current line so far (its CR included when the chunk ended on one). */
  public lineLength = 0;
  /** A bare LF was seen. */
  public bareLf = false;
  /** A line longer than 1000 octets (its CRLF included) was seen. */
  public longLine = false;
  private lastCR = false;

  /** Checks `bytes`; returns the offset of the first line in it that breaks a rule, or -1. */
  public check(bytes: Buffer): number {
    let first = -1;
    let lineStart = 0;
    for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) {
      const cr = i > 0 ? bytes[i - 1] === 13 : this.lastCR;
      const length = this.lineLength + i + 1 - lineStart;
      if (!cr || length > MAX_LINE_OCTETS) {
        if (!cr) this.bareLf = true;
        if (length > MAX_LINE_OCTETS) this.longLine = true;
        if (first === -1) first = lineStart;
      }
      this.lineLength = 0;
      lineStart = i + 1;
    }
    this.lineLength += bytes.length - lineStart;
    if (bytes.length) this.lastCR = bytes[bytes.length - 1] === 13;
    // A line still open past the limit breaks it already (its CRLF is yet to come).
    if (this.lineLength > MAX_LINE_TEXT_OCTETS + 1 && first === -1) {
      this.longLine = true;
      first = Math.max(0, lineStart);
    }
    return first;
  }

  /** Continues from a line `lineLength` octets long, after bytes someone else wrote. */
  public reset(lineLength: number): void {
    this.lineLength = lineLength;
    this.lastCR = false;
  }

  public get broken(): boolean {
    return this.bareLf || this.longLine;
  }
}

/**
 * Re-wraps base64 at 76 columns from where a rule broke: line breaks and whitespace dropped, every other
 * byte kept in order (a decoder sees the same characters, so the same content).
 */
export class Base64Rewrap {
  constructor(private column: number) {}

  public write(bytes: Buffer): Buffer {
    const out = Buffer.allocUnsafe(bytes.length + Math.ceil(bytes.length / 76) * 2 + 2);
    let o = 0;
    for (let i = 0; i < bytes.length; i++) {
      const c = bytes[i];
      if (c === 13 || c === 10 || c === 32 || c === 9) continue;
      if (this.column >= 76) {
        out[o++] = 13;
        out[o++] = 10;
        this.column = 0;
      }
      out[o++] = c;
      this.column++;
    }
    return out.subarray(0, o);
  }
}

/**
 * Repairs quoted-printable from where a rule broke: a bare LF becomes CRLF (a hard line break either way), a
 * lone CR is written `=0D`, and a line that would pass 76 columns gets a soft line break (`=` CRLF), never
 * inside an `=XX` escape. Decoded, the content is the same.
 */
export class QpRepair {
  private pendingCR = false;
  constructor(private column: number) {}

  public write(bytes: Buffer, final = false): Buffer {
    // At most "=0D" or "=" CRLF plus three for every byte.
    const out = Buffer.allocUnsafe(bytes.length * 6 + 6);
    let o = 0;
    const emit = (a: number, b?: number, c?: number): void => {
      const length = b === undefined ? 1 : 3;
      if (this.column + length > 75) {
        out[o++] = 61;
        out[o++] = 13;
        out[o++] = 10;
        this.column = 0;
      }
      out[o++] = a;
      if (b !== undefined) {
        out[o++] = b;
        out[o++] = c!;
      }
      this.column += length;
    };
    const hardBreak = (): void => {
      out[o++] = 13;
      out[o++] = 10;
      this.column = 0;
    };
    for (let i = 0; i < bytes.length; i++) {
      const c = bytes[i];
      if (this.pendingCR) {
        this.pendingCR = false;
        if (c === 10) {
          hardBreak();
          continue;
        }
        emit(61, 48, 68); // =0D
      }
      if (c === 13) this.pendingCR = true;
      else if (c === 10) hardBreak();
      else if (c === 61 && i + 2 < bytes.length && bytes[i + 1] !== 13 && bytes[i + 1] !== 10) {
        emit(c, bytes[i + 1], bytes[i + 2]);
        i += 2;
      } else emit(c);
    }
    if (final && this.pendingCR) {
      this.pendingCR = false;
      emit(61, 48, 68);
    }
    return out.subarray(0, o);
  }
}

/**
 * A preamble or epilogue (text every reader ignores): line ends made CRLF, lines over 998 octets broken,
 * and no line we break starts with a dash (it could read as a boundary line).
 */
export class TextLines {
  private column = 0;
  private pendingCR = false;
  private readonly check = new LineCheck();

  public write(bytes: Buffer, final = false): Buffer {
    // Nearly always nothing to repair: passed on as it came.
    if (!this.pendingCR && this.check.check(bytes) === -1 && this.cleanCR(bytes)) {
      this.column = this.check.lineLength;
      return bytes;
    }
    const out = this.repair(bytes, final);
    this.check.reset(this.column);
    return out;
  }

  /** Every CR is followed by an LF within the bytes. */
  private cleanCR(bytes: Buffer): boolean {
    for (let i = bytes.indexOf(13); i !== -1; i = bytes.indexOf(13, i + 1)) if (bytes[i + 1] !== 10) return false;
    return true;
  }

  private repair(bytes: Buffer, final: boolean): Buffer {
    const out = Buffer.allocUnsafe(bytes.length * 2 + Math.ceil(bytes.length / MAX_LINE_TEXT_OCTETS) * 3 + 4);
    let o = 0;
    for (let i = 0; i < bytes.length; i++) {
      const c = bytes[i];
      if (this.pendingCR) {
        this.pendingCR = false;
        out[o++] = 13;
        out[o++] = 10;
        this.column = 0;
        if (c === 10) continue;
      }
      if (c === 13) {
        this.pendingCR = true;
        continue;
      }
      if (c === 10) {
        out[o++] = 13;
        out[o++] = 10;
        this.column = 0;
        continue;
      }
      if (this.column >= MAX_LINE_TEXT_OCTETS - 1) {
        out[o++] = 13;
        out[o++] = 10;
        this.column = 0;
        if (c === 45) {
          out[o++] = 32;
          this.column = 1;
        }
      }
      out[o++] = c;
      this.column++;
    }
    if (final && this.pendingCR) {
      this.pendingCR = false;
      out[o++] = 13;
      out[o++] = 10;
    }
    return out.subarray(0, o);
  }
}

/** Bare LFs made CRLF (text and signed content, whose canonical line end is CRLF: RFC 2046 4.1.1, RFC 1847). */
export class LfToCrlf {
  private lastCR = false;

  public write(bytes: Buffer): Buffer {
    const parts: Buffer[] = [];
    let start = 0;
    for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) {
      const cr = i > 0 ? bytes[i - 1] === 13 : this.lastCR;
      if (!cr) {
        parts.push(bytes.subarray(start, i), CRLF);
        start = i + 1;
      }
    }
    if (bytes.length) this.lastCR = bytes[bytes.length - 1] === 13;
    if (start === 0) return bytes;
    parts.push(bytes.subarray(start));
    return Buffer.concat(parts);
  }
}

