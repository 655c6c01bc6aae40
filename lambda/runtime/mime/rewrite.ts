import { Readable, Transform, TransformCallback } from 'node:stream';
import { decodeText, encodeText } from './body';
import { MAX_LINE_OCTETS, MAX_LINE_TEXT_OCTETS } from '../../rules/message-content';
import { MimeRewriteError } from './errors';
import { libqp } from './libs';
import { decodeHeaderText, foldHeader, HeaderBlock, parseStructured } from './headers';
import { compose } from './transforms';
import type { MimePart, MimeTransform, RewriteReport, TransformRun } from './types';

/** A header block larger than this is not a header block (the input is not MIME, or a part is broken). */
const HEADER_LIMIT = 256 * 1024;
/** How far to look for the end of a boundary line (a line is at most 1000 octets, its CRLF included). */
const LINE_LIMIT = MAX_LINE_OCTETS;
const EMPTY = Buffer.alloc(0);
const CRLF = Buffer.from('\r\n');
const CRLF_DASH_DASH = Buffer.from('\r\n--');

/** The output of `rewrite`: the new MIME as a byte stream, and what was done once it has ended. */
export interface RewriteStream extends Readable {
  /** Complete after the stream's `end` event. */
  readonly report: RewriteReport;
}

interface Frame {
  /** `--` + boundary. */
  readonly delim: Buffer;
  readonly boundary: string;
  readonly path: readonly number[];
  readonly digest: boolean;
  readonly embedded: boolean;
  children: number;
}

type Body =
  | { kind: 'pass' }
  | { kind: 'skip' }
  | { kind: 'collect'; part: MimePart; headers: HeaderBlock; edit: (text: string, part: MimePart) => string; chunks: Buffer[] }
  | { kind: 'hold'; part: MimePart; head: Buffer; chunks: Buffer[]; size: number; maxBytes: number; note: string };

interface Delimiter {
  readonly frame: number;
  readonly close: boolean;
  /** Index just past the delimiter line's LF (or the end of the input). */
  readonly end: number;
}

/**
 * The streaming rewriter. Only header blocks and boundary lines are parsed (the body scan is one
 * `Buffer.indexOf('\r\n--')` per candidate line, which base64 never contains); body bytes of untouched
 * parts are pushed on as slices of the chunks they arrived in. A part being edited is the only thing held
 * in memory, and only until its closing boundary.
 */
class MimeRewriter extends Transform {
  public readonly report: RewriteReport = { changes: [], warnings: [], normalisedLineEnds: false };
  private readonly run: TransformRun;
  private started = false;
  private lfMode = false;
  private prevCR = false;
  private mode: 'headers' | 'body' = 'headers';
  /** Bytes received but not yet decided: a header block being read, or a body tail that may start a boundary. */
  private acc: Buffer = EMPTY;
  private hdrScan = 0;
  private hdrPath: readonly number[] = [];
  private readonly stack: Frame[] = [];
  private body: Body = { kind: 'pass' };
  private atLineStart = true;
  private sawRoot = false;
  /** The next header block is that of a message embedded in a message/rfc822 part. */
  private embeddedHeaders = false;
  /** The leaf part whose body is being read, and its body bytes so far (for `inspect`). */
  private leaf: MimePart | undefined;
  private leafBytes = 0;

  constructor(transforms: readonly MimeTransform[], private readonly observer?: PartObserver) {
    super();
    this.run = compose(...transforms).start();
  }

  public _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    try {
      this.feed(chunk, false);
      callback();
    } catch (e) {
      callback(asRewriteError(e));
    }
  }

  public _flush(callback: TransformCallback): void {
    try {
      this.feed(EMPTY, true);
      callback();
    } catch (e) {
      callback(asRewriteError(e));
    }
  }

  private feed(chunk: Buffer, final: boolean): void {
    if (!this.started) {
      // The first line decides the line ends: a message whose header lines end in bare LF is normalised to CRLF throughout.
      const head = this.acc.length ? Buffer.concat([this.acc, chunk]) : chunk;
      const nl = head.indexOf(10);
      if (nl === -1 && !final && head.length <= HEADER_LIMIT) {
        this.acc = Buffer.from(head);
        return;
      }
      this.started = true;
      this.acc = EMPTY;
      this.lfMode = nl > 0 && head[nl - 1] !== 13;
      this.report.normalisedLineEnds = this.lfMode;
      chunk = head;
    }
    if (this.lfMode && chunk.length) chunk = this.normalise(chunk);
    let data: Buffer | undefined = this.acc.length ? Buffer.concat([this.acc, chunk]) : chunk;
    this.acc = EMPTY;
    while (data !== undefined && (data.length > 0 || final)) {
      data = this.mode === 'headers' ? this.feedHeaders(data, final) : this.feedBody(data, final);
    }
  }

  private normalise(chunk: Buffer): Buffer {
    const out: Buffer[] = [];
    let start = 0;
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) {
      const prev = i > 0 ? chunk[i - 1] : this.prevCR ? 13 : 0;
      if (prev !== 13) {
        out.push(chunk.subarray(start, i), CRLF);
        start = i + 1;
      }
    }
    this.prevCR = chunk[chunk.length - 1] === 13;
    if (start === 0) return chunk;
    out.push(chunk.subarray(start));
    return Buffer.concat(out);
  }

  /** Reads a header block; returns the bytes after it, or undefined when more input is needed. */
  private feedHeaders(data: Buffer, final: boolean): Buffer | undefined {
    const isRoot = !this.sawRoot;
    if (isRoot && this.hdrScan === 0 && data.length >= 5 && data.toString('latin1', 0, 5) === 'From ') {
      // An mbox "From " envelope line is not part of the message (RFC 4155): dropped, so the output starts with its headers.
      const nl = data.indexOf(10);
      if (nl === -1 && !final) {
        this.acc = Buffer.from(data);
        return undefined;
      }
      this.warn([], 'dropped a leading mbox "From " line');
      data = data.subarray(nl === -1 ? data.length : nl + 1);
    }
    let pos = this.hdrScan;
    let headerEnd = -1;
    let bodyStart = -1;
    for (;;) {
      const nl = data.indexOf(10, pos);
      if (nl === -1 || pos > HEADER_LIMIT) {
        if (!final && pos <= HEADER_LIMIT && data.length <= HEADER_LIMIT) {
          this.acc = Buffer.from(data);
          this.hdrScan = pos;
          return undefined;
        }
        if (pos > HEADER_LIMIT || data.length > HEADER_LIMIT) {
          if (isRoot) throw new MimeRewriteError('NOT_MIME', `the message does not start with a header block (no empty line within the first ${HEADER_LIMIT} bytes)`);
          this.warn(this.hdrPath, `part headers longer than ${HEADER_LIMIT} bytes: the part is passed through as it is`);
          this.mode = 'body';
          this.body = { kind: 'pass' };
          this.atLineStart = false;
          this.hdrScan = 0;
          return data;
        }
        // The input ends inside the header block: headers only, no body. A one-line input must be a header field.
        if (isRoot && pos === 0 && !isFieldLine(data, 0, data.length)) {
          throw new MimeRewriteError('NOT_MIME', `the message does not start with a header field (first line: ${JSON.stringify(data.subarray(0, Math.min(data.length, 60)).toString('latin1'))})`);
        }
        headerEnd = data.length;
        bodyStart = data.length;
        if (!isRoot || pos < data.length) this.warn(this.hdrPath, 'the input ends inside a header block');
        break;
      }
      const lineLength = nl + 1 - pos;
      if (lineLength === 1 || (lineLength === 2 && data[pos] === 13)) {
        headerEnd = pos;
        bodyStart = nl + 1;
        break;
      }
      const first = data[pos];
      if ((pos > 0 && (first === 32 || first === 9)) || isFieldLine(data, pos, nl)) {
        pos = nl + 1;
        continue;
      }
      // Not a header line and no empty line before it: the headers end here and the body starts at this line.
      if (isRoot && pos === 0) throw new MimeRewriteError('NOT_MIME', `the message does not start with a header field (first line: ${JSON.stringify(data.subarray(0, Math.min(nl, 60)).toString('latin1').replace(/\r$/, ''))})`);
      this.warn(this.hdrPath, 'the header block is not followed by an empty line');
      headerEnd = pos;
      bodyStart = pos;
      break;
    }
    if (isRoot && headerEnd === 0) throw new MimeRewriteError('NOT_MIME', 'the message has no header fields');
    this.hdrScan = 0;
    this.startPart(data.subarray(0, headerEnd), data.subarray(headerEnd, bodyStart));
    return data.subarray(bodyStart);
  }

  private startPart(headerBytes: Buffer, blank: Buffer): void {
    this.sawRoot = true;
    const path = this.hdrPath;
    const headers = HeaderBlock.parse(headerBytes);
    const parent = this.stack[this.stack.length - 1];
    const part = describePart(headers, path, parent?.digest ?? false, this.embeddedHeaders || (parent?.embedded ?? false));
    this.embeddedHeaders = false;
    guard(() => this.run.headers?.(part, headers));
    if (headers.isChanged) this.change(path, 'headers');
    this.mode = 'body';
    this.atLineStart = true;
    const head = (): Buffer => Buffer.concat([headers.isChanged ? headers.toBuffer() : headerBytes, blank.length ? blank : CRLF]);

    if (part.contentType.startsWith('multipart/')) {
      const boundary = parseStructured(headers.get('content-type')).params.boundary;
      this.push(head());
      this.body = { kind: 'pass' };
      if (!boundary) {
        this.warn(path, 'multipart without a boundary parameter: passed through as a single part');
        return;
      }
      this.stack.push({ delim: Buffer.from(`--${boundary}`, 'latin1'), boundary, path, children: 0, digest: part.contentType === 'multipart/digest', embedded: part.inEmbeddedMessage });
      return;
    }

    const descends = part.contentType === 'message/rfc822' && !/^(base64|quoted-printable)$/.test(part.transferEncoding);
    if (!descends && this.observer) {
      this.leaf = part;
      this.leafBytes = 0;
      guard(() => this.observer!.start(part));
    }
    const decision = guard(() => this.run.part?.(part));
    if (decision?.kind === 'strip' && path.length > 0) {
      this.push(notePart(decision.note));
      this.change(path, `removed ${describeForLog(part)}`);
      this.body = { kind: 'skip' };
    } else if (decision?.kind === 'stripIfLarger' && path.length > 0) {
      this.body = { kind: 'hold', part, head: head(), chunks: [], size: 0, maxBytes: decision.maxBytes, note: decision.note };
    } else if (decision?.kind === 'edit') {
      this.body = { kind: 'collect', part, headers, edit: decision.edit, chunks: [] };
    } else if (descends) {
      // An embedded message (a forwarded mail): its header block follows, and its parts are scanned like
      // ours, so that attachments inside it can be removed too. It ends where this part ends.
      this.push(head());
      this.body = { kind: 'pass' };
      this.mode = 'headers';
      this.hdrPath = [...path, 0];
      this.hdrScan = 0;
      this.embeddedHeaders = true;
    } else {
      this.push(head());
      this.body = { kind: 'pass' };
    }
  }

  /** Scans body bytes for the next boundary line; returns the bytes after it, or undefined when more input is needed. */
  private feedBody(data: Buffer, final: boolean): Buffer | undefined {
    if (this.stack.length === 0) {
      this.bodyData(data);
      this.atLineStart = false;
      if (final) this.endBody();
      return undefined;
    }
    if (this.atLineStart) {
      // A boundary line right after a header block or another boundary line has no CRLF of its own before it.
      const m = this.matchDelimiter(data, 0, final);
      if (m === 'more') {
        this.acc = Buffer.from(data);
        return undefined;
      }
      if (m) return this.atDelimiter(data, 0, m);
      this.atLineStart = false;
    }
    let from = 0;
    for (;;) {
      const i = data.indexOf(CRLF_DASH_DASH, from);
      if (i === -1) {
        const keep = final ? 0 : tailThatMayStartDelimiter(data);
        this.bodyData(data.subarray(0, data.length - keep));
        if (keep) this.acc = Buffer.from(data.subarray(data.length - keep));
        if (final) this.endOfInput();
        return undefined;
      }
      const m = this.matchDelimiter(data, i + 2, final);
      if (m === 'more') {
        this.bodyData(data.subarray(0, i));
        this.acc = Buffer.from(data.subarray(i));
        return undefined;
      }
      if (m) return this.atDelimiter(data, i, m);
      from = i + 2;
    }
  }

  private atDelimiter(data: Buffer, start: number, m: Delimiter): Buffer {
    this.bodyData(data.subarray(0, start));
    this.endBody();
    if (m.frame < this.stack.length - 1) {
      for (let k = this.stack.length - 1; k > m.frame; k--) this.warn(this.stack[k].path, `no close delimiter for boundary ${JSON.stringify(this.stack[k].boundary)}`);
      this.stack.length = m.frame + 1;
    }
    this.push(data.subarray(start, m.end));
    const frame = this.stack[m.frame];
    if (m.close) {
      this.stack.pop();
      this.body = { kind: 'pass' };
      this.mode = 'body';
      this.atLineStart = true;
    } else {
      this.mode = 'headers';
      this.hdrPath = [...frame.path, frame.children++];
      this.hdrScan = 0;
    }
    return data.subarray(m.end);
  }

  private endOfInput(): void {
    this.endBody();
    for (let k = this.stack.length - 1; k >= 0; k--) this.warn(this.stack[k].path, `missing final boundary ${JSON.stringify(this.stack[k].boundary)} (input ends inside the multipart)`);
    this.stack.length = 0;
  }

  /** Whether `data[at...]` is a boundary line of an open multipart (innermost first); 'more' when undecidable yet. */
  private matchDelimiter(data: Buffer, at: number, final: boolean): Delimiter | 'more' | undefined {
    for (let k = this.stack.length - 1; k >= 0; k--) {
      const d = this.stack[k].delim;
      const avail = data.length - at;
      if (avail < d.length) {
        if (!final && data.compare(d, 0, avail, at, data.length) === 0) return 'more';
        continue;
      }
      if (data.compare(d, 0, d.length, at, at + d.length) !== 0) continue;
      const j = at + d.length;
      const nl = data.indexOf(10, j);
      if (nl === -1 && !final && data.length - j < LINE_LIMIT) return 'more';
      const end = nl === -1 ? Math.min(data.length, j + LINE_LIMIT) : nl + 1;
      const close = data[j] === 45 && data[j + 1] === 45;
      if (!close && !isWhitespaceToEol(data, j, end)) continue; // a longer string that starts with the boundary
      if (nl === -1 && end < data.length) continue;
      return { frame: k, close, end };
    }
    return undefined;
  }

  private bodyData(bytes: Buffer): void {
    if (bytes.length === 0) return;
    if (this.leaf) this.leafBytes += bytes.length;
    const body = this.body;
    switch (body.kind) {
      case 'pass':
        this.push(bytes);
        return;
      case 'skip':
        return;
      case 'collect':
        body.chunks.push(bytes);
        return;
      case 'hold':
        body.chunks.push(bytes);
        body.size += bytes.length;
        if (body.size > body.maxBytes) {
          this.push(notePart(body.note));
          this.change(body.part.path, `removed ${describeForLog(body.part)} (body over ${body.maxBytes} bytes)`);
          this.body = { kind: 'skip' };
        }
        return;
    }
  }

  private endBody(): void {
    if (this.leaf) {
      const leaf = this.leaf;
      this.leaf = undefined;
      guard(() => this.observer!.end(leaf, this.leafBytes));
    }
    const body = this.body;
    this.body = { kind: 'pass' };
    if (body.kind === 'hold') {
      this.push(body.head);
      for (const c of body.chunks) this.push(c);
    } else if (body.kind === 'collect') {
      const { part, headers } = body;
      const decoded = decodeText(Buffer.concat(body.chunks), part.charset, part.transferEncoding);
      const text = guard(() => body.edit(decoded.text, part));
      const encoded = encodeText(text, decoded, headers);
      this.push(Buffer.concat([headers.toBuffer(), CRLF, encoded, part.path.length === 0 ? CRLF : EMPTY]));
      this.change(part.path, `edited ${part.contentType} body`);
    }
  }

  private change(path: readonly number[], what: string): void {
    this.report.changes.push(`${pathName(path)}: ${what}`);
  }

  private warn(path: readonly number[], what: string): void {
    this.report.warnings.push(`${pathName(path)}: ${what}`);
  }
}

/**
 * Applies transforms to a MIME message and returns the new message as a stream. Parts no transform
 * touches are copied byte for byte. The stream emits only `MimeRewriteError` (input not MIME, input stream
 * failed, a transform callback threw); structural defects are carried through and listed in `report.warnings`.
 *
 * @param input the message: a stream (e.g. from `getRawMessage`), a Buffer, or a string (encoded as UTF-8)
 */
export function rewrite(input: Readable | Buffer | string, ...transforms: MimeTransform[]): RewriteStream {
  const rewriter = new MimeRewriter(transforms);
  const source = toSource(input);
  source.on('error', (e: Error) => {
    rewriter.destroy(new MimeRewriteError('INPUT', `reading the message failed: ${e.message}`, { cause: e }));
  });
  rewriter.on('error', () => {
    source.unpipe(rewriter);
    source.destroy();
  });
  source.pipe(rewriter);
  return rewriter;
}

/** What `inspect` learns about a leaf part (not multipart): its headers, and the size of its body. */
export interface InspectedPart extends MimePart {
  /** Bytes of the body as transferred (still base64 or quoted-printable encoded), line ends included. */
  readonly bodyBytes: number;
}

/** Options of `inspect`. */
export interface InspectOptions {
  /**
   * Called with each leaf part's headers, before its body is read; returning true stops the scan there
   * (the rest of the input is not read). A callback that throws makes `inspect` reject with `TRANSFORM`.
   * @default the scan reads the whole message
   */
  readonly stopAt?: (part: MimePart) => boolean;
}

/** What `inspect` found. */
export interface MimeInspection {
  /** Every leaf part whose body was read to its end, in order (not the one the scan stopped at). */
  readonly parts: InspectedPart[];
  /** The part `stopAt` chose, when it chose one. */
  readonly stoppedAt?: MimePart;
  /** Structural defects met on the way (as in `RewriteReport.warnings`). */
  readonly warnings: string[];
}

interface PartObserver {
  start(part: MimePart): void;
  end(part: MimePart, bodyBytes: number): void;
}

/** Internal: thrown by the observer to stop the scan at a part. */
class Stop {
  constructor(readonly part: MimePart) {}
}

/**
 * Reads a MIME message without changing it: the same scanner as `rewrite` (headers and boundary lines
 * parsed, bodies only counted, never decoded), for handlers that decide from the structure, e.g. "does it
 * carry an .exe". Rejects only with `MimeRewriteError` (`NOT_MIME`, `INPUT`, `TRANSFORM`), like `rewrite`.
 *
 * @param input the message: a stream (e.g. from `getRawMessage`), a Buffer, or a string (encoded as UTF-8)
 */
export function inspect(input: Readable | Buffer | string, options: InspectOptions = {}): Promise<MimeInspection> {
  const parts: InspectedPart[] = [];
  const { stopAt } = options;
  const scanner = new MimeRewriter([], {
    start(part) {
      if (stopAt?.(part)) throw new Stop(part);
    },
    end(part, bodyBytes) {
      parts.push({ ...part, bodyBytes });
    },
  });
  const source = toSource(input);
  return new Promise<MimeInspection>((resolve, reject) => {
    source.on('error', (e: Error) => scanner.destroy(new MimeRewriteError('INPUT', `reading the message failed: ${e.message}`, { cause: e })));
    scanner.on('error', (e: Error) => {
      source.unpipe(scanner);
      source.destroy();
      const cause = (e as { cause?: unknown }).cause;
      if (e instanceof MimeRewriteError && e.code === 'TRANSFORM' && cause instanceof Stop) {
        resolve({ parts, stoppedAt: cause.part, warnings: scanner.report.warnings });
      } else {
        reject(e);
      }
    });
    scanner.on('end', () => resolve({ parts, warnings: scanner.report.warnings }));
    // The scanner's output is the input again: dropped as it comes.
    scanner.resume();
    source.pipe(scanner);
  });
}

function toSource(input: Readable | Buffer | string): Readable {
  return typeof input === 'string' ? Readable.from([Buffer.from(input, 'utf8')]) : Buffer.isBuffer(input) ? Readable.from([input]) : input;
}

function asRewriteError(e: unknown): MimeRewriteError {
  if (e instanceof MimeRewriteError) return e;
  return new MimeRewriteError('TRANSFORM', `rewriting failed: ${(e as Error)?.message ?? String(e)}`, { cause: e });
}

function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof MimeRewriteError) throw e;
    throw new MimeRewriteError('TRANSFORM', `a transform failed: ${(e as Error)?.message ?? String(e)}`, { cause: e });
  }
}

function describePart(headers: HeaderBlock, path: readonly number[], parentIsDigest: boolean, inEmbeddedMessage: boolean): MimePart {
  const ct = parseStructured(headers.get('content-type'));
  const contentType = /^[^/\s]+\/[^/\s]+$/.test(ct.value) ? ct.value : parentIsDigest ? 'message/rfc822' : 'text/plain';
  const disp = parseStructured(headers.get('content-disposition'));
  const rawName = disp.params.filename ?? ct.params.name;
  const filename = rawName !== undefined ? decodeHeaderText(rawName) : undefined;
  const transferEncoding = (headers.get('content-transfer-encoding') ?? '7bit').trim().toLowerCase() || '7bit';
  const declared = Number(disp.params.size);
  const multipart = contentType.startsWith('multipart/');
  return {
    path,
    contentType,
    charset: ct.params.charset,
    filename,
    disposition: disp.value || undefined,
    transferEncoding,
    size: disp.params.size !== undefined && Number.isFinite(declared) && declared >= 0 ? declared : undefined,
    isAttachment: !multipart && path.length > 0 && (disp.value === 'attachment' || filename !== undefined),
    inEmbeddedMessage,
  };
}

function describeForLog(part: MimePart): string {
  return `${part.contentType}${part.filename !== undefined ? ` ${JSON.stringify(part.filename)}` : ''}`;
}

/** The text/plain part that stands in for a removed attachment (no trailing CRLF: the boundary line brings it). */
function notePart(note: string): Buffer {
  const canonical = note.replace(/\r?\n/g, '\r\n');
  const ascii = /^[\x20-\x7e\r\n\t]*$/.test(canonical) && !canonical.split('\r\n').some((l) => l.length > MAX_LINE_TEXT_OCTETS);
  const body = ascii ? canonical : wrapQp(canonical);
  return Buffer.from(
    foldHeader('Content-Type', 'text/plain; charset=utf-8') +
      foldHeader('Content-Transfer-Encoding', ascii ? '7bit' : 'quoted-printable') +
      foldHeader('Content-Disposition', 'inline') +
      '\r\n' +
      body,
    'latin1',
  );
}

function wrapQp(text: string): string {
  return libqp().wrap(libqp().encode(Buffer.from(text, 'utf8')), 76);
}

function pathName(path: readonly number[]): string {
  return path.length ? path.join('.') : 'message';
}

function isFieldLine(data: Buffer, pos: number, nl: number): boolean {
  let i = pos;
  while (i < nl && data[i] > 32 && data[i] < 127 && data[i] !== 58) i++;
  if (i === pos) return false;
  while (i < nl && (data[i] === 32 || data[i] === 9)) i++;
  return data[i] === 58;
}

function isWhitespaceToEol(data: Buffer, from: number, end: number): boolean {
  for (let i = from; i < end; i++) {
    const b = data[i];
    if (b !== 32 && b !== 9 && b !== 13 && b !== 10) return false;
  }
  return true;
}

/** How many bytes at the end of `data` could be the start of `\r\n--` (kept back for the next chunk). */
function tailThatMayStartDelimiter(data: Buffer): number {
  const n = data.length;
  for (let keep = Math.min(3, n); keep > 0; keep--) {
    if (data.compare(CRLF_DASH_DASH, 0, keep, n - keep, n) === 0) return keep;
  }
  return 0;
}
