/**
 * Example WorkMail handler deployed by bin/app.ts that updates messages (synchronous inbound rule).
 *
 * A message whose envelope sender is outside INTERNAL_DOMAINS (comma-separated) gets its Subject prefixed
 * with SUBJECT_TAG (default `[EXTERNAL]`): read with getRawMessage(), changed, put back with putRawMessage(),
 * then delivered as usual. A message WorkMail does not let us update (MessageFrozen, e.g. a redirect) is
 * delivered unchanged. Any other failure is thrown: WorkMail retries, then applies the rule's fallback action.
 */
import type { Context, Handler } from 'aws-lambda';
import { MessageFrozenError, getRawMessage, putRawMessage } from '../../runtime/message-content';

/** The Run Lambda event, as far as this handler reads it. */
export interface WorkMailEvent {
  readonly summaryVersion: string;
  readonly envelope: { readonly mailFrom: { readonly address: string }; readonly recipients: { readonly address: string }[] };
  readonly subject: string;
  readonly messageId: string;
  readonly flowDirection?: 'INBOUND' | 'OUTBOUND';
}

export interface WorkMailResponse {
  readonly actions: { readonly action: { readonly type: 'DEFAULT' }; readonly allRecipients: true }[];
}

const DELIVER: WorkMailResponse = { actions: [{ action: { type: 'DEFAULT' }, allRecipients: true }] };

const tag = process.env.SUBJECT_TAG || '[EXTERNAL]';
const internal = (process.env.INTERNAL_DOMAINS ?? '').split(',').map((d) => d.trim().toLowerCase()).filter(Boolean);

/** Whether `address` is in one of the organization's domains (or a subdomain of one). */
export function isInternal(address: string, domains: readonly string[] = internal): boolean {
  const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
  return domains.some((d) => domain === d || domain.endsWith(`.${d}`));
}

// RFC 5322 2.1.1: at most 998 characters on a line, CRLF not counted.
const MAX_LINE = 998;

/**
 * The message with `prefix` put in front of its Subject, or undefined when the Subject already starts with it.
 * Only the header section changes; the bytes of everything else are kept as they are (latin1 maps each byte to
 * one character and back). A folded Subject stays folded; a first line that would grow past 998 characters is
 * folded after the prefix; a message without a Subject gets one.
 */
export function tagSubject(mime: Buffer, prefix: string): Buffer | undefined {
  const text = mime.toString('latin1');
  const eol = /\r\n/.test(text.slice(0, text.indexOf('\n') + 1)) ? '\r\n' : '\n';
  const headerEnd = text.indexOf(`${eol}${eol}`);
  const head = headerEnd === -1 ? text : text.slice(0, headerEnd);
  const rest = headerEnd === -1 ? '' : text.slice(headerEnd);
  const lines = head.split(eol);

  const at = lines.findIndex((line) => /^subject:/i.test(line));
  if (at === -1) {
    return Buffer.from([...lines, `Subject: ${prefix}`].join(eol) + (rest || eol), 'latin1');
  }
  let end = at + 1;
  while (end < lines.length && /^[ \t]/.test(lines[end])) end++;
  const name = lines[at].slice(0, lines[at].indexOf(':') + 1);
  const firstValue = lines[at].slice(name.length).replace(/^[ \t]+/, '');
  const unfolded = [firstValue, ...lines.slice(at + 1, end)].join('').trim();
  if (unfolded.startsWith(prefix)) return undefined;

  const tagged = firstValue === '' ? [`${name} ${prefix}`] : [`${name} ${prefix} ${firstValue}`];
  if (tagged[0].length > MAX_LINE) tagged.splice(0, 1, `${name} ${prefix}`, ` ${firstValue}`);
  lines.splice(at, 1, ...tagged);
  return Buffer.from(lines.join(eol) + rest, 'latin1');
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

export const handler: Handler<WorkMailEvent, WorkMailResponse> = async (event: WorkMailEvent, _context: Context) => {
  if (event.flowDirection === 'OUTBOUND' || isInternal(event.envelope.mailFrom.address)) return DELIVER;
  const original = await readAll(await getRawMessage(event.messageId));
  const updated = tagSubject(original, tag);
  if (!updated) return DELIVER;
  try {
    await putRawMessage(event.messageId, updated);
  } catch (error) {
    if (!(error instanceof MessageFrozenError)) throw error;
    console.log(JSON.stringify({ message: 'delivered unchanged', messageId: event.messageId, reason: error.message }));
  }
  return DELIVER;
};
