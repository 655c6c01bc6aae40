import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXTERNAL_TAG_HANDLER_DIR } from '../../bin/example-stack';
import { MessageContentEndpoints, startMessageContentEndpoints } from '../local/message-content-endpoints';
import { BundledOutcome, runBundledHandler } from './run-bundled';

const TAG = '[EXTERNAL]';

describe('external-tag: the bundled handler against local WorkMail Message Flow and S3', () => {
  const BUCKET = 'example-message-content';
  const MIME = 'From: someone@partner.example\r\nTo: me@example.com\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\nSubject: Offer\r\n\r\nHello\r\n';
  let endpoints: MessageContentEndpoints;

  beforeAll(async () => {
    if (!fs.existsSync(path.join(EXTERNAL_TAG_HANDLER_DIR, 'index.js'))) throw new Error('run `npm run build` first: the bundle is missing');
    endpoints = await startMessageContentEndpoints([BUCKET]);
  });
  afterAll(async () => endpoints.stop());

  function invoke(event: object): Promise<BundledOutcome> {
    return runBundledHandler(EXTERNAL_TAG_HANDLER_DIR, event, { WORKMAIL_MESSAGE_CONTENT_BUCKET: BUCKET, INTERNAL_DOMAINS: 'example.com', SUBJECT_TAG: TAG });
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
    const outcome = await invoke(event(id, 'someone@partner.example'));
    expect(outcome.result).toEqual(DELIVER);
    expect(outcome.logs).toEqual([expect.objectContaining({ handler: 'subjectTagHandler', outcome: 'updated', messageId: id, changes: ['message: headers'] })]);
    expect(endpoints.messageFlow.message(id)!.toString()).toBe(MIME.replace('Subject: Offer', `Subject: ${TAG} Offer`));
    const put = endpoints.messageFlow.requests.find((r) => r.operation === 'PutRawMessageContent' && r.path.endsWith(id));
    expect(put).toMatchObject({ status: 200, body: { content: { s3Reference: { bucket: BUCKET, key: expect.stringMatching(`^messages/${id}/`) } } } });
  });

  test('mail from inside (INTERNAL_DOMAINS, subdomains too): delivered as it is, nothing read or written', async () => {
    const id = 'a0000000-0000-0000-0000-000000000002';
    endpoints.messageFlow.addMessage(id, MIME);
    expect(await invoke(event(id, 'colleague@example.com'))).toEqual({ result: DELIVER, logs: [] });
    expect(await invoke(event(id, 'colleague@Mail.Example.com'))).toEqual({ result: DELIVER, logs: [] });
    expect(endpoints.messageFlow.requests.filter((r) => r.path.endsWith(id))).toEqual([]);
  });

  test('a Subject tagged already: nothing uploaded', async () => {
    const id = 'a0000000-0000-0000-0000-000000000004';
    const tagged = MIME.replace('Subject: Offer', `Subject: Re: ${TAG} Offer`);
    endpoints.messageFlow.addMessage(id, tagged);
    expect((await invoke(event(id, 'someone@partner.example'))).result).toEqual(DELIVER);
    expect(endpoints.messageFlow.requests.filter((r) => r.path.endsWith(id)).map((r) => r.operation)).toEqual(['GetRawMessageContent']);
  });

  test('a message that is not MIME: delivered unchanged, one log line says why', async () => {
    const id = 'a0000000-0000-0000-0000-000000000005';
    endpoints.messageFlow.addMessage(id, 'garbage without headers');
    const outcome = await invoke(event(id, 'someone@partner.example'));
    expect(outcome.result).toEqual(DELIVER);
    expect(outcome.logs).toEqual([expect.objectContaining({ level: 'warn', outcome: 'safe-response', reason: 'the message is not MIME', messageId: id })]);
  });

  test('a frozen message: delivered unchanged', async () => {
    const id = 'a0000000-0000-0000-0000-000000000003';
    endpoints.messageFlow.addMessage(id, MIME);
    endpoints.messageFlow.freeze(id);
    expect((await invoke(event(id, 'someone@partner.example'))).result).toEqual(DELIVER);
    expect(endpoints.messageFlow.message(id)!.toString()).toBe(MIME);
    expect(endpoints.messageFlow.requests.filter((r) => r.path.endsWith(id)).map((r) => r.errorType ?? r.status)).toEqual([200, 'MessageFrozen']);
  });

  test('a message WorkMail does not hold (a retry would not find it either): delivered, logged', async () => {
    const outcome = await invoke(event('a0000000-0000-0000-0000-00000000dead', 'someone@partner.example'));
    expect(outcome.result).toEqual(DELIVER);
    expect(outcome.logs).toEqual([expect.objectContaining({ outcome: 'safe-response', error: expect.objectContaining({ name: 'MessageNotFoundError', code: 'ResourceNotFoundException' }) })]);
  });

  test('throttling: the handler fails, so that WorkMail retries', async () => {
    const id = 'a0000000-0000-0000-0000-000000000006';
    endpoints.messageFlow.addMessage(id, MIME);
    endpoints.messageFlow.throttle(id);
    const outcome = await invoke(event(id, 'someone@partner.example'));
    expect(outcome.error).toMatchObject({ name: 'MessageContentError', code: 'ThrottlingException' });
  });
});
