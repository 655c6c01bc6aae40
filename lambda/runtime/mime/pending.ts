/** The scanner's buffer for bytes that wait for more input. */
import { EMPTY } from './conform';

/** Bytes kept for the next chunk: one buffer that grows by doubling, with a read offset (amortised O(1) per byte). */
export class Pending {
  private buf: Buffer = EMPTY;
  private start = 0;
  private end = 0;
  get length(): number {
    return this.end - this.start;
  }
  view(): Buffer {
    return this.buf.subarray(this.start, this.end);
  }
  /** Keeps `bytes` (a slice of the last view, or new input) after what is kept already. */
  append(bytes: Buffer): void {
    if (this.end + bytes.length > this.buf.length) {
      // Never written over: slices of the old buffer may have been handed on already.
      const next = Buffer.allocUnsafe(Math.max(2 * this.buf.length, this.length + bytes.length, 1024));
      this.buf.copy(next, 0, this.start, this.end);
      this.end -= this.start;
      this.start = 0;
      this.buf = next;
    }
    bytes.copy(this.buf, this.end);
    this.end += bytes.length;
  }
  /** Forgets the first `n` bytes kept. */
  drop(n: number): void {
    this.start += n;
    if (this.start === this.end) this.clear();
  }
  clear(): void {
    this.buf = EMPTY;
    this.start = this.end = 0;
  }
}

/** How many bytes at the end of `data` (from `pos`) could start a boundary line: a line break, maybe one dash. */
export function tailThatMayStartDelimiter(data: Buffer, pos: number): number {
  const n = data.length;
  let keep = 0;
  if (n - 1 >= pos && data[n - 1] === 45) keep = 1;
  const b = data[n - 1 - keep];
  if (n - 1 - keep >= pos && (b === 10 || b === 13)) {
    keep++;
    if (b === 10 && n - 1 - keep >= pos && data[n - 1 - keep] === 13) keep++;
    return keep;
  }
  return 0;
}
