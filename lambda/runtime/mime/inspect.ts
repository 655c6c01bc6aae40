/**
 * `inspect(input, { stopAt? })`: the scanner with no output, for handlers that decide from the structure
 * ("does it carry an .exe"). Same view of the parts as `rewrite`.
 */
import type { Readable } from 'node:stream';
import { EMPTY } from './conform';
import { MimeRewriteError } from './errors';
import { asRewriteError, toSource } from './rewrite';
import { MimeScanner } from './scanner';
import type { ScannedPart, ScanSink } from './scan-sink';
import { pathName } from './part';
import type { MimePart } from './types';

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

/** Collects the leaf parts; stops the scan (by returning 'stop') at the part `stopAt` chooses. */
class Collector implements ScanSink {
  public readonly parts: InspectedPart[] = [];
  public readonly warnings: string[] = [];
  public stoppedAt: MimePart | undefined;
  private leaf: MimePart | undefined;
  private bytes = 0;

  constructor(private readonly stopAt?: (part: MimePart) => boolean) {}

  public part(p: ScannedPart): 'stop' | undefined {
    if (p.multipart || p.descends) return undefined;
    if (this.stopAt?.(p.part)) {
      this.stoppedAt = p.part;
      return 'stop';
    }
    this.leaf = p.part;
    this.bytes = 0;
    return undefined;
  }

  public body(bytes: Buffer): void {
    if (this.leaf) this.bytes += bytes.length;
  }

  public endLeaf(): void {
    if (this.leaf) this.parts.push({ ...this.leaf, bodyBytes: this.bytes });
    this.leaf = undefined;
  }

  public delimiter(): void {
    this.leaf = undefined;
  }

  public warn(path: readonly number[], what: string): void {
    this.warnings.push(`${pathName(path)}: ${what}`);
  }
}

/**
 * Reads a MIME message without changing it: the same scanner as `rewrite` (headers and boundary lines
 * parsed, bodies only counted, never decoded). Rejects only with `MimeRewriteError` (`NOT_MIME`, `LIMIT`,
 * `INPUT`, `TRANSFORM`), like `rewrite`.
 *
 * @param input the message: a stream (e.g. from `getRawMessage`), a Buffer, or a string (encoded as UTF-8)
 */
export async function inspect(input: Readable | Buffer | string, options: InspectOptions = {}): Promise<MimeInspection> {
  const collector = new Collector(options.stopAt);
  const scanner = new MimeScanner(collector);
  const source = toSource(input);
  const result = (): MimeInspection => ({ parts: collector.parts, ...(collector.stoppedAt ? { stoppedAt: collector.stoppedAt } : {}), warnings: collector.warnings });
  const chunks = source[Symbol.asyncIterator]();
  try {
    for (;;) {
      let next: IteratorResult<unknown>;
      try {
        next = await chunks.next();
      } catch (e) {
        throw new MimeRewriteError('INPUT', `reading the message failed: ${(e as Error)?.message ?? String(e)}`, { cause: e });
      }
      try {
        if (next.done) {
          scanner.feed(EMPTY, true);
          return result();
        }
        scanner.feed(Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value as string), false);
      } catch (e) {
        throw asRewriteError(e);
      }
      if (scanner.stopped) return result();
    }
  } finally {
    // A scan that stopped early (or failed) reads no further: the source is destroyed.
    if (!source.destroyed) source.destroy();
  }
}
