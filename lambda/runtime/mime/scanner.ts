/**
 * The byte scanner under `rewrite` and `inspect`: finds header blocks and boundary lines, and hands each part
 * and each run of body bytes (as slices) to a sink. Bodies are searched with `Buffer.indexOf('--')` (base64 has
 * no '-'). The rules it keeps (progress, one view of the parts, limits) are in docs/mime.md, "Hostile input".
 */
import { LfToCrlf } from './conform';
import { MimeRewriteError } from './errors';
import { HeaderBlock, isFieldLine } from './headers';
import { boundariesOf, childProtection, describePart, PartContext, pathName } from './part';
import { Pending, tailThatMayStartDelimiter } from './pending';
import { MIME_LIMITS } from './scan-sink';
import type { ScanSink } from './scan-sink';
import type { MimeProtection } from './types';

interface Frame {
  readonly boundaries: readonly string[];
  readonly path: readonly number[];
  readonly depth: number;
  readonly digest: boolean;
  readonly embedded: boolean;
  readonly protection?: MimeProtection;
  children: number;
  closed: boolean;
}

export class MimeScanner {
  /** Steps taken: the work the scan did, which the tests bound by the input size. */
  public work = 0;
  public normalisedLineEnds = false;
  public stopped = false;
  private started = false;
  private lfMode = false;
  private readonly lf = new LfToCrlf();
  private mode: 'headers' | 'body' = 'headers';
  private readonly pending = new Pending();
  /** Where the scan of the pending bytes resumes (header lines read, a candidate line's end searched from). */
  private resume = 0;
  private readonly stack: Frame[] = [];
  private readonly index = new Map<string, Frame[]>();
  private next: PartContext & { depth: number } = { path: [], digestChild: false, inEmbeddedMessage: false, depth: 0 };
  private sawRoot = false;
  private parts = 0;
  private leafOpen = false;
  /** The body scan stands at the start of a line (after a header block or a boundary line). */
  private atLineStart = true;
  /** A candidate boundary line waits for its end: where its dashes are, from the start of the pending bytes. */
  private candidate: number | undefined;

  constructor(private readonly sink: ScanSink) {}

  /** Scans a chunk; `final` with the last one (an empty chunk is fine). */
  public feed(chunk: Buffer, final: boolean): void {
    if (this.stopped) return;
    if (!this.started) {
      // The first line decides the line ends: a message whose header lines end in bare LF is normalised to CRLF throughout.
      this.pending.append(chunk);
      const head = this.pending.view();
      const nl = head.indexOf(10);
      if (nl === -1 && !final && head.length <= MIME_LIMITS.maxHeaderBytes) return;
      this.started = true;
      this.pending.clear();
      this.lfMode = nl > 0 && head[nl - 1] !== 13;
      this.normalisedLineEnds = this.lfMode;
      chunk = head;
    }
    if (this.lfMode && chunk.length) chunk = this.lf.write(chunk);
    let data: Buffer;
    if (this.pending.length) {
      this.pending.append(chunk);
      data = this.pending.view();
    } else {
      data = chunk;
    }
    let pos = 0;
    for (;;) {
      this.work++;
      if (this.stopped) return;
      const next = this.mode === 'headers' ? this.readHeaders(data, pos, final) : this.readBody(data, pos, final);
      if (next === -1) break;
      pos = next;
      if (pos >= data.length && !final) break;
      if (pos >= data.length && final && this.mode === 'body') {
        this.readBody(data, pos, true);
        break;
      }
    }
    // What is left waits for more input: kept once, its scan resuming where it stopped.
    const waiting = this.waitFrom;
    this.waitFrom = -1;
    if (waiting === -1 || final) {
      this.pending.clear();
    } else if (data === chunk) {
      this.pending.clear();
      this.pending.append(data.subarray(waiting));
    } else {
      this.pending.drop(waiting);
    }
  }

  /** Set by a reader that needs more input: the offset in `data` from which bytes must be kept. */
  private waitFrom = -1;

  private wait(from: number): -1 {
    this.waitFrom = from;
    return -1;
  }

  /** Reads a header block starting at `pos`: the offset of its body, or -1 (waiting, or the scan ended). */
  private readHeaders(data: Buffer, pos: number, final: boolean): number {
    const isRoot = !this.sawRoot;
    if (isRoot && this.resume === 0 && data.length - pos >= 5 && data.toString('latin1', pos, pos + 5) === 'From ') {
      // An mbox "From " envelope line is not part of the message (RFC 4155): dropped, so the output starts with its headers.
      const nl = data.indexOf(10, pos);
      if (nl === -1 && !final) return this.wait(pos);
      this.sink.warn([], 'dropped a leading mbox "From " line');
      pos = nl === -1 ? data.length : nl + 1;
    }
    let line = pos + this.resume;
    let headerEnd = -1;
    let bodyStart = -1;
    for (;;) {
      this.work++;
      const nl = data.indexOf(10, line);
      if (line - pos > MIME_LIMITS.maxHeaderBytes || (nl === -1 && data.length - pos > MIME_LIMITS.maxHeaderBytes)) {
        if (isRoot) throw new MimeRewriteError('NOT_MIME', `the message does not start with a header block (no empty line within the first ${MIME_LIMITS.maxHeaderBytes} bytes)`);
        throw new MimeRewriteError('LIMIT', `part ${pathName(this.next.path)}: its header block is longer than ${MIME_LIMITS.maxHeaderBytes} bytes (MIME_LIMITS.maxHeaderBytes)`);
      }
      if (nl === -1) {
        if (!final) {
          this.resume = line - pos;
          return this.wait(pos);
        }
        // The input ends inside the header block: headers only, no body. A one-line input must be a header field.
        if (isRoot && line === pos && !isFieldLine(data, pos, data.length)) {
          throw new MimeRewriteError('NOT_MIME', `the message does not start with a header field (first line: ${JSON.stringify(data.subarray(pos, Math.min(data.length, pos + 60)).toString('latin1'))})`);
        }
        headerEnd = bodyStart = data.length;
        if (!isRoot || line < data.length) this.sink.warn(this.next.path, 'the input ends inside a header block');
        break;
      }
      const length = nl + 1 - line;
      if (length === 1 || (length === 2 && data[line] === 13)) {
        headerEnd = line;
        bodyStart = nl + 1;
        break;
      }
      const first = data[line];
      if ((line > pos && (first === 32 || first === 9)) || isFieldLine(data, line, nl)) {
        line = nl + 1;
        continue;
      }
      // Not a header line and no empty line before it: the headers end here and the body starts at this line.
      if (isRoot && line === pos) {
        throw new MimeRewriteError('NOT_MIME', `the message does not start with a header field (first line: ${JSON.stringify(data.subarray(pos, Math.min(nl, pos + 60)).toString('latin1').replace(/\r$/, ''))})`);
      }
      if (line > pos) this.sink.warn(this.next.path, 'the header block is not followed by an empty line');
      headerEnd = bodyStart = line;
      break;
    }
    if (isRoot && headerEnd === pos) throw new MimeRewriteError('NOT_MIME', 'the message has no header fields');
    this.resume = 0;
    this.startPart(data.subarray(pos, headerEnd), data.subarray(headerEnd, bodyStart));
    return bodyStart;
  }

  private startPart(raw: Buffer, blank: Buffer): void {
    this.sawRoot = true;
    const ctx = this.next;
    if (++this.parts > MIME_LIMITS.maxParts) {
      throw new MimeRewriteError('LIMIT', `the message has more than ${MIME_LIMITS.maxParts} parts (MIME_LIMITS.maxParts)`);
    }
    if (ctx.depth > MIME_LIMITS.maxDepth) {
      throw new MimeRewriteError('LIMIT', `part ${pathName(ctx.path)} is nested ${ctx.depth} levels deep; at most ${MIME_LIMITS.maxDepth} are read (MIME_LIMITS.maxDepth)`);
    }
    const headers = HeaderBlock.parse(raw);
    const part = describePart(headers, ctx);
    this.mode = 'body';
    this.atLineStart = true;
    let multipart = false;
    let descends = false;
    let boundaries: string[] = [];
    if (part.contentType.startsWith('multipart/')) {
      boundaries = boundariesOf(headers);
      multipart = boundaries.length > 0;
      if (!multipart) this.sink.warn(ctx.path, 'multipart without a boundary parameter: passed through as a single part');
    } else {
      // An embedded message (a forwarded mail, a digest entry) is read as a message when it is not encoded.
      // Its header block gets RFC 2045's default (text/plain), not the digest's: so a level down is only
      // entered through a header line that asks for it, and every level consumes input.
      descends = part.contentType === 'message/rfc822' && !/^(base64|quoted-printable)$/.test(part.transferEncoding);
    }
    const control = this.sink.part({ part, headers, raw, blank, multipart, descends });
    if (control === 'stop') {
      this.stopped = true;
      return;
    }
    if (control === 'whole') descends = false;
    if (multipart) {
      this.push({ boundaries, path: ctx.path, depth: ctx.depth, digest: part.contentType === 'multipart/digest', embedded: part.inEmbeddedMessage, protection: childProtection(part), children: 0, closed: false });
    } else if (descends) {
      this.mode = 'headers';
      // Inside, RFC 2045's default (text/plain) applies again, not the digest's.
      this.next = { path: [...ctx.path, 0], digestChild: false, inEmbeddedMessage: true, protection: part.protection, depth: ctx.depth + 1 };
    } else {
      this.leafOpen = true;
    }
  }

  private push(frame: Frame): void {
    for (const b of frame.boundaries) {
      if (b.length > MIME_LIMITS.maxBoundaryLength) {
        throw new MimeRewriteError('LIMIT', `part ${pathName(frame.path)} has a boundary of ${b.length} characters; at most ${MIME_LIMITS.maxBoundaryLength} are read (MIME_LIMITS.maxBoundaryLength)`);
      }
      const frames = this.index.get(b);
      if (frames) frames.push(frame);
      else this.index.set(b, [frame]);
    }
    this.stack.push(frame);
  }

  /** Drops the frames above `keep` (their multiparts ended without a close delimiter, or with one). */
  private truncate(keep: number): void {
    while (this.stack.length > keep) {
      const frame = this.stack.pop()!;
      if (!frame.closed) this.sink.warn(frame.path, `no close delimiter for boundary ${JSON.stringify(frame.boundaries[0])}`);
      for (const b of frame.boundaries) {
        const frames = this.index.get(b)!;
        frames.pop();
        if (!frames.length) this.index.delete(b);
      }
    }
  }

  /** Scans body bytes from `pos` for the next boundary line: the offset after it, or -1. */
  private readBody(data: Buffer, pos: number, final: boolean): number {
    if (this.stack.length === 0) {
      this.body(data.subarray(pos));
      this.atLineStart = false;
      if (final) this.endOfInput();
      return -1;
    }
    let from = pos;
    if (this.candidate !== undefined || this.atLineStart) {
      // A line at `pos` that may be a boundary line: one that waited for its end, or the body's first line.
      const dashes = pos + (this.candidate ?? 0);
      const m = this.matchAt(data, pos, dashes, final);
      if (m === 'more') {
        this.candidate = dashes - pos;
        return this.wait(pos);
      }
      this.candidate = undefined;
      this.atLineStart = false;
      if (m) return this.atDelimiter(data, pos, dashes, m);
      from = dashes + 1;
    }
    for (let i = data.indexOf(DASHES, from); ; i = data.indexOf(DASHES, i + 1)) {
      this.work++;
      if (i === -1) {
        // Keep back a line break (and a dash) at the end: the next chunk may start a boundary line.
        const keep = final ? 0 : tailThatMayStartDelimiter(data, pos);
        this.body(data.subarray(pos, data.length - keep));
        if (final) {
          this.endOfInput();
          return -1;
        }
        if (!keep) return -1;
        this.atLineStart = false;
        return this.wait(data.length - keep);
      }
      // Dashes at `pos` are not at a line start here (a line start at `pos` was looked at above).
      if (i <= pos) continue;
      const b = data[i - 1];
      if (b !== 10 && b !== 13) continue;
      const start = b === 10 && i - 2 >= pos && data[i - 2] === 13 ? i - 2 : i - 1;
      const m = this.matchAt(data, start, i, final);
      if (m === 'more') {
        this.body(data.subarray(pos, start));
        this.candidate = i - start;
        return this.wait(start);
      }
      if (m) {
        this.body(data.subarray(pos, start));
        return this.atDelimiter(data, start, i, m);
      }
    }
  }

  /**
   * Whether the line whose dashes are at `dashes` (its line break from `start`) is a boundary line of an open
   * (or closed, still known) multipart; 'more' when more input is needed to tell.
   */
  private matchAt(data: Buffer, start: number, dashes: number, final: boolean): { frame: number; close: boolean; end: number; boundary: string } | 'more' | undefined {
    if (dashes < data.length && data[dashes] !== 45) return undefined;
    if (data.length - dashes < 2) return final ? undefined : 'more';
    if (data[dashes + 1] !== 45) return undefined;
    // The line's end: CRLF, LF or a lone CR (searched from where a previous look stopped).
    const from = Math.max(dashes + 2, start + this.resume);
    this.resume = 0;
    let eol = -1;
    for (let k = from; k < data.length; k++) {
      const c = data[k];
      if (c === 10 || c === 13) {
        eol = k;
        break;
      }
      // Past the longest boundary, only whitespace can follow one: anything else is text, no need to read on.
      if (c !== 32 && c !== 9 && k - dashes - 2 >= MIME_LIMITS.maxBoundaryLength + 2) return undefined;
    }
    this.work += 1;
    if (eol === -1 && !final) {
      this.resume = data.length - start;
      return 'more';
    }
    let end = eol === -1 ? data.length : eol + 1;
    if (eol !== -1 && data[eol] === 13) {
      if (eol + 1 >= data.length && !final) {
        this.resume = eol - start;
        return 'more';
      }
      if (data[eol + 1] === 10) end = eol + 2;
    }
    let textEnd = eol === -1 ? data.length : eol;
    while (textEnd > dashes + 2 && (data[textEnd - 1] === 32 || data[textEnd - 1] === 9)) textEnd--;
    const token = data.toString('latin1', dashes + 2, textEnd);
    let close = false;
    let frames = this.index.get(token);
    if (!frames && token.endsWith('--')) {
      frames = this.index.get(token.slice(0, -2));
      close = true;
    }
    if (!frames) return undefined;
    const frame = frames[frames.length - 1];
    return { frame: this.stack.lastIndexOf(frame), close, end, boundary: close ? token.slice(0, -2) : token };
  }

  private atDelimiter(data: Buffer, start: number, dashes: number, m: { frame: number; close: boolean; end: number; boundary: string }): number {
    this.resume = 0;
    this.endLeaf();
    this.truncate(m.frame + 1);
    const frame = this.stack[m.frame];
    const raw = data.subarray(start, m.end);
    const lineBreak = dashes > start;
    const canonical = (!lineBreak || (dashes - start === 2 && data[start] === 13)) &&
      m.end - dashes === 2 + m.boundary.length + (m.close ? 2 : 0) + 2 && data[m.end - 2] === 13 && data[m.end - 1] === 10;
    this.sink.delimiter({ raw, boundary: m.boundary, close: m.close, canonical, lineBreak, path: frame.path });
    if (m.close) {
      if (!frame.closed) frame.closed = true;
      this.mode = 'body';
      this.atLineStart = true;
    } else {
      if (frame.closed) {
        frame.closed = false;
        this.sink.warn(frame.path, `a part follows the close delimiter of boundary ${JSON.stringify(m.boundary)} (read as a part, as mailparser does)`);
      }
      this.mode = 'headers';
      this.next = {
        path: [...frame.path, frame.children++],
        digestChild: frame.digest,
        inEmbeddedMessage: frame.embedded,
        protection: frame.protection,
        depth: frame.depth + 1,
      };
    }
    return m.end;
  }

  private body(bytes: Buffer): void {
    if (bytes.length) this.sink.body(bytes);
  }

  private endLeaf(): void {
    if (this.leafOpen) {
      this.leafOpen = false;
      this.sink.endLeaf();
    }
  }

  private endOfInput(): void {
    this.endLeaf();
    for (let k = this.stack.length - 1; k >= 0; k--) {
      const f = this.stack[k];
      if (!f.closed) this.sink.warn(f.path, `missing final boundary ${JSON.stringify(f.boundaries[0])} (input ends inside the multipart)`);
    }
    this.stack.length = 0;
    this.index.clear();
  }
}

const DASHES = Buffer.from('--');
