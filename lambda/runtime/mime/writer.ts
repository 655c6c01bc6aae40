/**
 * The output side of `rewrite`: a scan sink that asks the transforms what to do with each part and writes
 * the new message. Untouched bytes are passed on as they came, unless they break WorkMail's line rules
 * (then written anew, content unchanged: `./conform`); every header and note it writes goes through the
 * checked folding of `./headers`.
 */
import { decodeText, encodeQp, encodeText, hasDashLine } from './body';
import { Base64Rewrap, CRLF, EMPTY, LfToCrlf, LineCheck, QpRepair, TextLines } from './conform';
import { MimeRewriteError } from './errors';
import { foldHeader, HeaderBlock } from './headers';
import { describeForLog, pathName } from './part';
import type { ScannedDelimiter, ScannedPart, ScanSink } from './scan-sink';
import type { MimePart, PartDecision, RewriteReport, TransformRun } from './types';
import { MAX_LINE_TEXT_OCTETS } from '../../rules/message-content';

/** An untouched part in no transfer encoding is held this long to see whether it keeps the line rules. */
const HOLD_LIMIT = 1024 * 1024;

/** Where the body bytes of the current part go. */
interface BodyOut {
  write(bytes: Buffer): void;
  end(): void;
}

export class MimeWriter implements ScanSink {
  public readonly report: RewriteReport = { changes: [], warnings: [], left: [], repaired: [], normalisedLineEnds: false };
  private current: BodyOut | undefined;
  private wrapBoundary: string | undefined;
  private signedTooLong: string | undefined;

  constructor(private readonly run: TransformRun, private readonly out: (bytes: Buffer) => void) {}

  public part(p: ScannedPart): 'whole' | undefined {
    this.endCurrent();
    const { part, headers } = p;
    this.run.headers?.(part, headers);
    if (headers.isChanged) this.change(part.path, 'headers');
    const wrap = part.path.length === 0 ? this.run.message?.(part) : undefined;
    // The empty line after it is always CRLF (one the sender left out is added; a bare LF becomes CRLF).
    const head = (): Buffer => Buffer.concat([headers.isChanged || headers.needsRepair ? headers.toBuffer() : p.raw, CRLF]);
    if (wrap) {
      this.writeWrapper(headers, p.blank, wrap.text, wrap.html);
      this.change([], `wrapped the ${part.protection ?? part.contentType} content with a disclaimer part`);
    }
    const writeHead = wrap ? (): void => undefined : (): void => this.out(head());
    if (p.multipart) {
      writeHead();
      this.current = this.structure(part.path);
      return undefined;
    }
    // A forwarded message is a leaf to the transforms (it can be removed whole); when kept, its parts are read too.
    const decision = this.run.part?.(part);
    if (p.descends && decision?.kind !== 'strip' && decision?.kind !== 'stripIfLarger') {
      writeHead();
      return undefined;
    }
    this.current = this.leafOut(p, decision, wrap ? undefined : head);
    return p.descends ? 'whole' : undefined;
  }

  public body(bytes: Buffer): void {
    this.current?.write(bytes);
  }

  public endLeaf(): void {
    this.endCurrent();
  }

  public delimiter(d: ScannedDelimiter): void {
    this.endCurrent();
    this.out(d.canonical ? d.raw : Buffer.from(`${d.lineBreak ? '\r\n' : ''}--${d.boundary}${d.close ? '--' : ''}\r\n`, 'latin1'));
    if (d.close) this.current = this.structure(d.path);
  }

  public warn(path: readonly number[], what: string): void {
    this.report.warnings.push(`${pathName(path)}: ${what}`);
  }

  /** The input ended: flush, close the wrapper, and refuse a changed message that WorkMail would reject. */
  public finish(): void {
    this.endCurrent();
    if (this.wrapBoundary) this.out(Buffer.from(`\r\n--${this.wrapBoundary}--\r\n`, 'latin1'));
    if (this.signedTooLong && this.report.changes.length) {
      throw new MimeRewriteError('SIGNED', `${this.signedTooLong}: signed or encrypted content has a line over ${MAX_LINE_TEXT_OCTETS} octets, which WorkMail refuses and which cannot be re-encoded without breaking the signature`);
    }
  }

  private endCurrent(): void {
    const current = this.current;
    this.current = undefined;
    current?.end();
  }

  private change(path: readonly number[], what: string): void {
    this.report.changes.push(`${pathName(path)}: ${what}`);
  }

  /** A multipart's preamble or epilogue (text every reader ignores). */
  private structure(path: readonly number[]): BodyOut {
    const lines = new TextLines();
    let noted = false;
    const write = (b: Buffer, final: boolean): void => {
      const out = lines.write(b, final);
      if (out !== b && !noted && (out.length || b.length)) {
        noted = true;
        this.report.repaired.push(`${pathName(path)}: preamble or epilogue: line ends made CRLF, long lines broken`);
      }
      this.out(out);
    };
    return { write: (b) => write(b, false), end: () => write(EMPTY, true) };
  }

  private leafOut(p: ScannedPart, decision: PartDecision | undefined, head: (() => Buffer) | undefined): BodyOut {
    const { part, headers } = p;
    const writeHead = (): void => {
      if (head) this.out(head());
    };
    // A removed part becomes a note; the message itself keeps its other header fields around the note.
    const note = (text: string): Buffer => (part.path.length ? notePart(text) : Buffer.concat([this.withoutContentFields(headers), notePart(text), CRLF]));
    if (decision?.kind === 'strip') {
      this.out(note(decision.note));
      this.change(part.path, `removed ${describeForLog(part)}`);
      return { write: () => undefined, end: () => undefined };
    }
    if (decision?.kind === 'stripIfLarger') {
      const held: Buffer[] = [];
      let size = 0;
      let removed = false;
      return {
        write: (b) => {
          if (removed) return;
          held.push(b);
          size += b.length;
          if (size > decision.maxBytes) {
            removed = true;
            held.length = 0;
            this.out(note(decision.note));
            this.change(part.path, `removed ${describeForLog(part)} (body over ${decision.maxBytes} bytes)`);
          }
        },
        end: () => {
          if (removed) return;
          const untouched = this.untouched(part, headers, writeHead);
          for (const b of held) untouched.write(b);
          untouched.end();
        },
      };
    }
    if (decision?.kind === 'edit') {
      const chunks: Buffer[] = [];
      return {
        write: (b) => void chunks.push(b),
        end: () => this.edit(part, headers, Buffer.concat(chunks), decision.edit, writeHead),
      };
    }
    const out = this.untouched(part, headers, writeHead);
    if (decision?.kind !== 'leave') return out;
    let size = 0;
    return {
      write: (b) => {
        size += b.length;
        out.write(b);
      },
      end: () => {
        out.end();
        if (decision.maxBytes === undefined || size > decision.maxBytes) this.report.left.push(`${pathName(part.path)}: ${describeForLog(part)}: ${decision.reason}`);
      },
    };
  }

  private edit(part: MimePart, headers: HeaderBlock, body: Buffer, edit: (text: string, part: MimePart) => string, writeHead: () => void): void {
    const decoded = decodeText(body, part.charset, part.transferEncoding);
    if (!decoded.lossless) {
      this.warn(part.path, `not edited: its bytes are not valid ${decoded.charset} (decoding would lose them)`);
    } else {
      const text = edit(decoded.text, part);
      if (text !== decoded.text) {
        const encoded = encodeText(text, decoded, headers);
        this.out(Buffer.concat([headers.toBuffer(), CRLF, encoded, part.path.length === 0 ? CRLF : EMPTY]));
        this.change(part.path, `edited ${part.contentType} body`);
        return;
      }
    }
    const untouched = this.untouched(part, headers, writeHead);
    untouched.write(body);
    untouched.end();
  }

  /**
   * An untouched leaf body, checked against the line rules as it streams by. Base64 and quoted-printable
   * are repaired in the stream from where a rule breaks; a body in no transfer encoding is held (up to
   * HOLD_LIMIT) so that, if it breaks a rule, it can be written as base64 with a new header.
   */
  private untouched(part: MimePart, headers: HeaderBlock, writeHead: () => void): BodyOut {
    const check = new LineCheck();
    const cte = part.transferEncoding;
    const repaired = (how: string): void => void this.report.repaired.push(`${pathName(part.path)}: ${describeForLog(part)}: ${how}`);
    if (part.protection) {
      // Signed or encrypted: never re-encoded. Bare LFs become CRLF (the canonical form a signature covers).
      writeHead();
      const lf = new LfToCrlf();
      return {
        write: (b) => {
          if (check.check(b) !== -1 && check.longLine) this.signedTooLong ??= pathName(part.path);
          this.out(lf.write(b));
        },
        end: () => undefined,
      };
    }
    if (cte === 'base64' || cte === 'quoted-printable') {
      writeHead();
      let fix: Base64Rewrap | QpRepair | undefined;
      return {
        write: (b) => {
          if (fix) return this.out(fix.write(b));
          const column = check.lineLength;
          const at = check.check(b);
          if (at === -1) return this.out(b);
          this.out(b.subarray(0, at));
          fix = cte === 'base64' ? new Base64Rewrap(at > 0 ? 0 : column) : new QpRepair(at > 0 ? 0 : column);
          repaired(`${cte} re-wrapped (${check.bareLf ? 'bare LF' : 'line over 998 octets'})`);
          this.out(fix.write(b.subarray(at)));
        },
        end: () => {
          if (fix instanceof QpRepair) this.out(fix.write(EMPTY, true));
        },
      };
    }
    // 7bit, 8bit, binary or unknown: held until its end, or written as base64 once longer than HOLD_LIMIT.
    const held: Buffer[] = [];
    let size = 0;
    let base64: Base64Rewrap | undefined;
    let tail = EMPTY;
    const encode = (b: Buffer, final: boolean): void => {
      // Whole groups of three bytes; the rest waits for the next chunk.
      const all = tail.length ? Buffer.concat([tail, b]) : b;
      const whole = final ? all.length : all.length - (all.length % 3);
      tail = final ? EMPTY : Buffer.from(all.subarray(whole));
      this.out(base64!.write(Buffer.from(all.toString('base64', 0, whole), 'latin1')));
    };
    const toBase64 = (why: string): void => {
      headers.set('Content-Transfer-Encoding', 'base64');
      writeHead();
      base64 = new Base64Rewrap(0);
      repaired(`written as base64 (${why})`);
      for (const h of held.splice(0)) encode(h, false);
    };
    return {
      write: (b) => {
        if (base64) return encode(b, false);
        check.check(b);
        held.push(b);
        size += b.length;
        if (size > HOLD_LIMIT) toBase64(`a ${cte} part over ${HOLD_LIMIT} bytes`);
      },
      end: () => {
        if (base64) return encode(EMPTY, true);
        if (!check.broken) {
          writeHead();
          for (const h of held) this.out(h);
        } else if (!check.longLine && (part.contentType.startsWith('text/') || part.contentType.startsWith('message/'))) {
          // Text with bare LFs: CRLF is its canonical line end (RFC 2046 4.1.1), the text is the same.
          writeHead();
          const lf = new LfToCrlf();
          for (const h of held) this.out(lf.write(h));
          repaired('bare LF line ends made CRLF');
        } else if (!check.bareLf && part.contentType.startsWith('text/')) {
          // Text with long lines: quoted-printable keeps it readable and its bytes (CRLF included) the same.
          headers.set('Content-Transfer-Encoding', 'quoted-printable');
          writeHead();
          this.out(encodeQp(Buffer.concat(held)));
          repaired(`written as quoted-printable (a line over 998 octets in a ${cte} part)`);
        } else {
          toBase64(`${check.longLine ? 'a line over 998 octets' : 'bare LF'} in a ${cte} part`);
          encode(EMPTY, true);
        }
      },
    };
  }

  /** A header block without its Content-* fields (they describe a body that is replaced). */
  private withoutContentFields(headers: HeaderBlock): Buffer {
    for (const [name] of headers.entries()) if (/^content-/i.test(name)) headers.remove(name);
    return headers.toBuffer();
  }

  /** The message becomes multipart/mixed: a disclaimer part, then the original content with its Content-* fields. */
  private writeWrapper(headers: HeaderBlock, blank: Buffer, text: string | undefined, html: string | undefined): void {
    const moved = ['content-type', 'content-transfer-encoding', 'content-disposition', 'content-description', 'content-id', 'content-language', 'content-location', 'content-md5']
      .flatMap((name) => headers.remove(name));
    const boundary = `=_disclaimer_${randomHex()}`;
    this.wrapBoundary = boundary;
    headers.set('Content-Type', `multipart/mixed; boundary="${boundary}"`);
    if (headers.get('mime-version') === undefined) headers.set('MIME-Version', '1.0');
    const parts: Buffer[] = [];
    if (text !== undefined) parts.push(textPart('text/plain', text));
    if (html !== undefined) parts.push(textPart('text/html', html));
    let first: Buffer;
    if (parts.length === 1) {
      first = parts[0];
    } else {
      const alt = `=_alternative_${randomHex()}`;
      first = Buffer.concat([Buffer.from(foldHeader('Content-Type', `multipart/alternative; boundary="${alt}"`) + '\r\n', 'latin1'),
        ...parts.flatMap((x) => [Buffer.from(`--${alt}\r\n`, 'latin1'), x, CRLF]), Buffer.from(`--${alt}--\r\n`, 'latin1')]);
    }
    this.out(Buffer.concat([headers.toBuffer(), CRLF, Buffer.from(`--${boundary}\r\n`, 'latin1'), first, Buffer.from(`\r\n--${boundary}\r\n`, 'latin1'),
      ...moved, blank.length ? blank : CRLF]));
  }
}

/** A text part of ours (UTF-8; 7bit when it can be, else quoted-printable), without a trailing line end. */
function textPart(type: string, text: string): Buffer {
  const canonical = text.replace(/\r?\n/g, '\r\n');
  const bytes = Buffer.from(canonical, 'utf8');
  const plain = /^[\x20-\x7e\r\n\t]*$/.test(canonical) && !canonical.split('\r\n').some((l) => l.length > MAX_LINE_TEXT_OCTETS) && !hasDashLine(bytes);
  return Buffer.concat([
    Buffer.from(foldHeader('Content-Type', `${type}; charset=utf-8`) + foldHeader('Content-Transfer-Encoding', plain ? '7bit' : 'quoted-printable'), 'latin1'),
    CRLF,
    plain ? bytes : encodeQp(bytes),
  ]);
}

/** The text/plain part that stands in for a removed attachment (no trailing CRLF: the boundary line brings it). */
function notePart(note: string): Buffer {
  const part = textPart('text/plain', note);
  const at = part.indexOf('\r\n\r\n');
  return Buffer.concat([part.subarray(0, at + 2), Buffer.from(foldHeader('Content-Disposition', 'inline'), 'latin1'), part.subarray(at + 2)]);
}

/** 24 random hex digits (the global Web Crypto: node:crypto is not loaded for this). */
function randomHex(): string {
  return Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(12))).toString('hex');
}
