/**
 * What every synchronous ready-made handler shares, shown with subjectTagHandler (the lightest) against the
 * local Message Flow + S3 endpoints through the real SDK clients: conditions, the safe response for each
 * permanent failure with its log line, the failures that are thrown (WorkMail retries), the deadline.
 */
import { Readable } from 'node:stream';
import { WorkMailRuntimeError, attachmentFilterHandler, disclaimerHandler, permanentFailure, subjectTagHandler } from '../../../lambda/runtime';
import type { AwsSdkClient } from '../../../lambda/runtime';
import { MessageContentEndpoints, startMessageContentEndpoints } from '../../local/message-content-endpoints';
import { FIXTURES } from '../../fixtures/mime/fixtures';
import { BUCKET, context, dispositions, event, everyone, logSink, newId } from './helpers';

const PLAIN = FIXTURES.find((f) => f.name === 'plain')!.mime;
let endpoints: MessageContentEndpoints;

beforeAll(async () => {
  endpoints = await startMessageContentEndpoints([BUCKET]);
});
afterAll(async () => endpoints.stop());

const requestsFor = (id: string) => endpoints.messageFlow.requests.filter((r) => r.path.endsWith(id));

describe('conditions', () => {
  test('internalDomains: a sender of those domains (or a subdomain, any case) is delivered without reading the message', async () => {
    const { log, entries } = logSink();
    const handler = subjectTagHandler({ prefix: '[EXT]', internalDomains: ['example.com'], bucket: BUCKET, log });
    for (const from of ['a@example.com', 'b@Mail.EXAMPLE.com']) {
      const id = newId();
      endpoints.messageFlow.addMessage(id, PLAIN);
      const raw = event(id, { from });
      expect(dispositions(raw, await handler(raw, context))).toEqual(everyone(raw, { type: 'DEFAULT' }));
      expect(requestsFor(id)).toEqual([]);
    }
    expect(entries).toEqual([]);
    // A look-alike domain is not internal.
    const id = newId();
    endpoints.messageFlow.addMessage(id, PLAIN);
    await handler(event(id, { from: 'c@notexample.com' }), context);
    expect(endpoints.messageFlow.message(id)!.toString('latin1')).toContain('Subject: [EXT] Plain hello');
  });

  test('directions: mail of another direction is delivered without reading; an event without flowDirection is handled', async () => {
    const handler = subjectTagHandler({ prefix: '[OUT]', directions: ['OUTBOUND'], bucket: BUCKET, log: () => undefined });
    const inbound = newId();
    endpoints.messageFlow.addMessage(inbound, PLAIN);
    expect(await handler(event(inbound, { direction: 'INBOUND' }), context)).toEqual({ actions: [{ action: { type: 'DEFAULT' }, allRecipients: true }] });
    expect(requestsFor(inbound)).toEqual([]);
    const unknown = newId();
    endpoints.messageFlow.addMessage(unknown, PLAIN);
    await handler(event(unknown, { direction: null }), context);
    expect(endpoints.messageFlow.message(unknown)!.toString('latin1')).toContain('Subject: [OUT] Plain hello');
  });

  test('bucket, keyPrefix and the clients are passed on to the content calls', async () => {
    const id = newId();
    endpoints.messageFlow.addMessage(id, PLAIN);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { S3Client } = require('@aws-sdk/client-s3');
    const s3 = new S3Client({ forcePathStyle: true });
    const sent: string[] = [];
    const s3Client: AwsSdkClient = { send: (command: any, o?: any) => (sent.push(command.constructor.name), s3.send(command, o)) };
    await subjectTagHandler({ prefix: '[EXT]', bucket: BUCKET, keyPrefix: 'tagged/', s3Client, log: () => undefined })(event(id), context);
    expect(sent).toEqual(['PutObjectCommand']);
    const put = requestsFor(id).find((r) => r.operation === 'PutRawMessageContent');
    expect(put).toMatchObject({ status: 200, body: { content: { s3Reference: { bucket: BUCKET, key: expect.stringMatching(`^tagged/${id}/`) } } } });
    s3.destroy();
  });

  test('bad options are refused when the handler is made', () => {
    expect(() => subjectTagHandler({ prefix: '[X]', directions: ['inbound' as never] })).toThrow(/directions must hold 'INBOUND' and\/or 'OUTBOUND', got \["inbound"\]/);
    expect(() => subjectTagHandler({ prefix: '[X]', safeAction: { type: 'BOUNCE', parameters: { bounceMessage: ' ' } } })).toThrow(/safeAction .* is not a valid answer: .*bounceMessage must be a non-empty/);
    expect(() => subjectTagHandler({ prefix: '[X]', budgetMs: -1 })).toThrow(/budgetMs must be a finite number/);
    expect(() => subjectTagHandler({ prefix: '' })).toThrow(/prefix must be non-empty/);
    // Each a configuration mistake of the runtime's one family (never retryable), whichever part found it.
    for (const make of [
      () => subjectTagHandler({ prefix: '[X]', directions: ['inbound' as never] }),
      () => subjectTagHandler({ prefix: '' }),
      () => disclaimerHandler({}),
      () => attachmentFilterHandler({ action: 'strip' }),
      () => subjectTagHandler({ prefix: '[X]', budgetMs: -1 }),
    ]) {
      expect(make).toThrow(expect.objectContaining({ name: 'WorkMailConfigurationError', code: 'INVALID_OPTION', retryable: false }));
    }
  });
});

describe('bad input: the safe response and one log line', () => {
  const cases: [string, (id: string) => void, RegExp, string][] = [
    ['not MIME', (id) => endpoints.messageFlow.addMessage(id, 'this is not a mail message\r\n'), /not MIME/, 'MimeRewriteError'],
    ['an empty message', (id) => endpoints.messageFlow.addMessage(id, ''), /not MIME/, 'MimeRewriteError'],
    ['one line that is not a header field, no line end', (id) => endpoints.messageFlow.addMessage(id, 'garbage without headers'), /not MIME/, 'MimeRewriteError'],
    ['binary junk', (id) => endpoints.messageFlow.addMessage(id, Buffer.from([0, 1, 2, 255, 10, 13, 10, 0])), /not MIME/, 'MimeRewriteError'],
    ['MessageFrozen', (id) => { endpoints.messageFlow.addMessage(id, PLAIN); endpoints.messageFlow.freeze(id); }, /does not allow updating/, 'MessageFrozenError'],
    ['a message WorkMail does not hold (ResourceNotFound)', () => undefined, /no such message/, 'MessageNotFoundError'],
  ];
  test.each(cases)('%s', async (_name, setup, reason, errorName) => {
    const id = newId();
    setup(id);
    const { log, entries } = logSink();
    const handler = subjectTagHandler({ prefix: '[EXT]', bucket: BUCKET, log });
    const raw = event(id);
    expect(dispositions(raw, await handler(raw, context))).toEqual(everyone(raw, { type: 'DEFAULT' }));
    expect(entries).toEqual([expect.objectContaining({
      level: 'warn', handler: 'subjectTagHandler', outcome: 'safe-response', messageId: id, invocationId: 'f'.repeat(40), action: 'DEFAULT',
      reason: expect.stringMatching(reason), error: expect.objectContaining({ name: errorName }),
    })]);
  });

  test('MessageRejected (the content WorkMail refuses): the safe response', async () => {
    // A Subject prefix that WorkMail accepts, but a message without From/Date: the emulator's checks refuse the put.
    const id = newId();
    endpoints.messageFlow.addMessage(id, 'Subject: hi\r\n\r\nbody\r\n');
    const { log, entries } = logSink();
    const raw = event(id);
    expect(dispositions(raw, await subjectTagHandler({ prefix: '[EXT]', bucket: BUCKET, log })(raw, context))).toEqual(everyone(raw, { type: 'DEFAULT' }));
    expect(entries[0]).toMatchObject({ outcome: 'safe-response', error: { name: 'MessageRejectedError', code: 'MessageRejected' } });
  });

  test('the configured safe action: here DROP', async () => {
    const id = newId();
    endpoints.messageFlow.addMessage(id, 'not mime at all');
    const { log, entries } = logSink();
    const raw = event(id);
    const answer = await subjectTagHandler({ prefix: '[EXT]', bucket: BUCKET, safeAction: { type: 'DROP' }, log })(raw, context);
    expect(dispositions(raw, answer)).toEqual(everyone(raw, { type: 'DROP' }));
    expect(entries[0]).toMatchObject({ outcome: 'safe-response', action: 'DROP', error: { name: 'MimeRewriteError', code: 'NOT_MIME' } });
  });

  test('a malformed event: the safe response, logged with the field at fault', async () => {
    const { log, entries } = logSink();
    const answer = await subjectTagHandler({ prefix: '[EXT]', log })({ summaryVersion: '2019-07-28', messageId: 'x', envelope: {} }, context);
    expect(answer).toEqual({ actions: [{ action: { type: 'DEFAULT' }, allRecipients: true }] });
    expect(entries).toEqual([expect.objectContaining({ level: 'error', outcome: 'safe-response', messageId: 'x', error: expect.objectContaining({ name: 'WorkMailEventError', message: expect.stringMatching(/envelope/) }) })]);
  });

  test('no bucket configured for the update: the safe response, logged as configuration', async () => {
    const id = newId();
    endpoints.messageFlow.addMessage(id, PLAIN);
    const { log, entries } = logSink();
    const saved = process.env.WORKMAIL_MESSAGE_CONTENT_BUCKET;
    delete process.env.WORKMAIL_MESSAGE_CONTENT_BUCKET;
    try {
      await subjectTagHandler({ prefix: '[EXT]', log })(event(id), context);
    } finally {
      if (saved !== undefined) process.env.WORKMAIL_MESSAGE_CONTENT_BUCKET = saved;
    }
    expect(entries[0]).toMatchObject({ outcome: 'safe-response', reason: expect.stringMatching(/not configured/), error: { name: 'WorkMailConfigurationError' } });
    expect(endpoints.messageFlow.message(id)).toEqual(PLAIN);
  });

  test('the default log: one JSON line on stdout', async () => {
    const id = newId();
    endpoints.messageFlow.addMessage(id, 'no headers here');
    const spy = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await subjectTagHandler({ prefix: '[EXT]', bucket: BUCKET })(event(id), context);
      expect(spy).toHaveBeenCalledTimes(1);
      const line = spy.mock.calls[0][0] as string;
      expect(line).not.toContain('\n');
      expect(JSON.parse(line)).toMatchObject({ level: 'warn', handler: 'subjectTagHandler', outcome: 'safe-response', messageId: id, reason: 'the message is not MIME' });
    } finally {
      spy.mockRestore();
    }
  });
});

describe('failures a retry can fix are thrown (WorkMail retries, then applies the fallback)', () => {
  test('throttling by Message Flow', async () => {
    const id = newId();
    endpoints.messageFlow.addMessage(id, PLAIN);
    endpoints.messageFlow.throttle(id);
    const { log, entries } = logSink();
    await expect(subjectTagHandler({ prefix: '[EXT]', bucket: BUCKET, log })(event(id), context)).rejects.toMatchObject({ name: 'MessageContentError', code: 'ThrottlingException' });
    expect(entries).toEqual([]);
    expect(dispositions(event(id), new Error('thrown'))).toEqual(everyone(event(id), { type: 'MOVE_TO_JUNK' }));
  });

  test('the message stream breaking off while it is read', async () => {
    const broken = new Readable({ read() { this.push('From: a@b.example\r\nSubject: x\r\n'); this.destroy(new Error('socket hang up')); } });
    const client: AwsSdkClient = { send: async () => ({ messageContent: broken }) };
    const handler = attachmentFilterHandler({ action: 'bounce', extensions: ['exe'], messageFlowClient: client, log: () => undefined });
    await expect(handler(event(newId()), context)).rejects.toMatchObject({ name: 'MimeRewriteError', code: 'INPUT' });
  });

  test('an unknown error of an injected client', async () => {
    const client: AwsSdkClient = { send: async () => { throw Object.assign(new Error('busy'), { name: 'ServiceUnavailable' }); } };
    await expect(disclaimerHandler({ text: 'x', messageFlowClient: client, log: () => undefined })(event(newId()), context)).rejects.toMatchObject({ code: 'ServiceUnavailable' });
  });
});

describe('retry or answer: decided by retryable alone, never by message text', () => {
  /** An AWS SDK error as the Message Flow client throws it, with the message text given. */
  const sdkError = (name: string, status: number, message: string) =>
    Object.assign(new Error(message), { name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status, attempts: 1 } });
  const clientThrowing = (error: Error): AwsSdkClient => ({ send: async () => { throw error; } });

  test('a throttling error is thrown (WorkMail retries); a validation error gets the safe response; whatever their messages say', async () => {
    // Each message says the opposite of what the error is: the decision must come from the error's kind.
    const throttled = sdkError('ThrottlingException', 400, 'invalid request: this will never work');
    const invalid = sdkError('ValidationException', 400, 'Rate exceeded, slow down and retry; putRawMessage bucket keyPrefix');
    const { log, entries } = logSink();
    const handler = (error: Error) => subjectTagHandler({ prefix: '[EXT]', bucket: BUCKET, messageFlowClient: clientThrowing(error), log });

    const raw = event(newId());
    await expect(handler(throttled)(raw, context)).rejects.toMatchObject({ name: 'MessageContentError', code: 'ThrottlingException', retryable: true });
    expect(entries).toEqual([]);

    expect(dispositions(raw, await handler(invalid)(raw, context))).toEqual(everyone(raw, { type: 'DEFAULT' }));
    expect(entries).toEqual([expect.objectContaining({ outcome: 'safe-response', error: expect.objectContaining({ name: 'MessageContentError', code: 'ValidationException' }) })]);

    // The same kinds with no message at all decide the same way.
    await expect(handler(sdkError('ThrottlingException', 400, ''))(raw, context)).rejects.toMatchObject({ retryable: true });
    expect(dispositions(raw, await handler(sdkError('ValidationException', 400, ''))(raw, context))).toEqual(everyone(raw, { type: 'DEFAULT' }));
  });

  test('a 5xx answer and a network failure are thrown', async () => {
    const raw = event(newId());
    const made = (error: Error) => disclaimerHandler({ text: 'x', bucket: BUCKET, messageFlowClient: clientThrowing(error), log: () => undefined });
    await expect(made(sdkError('InternalServerException', 500, 'bad request'))(raw, context)).rejects.toMatchObject({ retryable: true });
    await expect(made(Object.assign(new Error(''), { code: 'ECONNRESET' }))(raw, context)).rejects.toMatchObject({ retryable: true });
  });

  test('permanentFailure reads retryable only: the words of the message change nothing, and an unclassified error is thrown', () => {
    expect(permanentFailure(new WorkMailRuntimeError('throttled: retry later (ThrottlingException)', { retryable: false }))).toEqual(expect.any(String));
    expect(permanentFailure(new WorkMailRuntimeError('not MIME, invalid, refused', { retryable: true }))).toBeUndefined();
    // Errors without retryable are not classified: thrown, as before, whatever they say (these are the words the handlers once matched).
    expect(permanentFailure(new TypeError('putRawMessage needs a bucket: keyPrefix'))).toBeUndefined();
    expect(permanentFailure(Object.assign(new Error('x'), { name: 'ValidationException', $metadata: { httpStatusCode: 400 } }))).toBeUndefined();
    expect(permanentFailure(undefined)).toBeUndefined();
    // An error of the user's own that says a retry cannot help is answered safely.
    expect(permanentFailure(Object.assign(new Error('no'), { name: 'MyPolicyError', retryable: false }))).toBe('MyPolicyError: a retry cannot help');
  });
});

describe('the deadline', () => {
  test('no answer in time: the safe response, logged, before WorkMail gives up', async () => {
    // A Message Flow client that never answers; the budget is short.
    const client: AwsSdkClient = { send: () => new Promise(() => undefined) };
    const { log, entries } = logSink();
    const handler = disclaimerHandler({ text: 'x', messageFlowClient: client, budgetMs: 50, marginMs: 0, safeAction: { type: 'BOUNCE', parameters: { bounceMessage: 'Try later.' } }, log });
    const raw = event(newId());
    expect(dispositions(raw, await handler(raw, context))).toEqual(everyone(raw, { type: 'BOUNCE', parameters: { bounceMessage: 'Try later.' } }));
    expect(entries).toEqual([expect.objectContaining({ level: 'warn', outcome: 'deadline', action: 'BOUNCE' })]);
  });

  test('the message read after the deadline is not put back (the safe response was given)', async () => {
    const id = newId();
    endpoints.messageFlow.addMessage(id, PLAIN);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { WorkMailMessageFlowClient } = require('@aws-sdk/client-workmailmessageflow');
    const real = new WorkMailMessageFlowClient({});
    let read!: () => void;
    const done = new Promise<void>((resolve) => (read = resolve));
    const slow: AwsSdkClient = { send: async (command: any) => {
      await new Promise((r) => setTimeout(r, 150));
      try { return await real.send(command); } finally { read(); }
    } };
    const { log, entries } = logSink();
    const answer = await subjectTagHandler({ prefix: '[EXT]', bucket: BUCKET, messageFlowClient: slow, budgetMs: 50, marginMs: 0, log })(event(id), context);
    expect(answer).toEqual({ actions: [{ action: { type: 'DEFAULT' }, allRecipients: true }] });
    await done;
    await new Promise((r) => setTimeout(r, 100));
    expect(requestsFor(id).map((r) => r.operation)).toEqual(['GetRawMessageContent']);
    expect(endpoints.messageFlow.message(id)).toEqual(PLAIN);
    expect(entries.map((e) => e.outcome)).toEqual(['deadline']);
    real.destroy();
  });

  test('no time left at all: the safe response at once, nothing read', async () => {
    const id = newId();
    endpoints.messageFlow.addMessage(id, PLAIN);
    const { log, entries } = logSink();
    await subjectTagHandler({ prefix: '[EXT]', bucket: BUCKET, log })(event(id), { getRemainingTimeInMillis: () => 500 });
    expect(requestsFor(id)).toEqual([]);
    expect(entries[0]).toMatchObject({ outcome: 'deadline' });
  });
});
