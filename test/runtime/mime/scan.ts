/** The scanner and writer run directly (no stream), to count the scan's work. */
import { compose, MimeTransform } from '../../../lambda/runtime/mime';
import { MimeScanner } from '../../../lambda/runtime/mime/scanner';
import { MimeWriter } from '../../../lambda/runtime/mime/writer';

/** Runs the scanner and writer directly over `mime` in `chunk`-byte pieces: the output and the work done. */
export function scan(mime: Buffer, chunk: number, transforms: MimeTransform[]): { out: Buffer; work: number } {
  const out: Buffer[] = [];
  const writer = new MimeWriter(compose(...transforms).start(), (b) => void out.push(b));
  const scanner = new MimeScanner(writer);
  for (let i = 0; i < mime.length; i += chunk) scanner.feed(mime.subarray(i, i + chunk), false);
  scanner.feed(Buffer.alloc(0), true);
  writer.finish();
  return { out: Buffer.concat(out), work: scanner.work };
}

/** The bound the scan keeps: a few steps per input byte, whatever the structure. */
export const workBound = (bytes: number, chunk: number) => 4 * bytes + 4 * Math.ceil(bytes / chunk) + 64;

