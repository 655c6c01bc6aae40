/**
 * `rewrite(input, ...transforms)`: the entry point. The scanner (`./scanner`) reads the input, the writer
 * (`./writer`) applies the transforms (one, made of several by `./compose`) and writes the new message.
 */
import { Readable, Transform, TransformCallback } from 'node:stream';
import { compose } from './compose';
import { EMPTY } from './conform';
import { MimeRewriteError } from './errors';
import { MimeScanner } from './scanner';
import type { MimeTransform, RewriteReport } from './types';
import { MimeWriter } from './writer';

/** The output of `rewrite`: the new MIME as a byte stream, and what was done once it has ended. */
export interface RewriteStream extends Readable {
  /** Complete after the stream's `end` event. */
  readonly report: RewriteReport;
}

class RewriteTransform extends Transform {
  public readonly report: RewriteReport;
  private readonly writer: MimeWriter;
  private readonly scanner: MimeScanner;

  constructor(transforms: readonly MimeTransform[]) {
    super();
    this.writer = new MimeWriter(compose(...transforms).start(), (bytes) => void this.push(bytes));
    this.scanner = new MimeScanner(this.writer);
    this.report = this.writer.report;
  }

  public _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    this.step(() => this.scanner.feed(chunk, false), callback);
  }

  public _flush(callback: TransformCallback): void {
    this.step(() => {
      this.scanner.feed(EMPTY, true);
      this.writer.finish();
      this.report.normalisedLineEnds = this.scanner.normalisedLineEnds;
    }, callback);
  }

  private step(fn: () => void, callback: TransformCallback): void {
    try {
      fn();
      callback();
    } catch (e) {
      callback(asRewriteError(e));
    }
  }
}

/**
 * Applies transforms to a MIME message and returns the new message as a stream. Parts no transform
 * touches are copied byte for byte (unless they break WorkMail's line rules: `report.repaired`). The stream
 * emits only `MimeRewriteError`; structural defects are carried through and listed in `report.warnings`.
 *
 * @param input the message: a stream (e.g. from `getRawMessage`), a Buffer, or a string (encoded as UTF-8)
 */
export function rewrite(input: Readable | Buffer | string, ...transforms: MimeTransform[]): RewriteStream {
  const rewriter = new RewriteTransform(transforms);
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

/** A Buffer or string as a one-chunk stream. */
export function toSource(input: Readable | Buffer | string): Readable {
  return typeof input === 'string' ? Readable.from([Buffer.from(input, 'utf8')]) : Buffer.isBuffer(input) ? Readable.from([input]) : input;
}

/** Any failure as the one error the engine emits: a transform's own error becomes `TRANSFORM`. */
export function asRewriteError(e: unknown): MimeRewriteError {
  if (e instanceof MimeRewriteError) return e;
  return new MimeRewriteError('TRANSFORM', `a transform failed: ${(e as Error)?.message ?? String(e)}`, { cause: e });
}
