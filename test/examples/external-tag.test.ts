import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXTERNAL_TAG_HANDLER_DIR } from '../../bin/example-stack';
import { isInternal, tagSubject } from '../../lambda/examples/external-tag';
import { MessageContentEndpoints, startMessageContentEndpoints } from '../emulator/message-content-endpoints';

const TAG = '[EXTERNAL]';
const tagged = (mime: string) => tagSubject(Buffer.from(mime, 'latin1'), TAG)?.toString('latin1');

describe('external-tag: tagSubject', () => {
  test('prefixes the Subject and leaves every other byte as it was', () => {
    const body = 'Caf\xe9 \xff 8-bit body\r\n';
    expect(tagged(`From: a@x.org\r\nSubject: Hello\r\nTo: b@example.com\r\n\r\n${body}`))
      .toBe(`From: a@x.org\r\nSubject: ${TAG} Hello\r\nTo: b@example.com\r\n\r\n${body}`);
  });

  test('keeps LF line endings, the header name as written, and a body that looks like a Subject', () => {
    expect(tagged('SUBJECT:Hi\nFrom: a@x.org\n\nSubject: not a header\n')).toBe(`SUBJECT: ${TAG} Hi\nFrom: a@x.org\n\nSubject: not a header\n`);
  });

  test('keeps a folded Subject folded, and tags one whose value starts on the next line', () => {
    expect(tagged('Subject: Part one\r\n part two\r\nFrom: a@x.org\r\n\r\nb')).toBe(`Subject: ${TAG} Part one\r\n part two\r\nFrom: a@x.org\r\n\r\nb`);
    expect(tagged('Subject:\r\n =?UTF-8?B?w6k=?=\r\n\r\nb')).toBe(`Subject: ${TAG}\r\n =?UTF-8?B?w6k=?=\r\n\r\nb`);
  });

  test('does not tag twice, even across a fold', () => {
    expect(tagged(`Subject: ${TAG} Hello\r\n\r\nb`)).toBeUndefined();
    expect(tagged(`Subject:\r\n ${TAG} Hello\r\n\r\nb`)).toBeUndefined();
  });

  test('folds after the tag when the first line would pass 998 characters', () => {
    const value = 'x'.repeat(990);
    const out = tagged(`Subject: ${value}\r\n\r\nb`)!;
    expect(out).toBe(`Subject: ${TAG}\r\n ${value}\r\n\r\nb`);
    expect(Math.max(...out.split('\r\n').map((l) => l.length))).toBeLessThanOrEqual(998);
  });

  test('adds a Subject to a message without one', () => {
    expect(tagged('From: a@x.org\r\n\r\nbody')).toBe(`From: a@x.org\r\nSubject: ${TAG}\r\n\r\nbody`);
  });

  test('isInternal: the domain or a subdomain of it, without regard to case', () => {
    expect(isInternal('a@Example.com', ['example.com'])).toBe(true);
    expect(isInternal('a@mail.example.com', ['example.com'])).toBe(true);
    expect(isInternal('a@notexample.com', ['example.com'])).toBe(false);
    expect(isInternal('a@example.com', [])).toBe(false);
  });
});

describe('external-tag: the bundled handler against local WorkMail Message Flow and S3', () => {
  const BUCKET = 'example-message-content';
  const MIME = 'From: someone@partner.example\r\nTo: me@example.com\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\nSubject: Offer\r\n\r\nHello\r\n';
  let endpoints: MessageContentEndpoints;

  beforeAll(async () => {
    if (!fs.existsSync(path.join(EXTERNAL_TAG_HANDLER_DIR, 'index.js'))) throw new Error('run `npm run build` first: the bundle is missing');
    endpoints = await startMessageContentEndpoints([BUCKET]);
  });
  afterAll(async () => endpoints.stop());

  function invoke(event: object): Promise<{ result?: any; error?: { name: string; code?: string; message: string } }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(__dirname, 'handler-runner.js')], {
        env: { ...process.env, WORKMAIL_MESSAGE_CONTENT_BUCKET: BUCKET, INTERNAL_DOMAINS: 'example.com', SUBJECT_TAG: TAG },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (c) => (out += c));
      child.stderr.on('data', (c) => (err += c));
      child.on('error', reject);
      child.on('close', () => {
        const line = out.split('\n').find((l) => l.startsWith('@@RESULT@@'));
        if (!line) reject(new Error(`no result; stderr: ${err}`));
        else resolve(JSON.parse(line.slice('@@RESULT@@'.length)));
      });
      child.stdin.end(JSON.stringify({ assetDir: EXTERNAL_TAG_HANDLER_DIR, event }));
    });
  }

  const event = (messageId: string, from: string) => ({
    summaryVersion: '2019-07-28',
    envelope: { mailFrom: { address: from }, recipients: [{ address: 'me@example.com' }] },
    subject: 'Offer',
    messageId,
    invocationId: '0'.repeat(40),
    flowDirection: 'INBOUND',
    truncated: false,
  });
  const DELIVER = { actions: [{ action: { type: 'DEFAULT' }, allRecipients: true }] };

  test('mail from outside: the Subject is tagged in the message WorkMail delivers, via S3', async () => {
    const id = 'a0000000-0000-0000-0000-000000000001';
    endpoints.messageFlow.addMessage(id, MIME);
    expect(await invoke(event(id, 'someone@partner.example'))).toEqual({ result: DELIVER });
    expect(endpoints.messageFlow.message(id)!.toString()).toBe(MIME.replace('Subject: Offer', `Subject: ${TAG} Offer`));
    const put = endpoints.messageFlow.requests.find((r) => r.operation === 'PutRawMessageContent' && r.path.endsWith(id));
    expect(put).toMatchObject({ status: 200, body: { content: { s3Reference: { bucket: BUCKET, key: expect.stringMatching(`^messages/${id}/`) } } } });
  });

  test('mail from inside: delivered as it is, nothing read or written', async () => {
    const id = 'a0000000-0000-0000-0000-000000000002';
    endpoints.messageFlow.addMessage(id, MIME);
    expect(await invoke(event(id, 'colleague@example.com'))).toEqual({ result: DELIVER });
    expect(endpoints.messageFlow.requests.filter((r) => r.path.endsWith(id))).toEqual([]);
  });

  test('a frozen message: delivered unchanged', async () => {
    const id = 'a0000000-0000-0000-0000-000000000003';
    endpoints.messageFlow.addMessage(id, MIME);
    endpoints.messageFlow.freeze(id);
    expect(await invoke(event(id, 'someone@partner.example'))).toEqual({ result: DELIVER });
    expect(endpoints.messageFlow.message(id)!.toString()).toBe(MIME);
    expect(endpoints.messageFlow.requests.filter((r) => r.path.endsWith(id)).map((r) => r.errorType ?? r.status)).toEqual([200, 'MessageFrozen']);
  });

  test('a message WorkMail does not hold: the handler fails with MessageNotFoundError (WorkMail retries, then falls back)', async () => {
    const outcome = await invoke(event('a0000000-0000-0000-0000-00000000dead', 'someone@partner.example'));
    expect(outcome.error).toMatchObject({ name: 'MessageNotFoundError', code: 'ResourceNotFoundException' });
  });
});
