/**
 * attachmentFilterHandler end to end: local Message Flow + S3 through the real SDK clients, the MIME fixtures.
 */
import { DEFAULT_ATTACHMENT_BOUNCE_MESSAGE, attachmentFilterHandler, inspect } from '../../../lambda/runtime';
import type { AttachmentFilterHandlerOptions } from '../../../lambda/runtime';
import { MessageContentEndpoints, startMessageContentEndpoints } from '../../local/message-content-endpoints';
import { FIXTURES, largeMessage } from '../../fixtures/mime/fixtures';
import { parse, split } from '../mime/helpers';
import { BUCKET, context, dispositions, event, everyone, logSink, newId } from './helpers';

const fixture = (name: string) => FIXTURES.find((f) => f.name === name)!.mime;
// mixed-nested: logo.png (inline, 960 bytes of base64), résumé.pdf (attachment, 4104), fwd.eml (message/rfc822 with a text body).
const MIXED = fixture('mixed-nested');
let endpoints: MessageContentEndpoints;

beforeAll(async () => {
  endpoints = await startMessageContentEndpoints([BUCKET]);
});
afterAll(async () => endpoints.stop());

async function run(mime: Buffer, options: AttachmentFilterHandlerOptions) {
  const id = newId();
  endpoints.messageFlow.addMessage(id, mime);
  const { log, entries } = logSink();
  const raw = event(id);
  const answer = await attachmentFilterHandler({ bucket: BUCKET, log, ...options })(raw, context);
  const operations = endpoints.messageFlow.requests.filter((r) => r.path.endsWith(id)).map((r) => r.operation);
  return { id, raw, answer, entries, operations, stored: endpoints.messageFlow.message(id)!, result: dispositions(raw, answer) };
}

describe('drop and bounce: the answer, the message untouched', () => {
  test('bounce by extension (RFC 2231-encoded name, any case): BOUNCE with the default text', async () => {
    const r = await run(MIXED, { action: 'bounce', extensions: ['PDF'] });
    expect(r.result).toEqual(everyone(r.raw, { type: 'BOUNCE', parameters: { bounceMessage: DEFAULT_ATTACHMENT_BOUNCE_MESSAGE } }));
    expect(r.operations).toEqual(['GetRawMessageContent']);
    expect(r.stored).toEqual(MIXED);
    expect(r.entries).toEqual([expect.objectContaining({ outcome: 'bounced', attachment: { path: '1', contentType: 'application/pdf', filename: 'résumé.pdf' } })]);
  });

  test('bounce with a configured text', async () => {
    const r = await run(MIXED, { action: 'bounce', extensions: ['.png'], bounceMessage: 'No images, please.' });
    expect(r.result).toEqual(everyone(r.raw, { type: 'BOUNCE', parameters: { bounceMessage: 'No images, please.' } }));
  });

  test('drop by content type, exact or type/*', async () => {
    expect((await run(MIXED, { action: 'drop', contentTypes: ['Application/PDF'] })).result).toEqual(everyone(event('x'), { type: 'DROP' }));
    const r = await run(MIXED, { action: 'drop', contentTypes: ['image/*'] });
    expect(r.result).toEqual(everyone(r.raw, { type: 'DROP' }));
    expect(r.entries[0]).toMatchObject({ outcome: 'dropped', attachment: { contentType: 'image/png', filename: 'logo.png' } });
  });

  test('an attachment of a forwarded message counts', async () => {
    const fwd = Buffer.from(MIXED.toString('latin1').replace('Content-Type: text/plain\r\n\r\ninner text', 'Content-Type: application/x-msdownload; name="run.exe"\r\n\r\ninner text'), 'latin1');
    expect((await run(fwd, { action: 'drop', extensions: ['exe'] })).result).toEqual(everyone(event('x'), { type: 'DROP' }));
  });

  test('by size: an attachment whose body is over maxBytes (the scan reads the whole message)', async () => {
    const over = await run(MIXED, { action: 'bounce', maxBytes: 4000 });
    expect(over.result).toEqual(everyone(over.raw, { type: 'BOUNCE', parameters: { bounceMessage: DEFAULT_ATTACHMENT_BOUNCE_MESSAGE } }));
    expect(over.entries[0]).toMatchObject({ outcome: 'bounced', attachment: { filename: 'résumé.pdf', bodyBytes: 4104 } });
    // The text parts are larger than 10 bytes too, but they are not attachments.
    const under = await run(fixture('alternative'), { action: 'bounce', maxBytes: 10 });
    expect(under.result).toEqual(everyone(under.raw, { type: 'DEFAULT' }));
    expect((await run(MIXED, { action: 'bounce', maxBytes: 4104 })).result).toEqual(everyone(event('x'), { type: 'DEFAULT' }));
  });

  test('a test of your own (`when`) on the attachment headers', async () => {
    const r = await run(MIXED, { action: 'drop', when: (a) => a.size !== undefined && a.size >= 3000 });
    expect(r.result).toEqual(everyone(r.raw, { type: 'DROP' }));
  });

  test('no matching attachment: DEFAULT, and the count logged', async () => {
    const r = await run(MIXED, { action: 'drop', extensions: ['exe', 'js'] });
    expect(r.result).toEqual(everyone(r.raw, { type: 'DEFAULT' }));
    expect(r.entries).toEqual([expect.objectContaining({ outcome: 'delivered', attachments: 2 })]);
  });

  test.each(['malformed-boundary', 'missing-final-boundary', 'truncated', 'bare-lf'])('%s: its attachment is still found', async (name) => {
    const r = await run(fixture(name), { action: 'drop', contentTypes: ['application/*', 'image/*'] });
    expect(r.result).toEqual(everyone(r.raw, { type: 'DROP' }));
  });

  test('the scan stops at the first match: a 40 MB message with the match in front is not read to its end', async () => {
    const big = largeMessage(40 * 1024 * 1024);
    const seen: string[] = [];
    const scan = await inspect(big, { stopAt: (p) => (seen.push(p.contentType), p.isAttachment) });
    expect(scan.stoppedAt).toMatchObject({ filename: 'figures.bin' });
    expect(seen).toEqual(['text/plain', 'text/html', 'application/octet-stream']);
    const r = await run(big, { action: 'bounce', extensions: ['bin'] });
    expect(r.result).toEqual(everyone(r.raw, { type: 'BOUNCE', parameters: { bounceMessage: DEFAULT_ATTACHMENT_BOUNCE_MESSAGE } }));
  });
});

describe('strip: the matching attachments replaced by a note, the message put back', () => {
  test('by extension: the PDF goes, the inline image and the forwarded message stay', async () => {
    const r = await run(MIXED, { action: 'strip', extensions: ['pdf'] });
    expect(r.result).toEqual(everyone(r.raw, { type: 'DEFAULT' }));
    expect(r.operations).toEqual(['GetRawMessageContent', 'PutRawMessageContent']);
    const parsed = await parse(r.stored);
    expect(parsed.attachments.map((a) => a.filename)).toEqual(expect.arrayContaining(['logo.png']));
    expect(parsed.attachments.map((a) => a.filename)).not.toContain('résumé.pdf');
    // The note, quoted-printable (the name is not ASCII)
    expect(r.stored.toString('latin1')).toContain('The attachment "r=C3=A9sum=C3=A9.pdf" (application/pdf) was removed.');
    expect(r.entries[0]).toMatchObject({ outcome: 'stripped', changes: ['1: removed application/pdf "résumé.pdf"'] });
  });

  test('by size, with a note of your own', async () => {
    const r = await run(MIXED, { action: 'strip', maxBytes: 1000, note: (a) => `Removed ${a.filename}: too large.` });
    expect(r.stored.toString('latin1')).toContain('Removed r=C3=A9sum=C3=A9.pdf: too large.');
    expect(r.entries[0].changes).toEqual(['1: removed application/pdf "résumé.pdf" (body over 1000 bytes)']);
    // the 960-byte logo stays, byte for byte
    const before = (await split(MIXED)).find((n) => n.contentType === 'image/png')!;
    expect((await split(r.stored)).find((n) => n.contentType === 'image/png')!.body).toEqual(before.body);
  });

  test('nothing matches: nothing uploaded', async () => {
    const r = await run(MIXED, { action: 'strip', extensions: ['exe'] });
    expect(r.operations).toEqual(['GetRawMessageContent']);
    expect(r.entries[0]).toMatchObject({ outcome: 'unchanged' });
  });
});

describe('bad input', () => {
  test.each(['drop', 'bounce', 'strip'] as const)('%s: not MIME gets the safe response and a log line', async (action) => {
    const r = await run(Buffer.from('\r\n\r\njust text, no headers'), { action, extensions: ['exe'], safeAction: { type: 'BOUNCE', parameters: { bounceMessage: 'Unreadable.' } } });
    expect(r.result).toEqual(everyone(r.raw, { type: 'BOUNCE', parameters: { bounceMessage: 'Unreadable.' } }));
    expect(r.entries).toEqual([expect.objectContaining({ level: 'warn', outcome: 'safe-response', error: expect.objectContaining({ name: 'MimeRewriteError', code: 'NOT_MIME' }) })]);
  });

  test('a `when` that throws: the safe response (TRANSFORM)', async () => {
    const r = await run(MIXED, { action: 'drop', when: () => { throw new Error('bug'); } });
    expect(r.result).toEqual(everyone(r.raw, { type: 'DEFAULT' }));
    expect(r.entries[0]).toMatchObject({ outcome: 'safe-response', error: { code: 'TRANSFORM' } });
  });

  test('options refused when the handler is made', () => {
    expect(() => attachmentFilterHandler({ action: 'quarantine' as never, extensions: ['exe'] })).toThrow(/action must be 'drop', 'bounce' or 'strip', got "quarantine"/);
    expect(() => attachmentFilterHandler({ action: 'drop' })).toThrow(/give at least one of extensions, contentTypes, maxBytes or when/);
    expect(() => attachmentFilterHandler({ action: 'drop', maxBytes: -1 })).toThrow(/maxBytes must be a whole number of bytes >= 0, got -1/);
    expect(() => attachmentFilterHandler({ action: 'bounce', extensions: ['exe'], bounceMessage: ' ' })).toThrow(/bounceMessage must not be empty/);
  });
});
