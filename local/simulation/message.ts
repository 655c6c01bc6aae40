/**
 * The message of a simulation: the header fields matching reads (`Sender`, `From`, `Subject`), a minimal message
 * when none is given, and the Run Lambda event as WorkMail builds it.
 */
import { randomBytes } from 'node:crypto';
import { MAX_LINE_OCTETS } from '../../lambda/rules/message-content';

/** WorkMail cuts the event's subject at this many characters. */
export const MAX_EVENT_SUBJECT = 256;

/** WorkMail cuts the event's recipients so that the event stays within this many bytes (128 KB). */
export const MAX_EVENT_BYTES = 128 * 1024;

/** The header fields of a message that the simulation reads. */
export interface MessageHeaders {
  readonly from?: string;
  readonly sender?: string;
  readonly subject?: string;
}

/**
 * Reads `From`, `Sender` and `Subject` (the first of each) from the header section, or says why `mime` is not a
 * MIME message. Linear in the header section's size.
 */
export function readHeaders(mime: Buffer, what: string): MessageHeaders {
  if (mime.length === 0) throw new Error(`${what} is empty; it must be a MIME message (header fields, an empty line, the body)`);
  const end = headerEnd(mime);
  const fields: { name: string; value: string }[] = [];
  let lineNumber = 0;
  let pos = 0;
  while (pos < end) {
    lineNumber++;
    const lf = mime.indexOf(0x0a, pos);
    const stop = lf === -1 || lf >= end ? end : lf;
    const line = mime.subarray(pos, stop > pos && mime[stop - 1] === 0x0d ? stop - 1 : stop).toString('latin1');
    pos = stop + 1;
    if (/^[ \t]/.test(line)) {
      if (fields.length === 0) throw new Error(`${what} is not a MIME message: it starts with a folded line instead of a header field`);
      fields[fields.length - 1].value += ` ${line.trim()}`;
      continue;
    }
    const match = /^([\x21-\x39\x3b-\x7e]+):(.*)$/.exec(line);
    if (!match) {
      throw new Error(`${what} is not a MIME message: line ${lineNumber} (${JSON.stringify(line.slice(0, 40))}) is not a header field (name: value) and no empty line ends the header section before it`);
    }
    fields.push({ name: match[1].toLowerCase(), value: match[2].trim() });
  }
  const first = (field: string) => fields.find((f) => f.name === field)?.value;
  const text = (field: string) => (first(field) !== undefined ? decodeHeader(first(field)!) : undefined);
  const address = (field: string) => (first(field) !== undefined ? headerAddress(first(field)!) : undefined);
  return { from: address('from'), sender: address('sender'), subject: text('subject') };
}
/** Where the header section ends (the empty line), or the end of `mime`. */
function headerEnd(mime: Buffer): number {
  const crlf = mime.indexOf('\r\n\r\n');
  const lf = mime.indexOf('\n\n');
  const ends = [crlf, lf].filter((i) => i !== -1);
  return ends.length ? Math.min(...ends) + 1 : mime.length;
}

/** Decodes RFC 2047 encoded words (libmime, a dependency of the package); 8-bit text is read as UTF-8 when it is. */
export function decodeHeader(rawLatin1: string): string {
  let text = rawLatin1;
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(text)) {
    const utf8 = Buffer.from(text, 'latin1').toString('utf8');
    if (!utf8.includes('\ufffd')) text = utf8;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return text.includes('=?') ? (require('libmime') as { decodeWords(s: string): string }).decodeWords(text) : text;
}

/**
 * The first mailbox's address of an address header (`"Name" <a@example.com>`, `a@example.com (comment)`,
 * `group: a@example.com;`), or undefined. Quoted strings and comments are skipped, so a display name holding
 * `<` or `@` is not taken for the address.
 */
export function headerAddress(value: string): string | undefined {
  let plain = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\' && (quoted || depth > 0)) {
      i++;
      continue;
    }
    if (quoted) {
      if (c === '"') quoted = false;
      continue;
    }
    if (depth > 0) {
      if (c === '(') depth++;
      else if (c === ')') depth--;
      continue;
    }
    if (c === '"') quoted = true;
    else if (c === '(') depth = 1;
    else plain += c;
  }
  const angle = /<([^<>\s]+@[^<>\s]+)>/.exec(plain);
  if (angle) return angle[1];
  const bare = /([^\s:;,<>]+@[^\s:;,<>]+)/.exec(plain);
  return bare?.[1];
}

/** A minimal message for a simulation without one: the headers it names and an empty body. */
export function minimalMessage(options: { from: string; sender?: string; to: readonly string[]; subject: string }): Buffer {
  const lines = [
    `From: ${options.from}`,
    ...(options.sender ? [`Sender: ${options.sender}`] : []),
    `To: ${options.to.join(', ')}`,
    `Subject: ${/^[\x20-\x7e]*$/.test(options.subject) ? options.subject : `=?UTF-8?B?${Buffer.from(options.subject).toString('base64')}?=`}`,
    `Date: ${new Date().toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${randomBytes(8).toString('hex')}@simulation.local>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    '',
  ];
  return Buffer.from(lines.map((l) => l.slice(0, MAX_LINE_OCTETS - 2)).join('\r\n'), 'utf8');
}

/** What the Run Lambda event says. */
export interface EventInput {
  readonly direction: 'INBOUND' | 'OUTBOUND';
  readonly mailFrom: string;
  readonly recipients: readonly string[];
  readonly sender?: string;
  readonly subject: string;
  readonly messageId: string;
}

/**
 * The event WorkMail passes to a Run Lambda function (summaryVersion 2019-07-28): the subject cut at 256
 * characters, a fresh invocation id, and the recipient list cut short (`truncated`) when the event would pass 128 KB.
 */
export function buildEvent(input: EventInput): Record<string, unknown> {
  const event = {
    summaryVersion: '2019-07-28',
    envelope: { mailFrom: { address: input.mailFrom }, recipients: [] as { address: string }[] },
    ...(input.sender ? { sender: { address: input.sender } } : {}),
    subject: Array.from(input.subject).slice(0, MAX_EVENT_SUBJECT).join(''),
    messageId: input.messageId,
    invocationId: randomBytes(16).toString('hex'),
    flowDirection: input.direction,
    truncated: false,
  };
  let size = Buffer.byteLength(JSON.stringify(event));
  for (const address of input.recipients) {
    const entry = { address };
    const added = Buffer.byteLength(JSON.stringify(entry)) + (event.envelope.recipients.length ? 1 : 0);
    if (size + added > MAX_EVENT_BYTES) {
      event.truncated = true;
      break;
    }
    event.envelope.recipients.push(entry);
    size += added;
  }
  return event;
}
