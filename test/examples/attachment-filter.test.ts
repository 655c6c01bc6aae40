/**
 * The bundled attachment-filter example (assets/examples/attachment-filter, attachmentFilterHandler with
 * action 'strip') run in a plain Node process against the local Message Flow + S3 endpoints.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ATTACHMENT_FILTER_HANDLER_DIR } from '../../bin/example-stack';
import { MessageContentEndpoints, startMessageContentEndpoints } from '../local/message-content-endpoints';
import { BundledOutcome, runBundledHandler } from './run-bundled';

const BUCKET = 'example-message-content';
const mime = (name: string, type: string) => [
  'From: someone@partner.example', 'To: me@example.com', 'Date: Tue, 24 Nov 2026 10:00:00 +0000', 'Subject: Invoice',
  'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="b"', '',
  '--b', 'Content-Type: text/plain', '', 'See attached.', '',
  '--b', `Content-Type: ${type}; name="${name}"`, 'Content-Disposition: attachment', 'Content-Transfer-Encoding: base64', '', 'TVqQAAMAAAAEAAAA', '',
  '--b--', '',
].join('\r\n');
let endpoints: MessageContentEndpoints;

beforeAll(async () => {
  if (!fs.existsSync(path.join(ATTACHMENT_FILTER_HANDLER_DIR, 'index.js'))) throw new Error('run `npm run build` first: the bundle is missing');
  endpoints = await startMessageContentEndpoints([BUCKET]);
});
afterAll(async () => endpoints.stop());

function invoke(event: object, env: Record<string, string> = {}): Promise<BundledOutcome> {
  return runBundledHandler(ATTACHMENT_FILTER_HANDLER_DIR, event, { WORKMAIL_MESSAGE_CONTENT_BUCKET: BUCKET, ...env });
}

const event = (messageId: string) => ({
  summaryVersion: '2019-07-28',
  envelope: { mailFrom: { address: 'someone@partner.example' }, recipients: [{ address: 'me@example.com' }] },
  subject: 'Invoice', messageId, invocationId: '0'.repeat(40), flowDirection: 'INBOUND', truncated: false,
});
const DELIVER = { actions: [{ action: { type: 'DEFAULT' }, allRecipients: true }] };

test('an .exe is replaced by a note in the message WorkMail delivers', async () => {
  const id = 'b0000000-0000-0000-0000-000000000001';
  endpoints.messageFlow.addMessage(id, mime('setup.EXE', 'application/octet-stream'));
  const outcome = await invoke(event(id));
  expect(outcome.result).toEqual(DELIVER);
  const stored = endpoints.messageFlow.message(id)!.toString('latin1');
  expect(stored).not.toContain('TVqQAAMAAAAEAAAA');
  expect(stored).toContain('The attachment "setup.EXE" (application/octet-stream) was removed.');
  expect(stored).toContain('See attached.');
  expect(outcome.logs).toEqual([expect.objectContaining({ handler: 'attachmentFilterHandler', outcome: 'stripped' })]);
});

test('a PDF passes untouched; BLOCKED_EXTENSIONS is read from the environment', async () => {
  const id = 'b0000000-0000-0000-0000-000000000002';
  const original = mime('invoice.pdf', 'application/pdf');
  endpoints.messageFlow.addMessage(id, original);
  expect((await invoke(event(id))).result).toEqual(DELIVER);
  expect(endpoints.messageFlow.message(id)!.toString('latin1')).toBe(original);
  const other = 'b0000000-0000-0000-0000-000000000003';
  endpoints.messageFlow.addMessage(other, original);
  await invoke(event(other), { BLOCKED_EXTENSIONS: 'pdf' });
  expect(endpoints.messageFlow.message(other)!.toString('latin1')).toContain('The attachment "invoice.pdf" (application/pdf) was removed.');
});

test('MAX_ATTACHMENT_BYTES: a larger attachment is removed whatever its type', async () => {
  const id = 'b0000000-0000-0000-0000-000000000004';
  endpoints.messageFlow.addMessage(id, mime('photo.jpg', 'image/jpeg'));
  await invoke(event(id), { MAX_ATTACHMENT_BYTES: '10' });
  expect(endpoints.messageFlow.message(id)!.toString('latin1')).toContain('The attachment "photo.jpg" (image/jpeg) was removed.');
});
