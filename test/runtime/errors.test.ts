import { Readable } from 'node:stream';
import * as runtime from '../../lambda/runtime';
import {
  MessageContentError, MimeRewriteError, WorkMailConfigurationError, WorkMailEventError, WorkMailResponseError, WorkMailRuntimeError,
  isRetryableError, parseEvent,
} from '../../lambda/runtime';

describe('the runtime error family', () => {
  test('every error class shares the base class and says whether a retry helps', () => {
    const event: unknown = (() => { try { parseEvent({}); return undefined; } catch (e) { return e; } })();
    expect(event).toBeInstanceOf(WorkMailEventError);
    expect(event).toBeInstanceOf(WorkMailRuntimeError);
    expect((event as WorkMailEventError).retryable).toBe(false);
    expect(new WorkMailResponseError(['x'])).toMatchObject({ retryable: false, name: 'WorkMailResponseError' });
    expect(new WorkMailConfigurationError('MISSING_PACKAGE', 'install x')).toMatchObject({ retryable: false, code: 'MISSING_PACKAGE' });
    expect(new MimeRewriteError('NOT_MIME', 'x').retryable).toBe(false);
    expect(new MimeRewriteError('TRANSFORM', 'x').retryable).toBe(false);
    expect(new MimeRewriteError('INPUT', 'x', { cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) }).retryable).toBe(true);
    expect(new MimeRewriteError('INPUT', 'x', { cause: new WorkMailConfigurationError('INVALID_OPTION', 'y') }).retryable).toBe(false);
  });

  test('a message content error takes its retryable from its cause unless told', () => {
    const throttled = Object.assign(new Error('slow down'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
    expect(new MessageContentError('m', { code: 'ThrottlingException', messageId: 'a', cause: throttled }).retryable).toBe(true);
    expect(new MessageContentError('m', { code: 'AccessDenied', messageId: 'a', cause: { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } } }).retryable).toBe(false);
    expect(new MessageContentError('m', { code: 'X', messageId: 'a', cause: throttled, retryable: false }).retryable).toBe(false);
  });

  test.each([
    ['an SDK error the SDK marked retryable', { name: 'Weird', $retryable: { throttling: true } }, true],
    ['a 503', { name: 'Unknown', $metadata: { httpStatusCode: 503 } }, true],
    ['a 429', { name: 'Unknown', $metadata: { httpStatusCode: 429 } }, true],
    ['a throttling name', { name: 'TooManyRequestsException', $metadata: { httpStatusCode: 400 } }, true],
    ['a time-out', { name: 'TimeoutError' }, true],
    ['a reset connection', { name: 'Error', code: 'ECONNRESET' }, true],
    ['a validation error', { name: 'ValidationException', $metadata: { httpStatusCode: 400 } }, false],
    ['access denied', { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } }, false],
    ['a plain TypeError', new TypeError('x is not a function'), false],
    ['a string', 'boom', false],
    ['nothing', undefined, false],
  ])('isRetryableError: %s', (_, error, expected) => {
    expect(isRetryableError(error)).toBe(expected);
  });
});

/** What `promise` rejects with (or `make` throws). */
async function failure(make: () => unknown): Promise<any> {
  try {
    await make();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

/** An AWS SDK error as a client throws it. */
const sdkError = (name: string, status: number) => Object.assign(new Error(''), { name, $metadata: { httpStatusCode: status } });
const throwing = (error: unknown): runtime.AwsSdkClient => ({ send: async () => { throw error; } });
const ok: runtime.AwsSdkClient = { send: async () => ({}) };
const MESSAGE_ID = '0123abcd-0000-4000-8000-000000000000';
const MIME = 'From: a@b.example\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\nSubject: x\r\n\r\nbody\r\n';

/**
 * Every error class `cdk-workmail-lambda/runtime` exports, made the way the runtime makes it, with the `retryable`
 * it must carry. The last test fails when a new class is exported without a row here.
 */
const CASES: [string, string, () => unknown, boolean][] = [
  ['WorkMailRuntimeError', 'made by hand, retryable', () => { throw new runtime.WorkMailRuntimeError('x', { retryable: true }); }, true],
  ['WorkMailRuntimeError', 'made by hand, not retryable', () => { throw new runtime.WorkMailRuntimeError('x', { retryable: false }); }, false],
  ['WorkMailConfigurationError', 'putRawMessage without a bucket', () => runtime.putRawMessage(MESSAGE_ID, MIME, { bucket: undefined, s3Client: ok, messageFlowClient: ok }), false],
  ['WorkMailConfigurationError', 'withDeadline with a negative margin', () => runtime.withDeadline(async () => 1, { onTimeout: () => 0, marginMs: -1 }), false],
  ['WorkMailConfigurationError', 'idempotencyTableName without the variable', () => runtime.idempotencyTableName({}), false],
  ['WorkMailConfigurationError', 'a handler factory with a bad option', () => runtime.metricsHandler({ namespace: 'AWS/Nope' }), false],
  ['WorkMailEventError', 'parseEvent of something else', () => runtime.parseEvent({ summaryVersion: 1 }), false],
  ['WorkMailResponseError', 'an answer with no action', () => runtime.SyncResponse.forEvent(runtime.parseEvent(seedEvent())).build(), false],
  ['MessageContentError', 'a throttled read', () => runtime.getRawMessage(MESSAGE_ID, { messageFlowClient: throwing(sdkError('ThrottlingException', 400)) }), true],
  ['MessageContentError', 'a 5xx answer', () => runtime.getRawMessage(MESSAGE_ID, { messageFlowClient: throwing(sdkError('InternalServerException', 500)) }), true],
  ['MessageContentError', 'a reset connection', () => runtime.getRawMessage(MESSAGE_ID, { messageFlowClient: throwing(Object.assign(new Error(''), { code: 'ECONNRESET' })) }), true],
  ['MessageContentError', 'access denied', () => runtime.getRawMessage(MESSAGE_ID, { messageFlowClient: throwing(sdkError('AccessDeniedException', 403)) }), false],
  ['MessageContentError', 'the read breaking off', async () => {
    const broken = new Readable({ read() { this.destroy(new Error('')); } });
    for await (const _ of await runtime.getRawMessage(MESSAGE_ID, { messageFlowClient: { send: async () => ({ messageContent: broken }) } })) { /* read */ }
  }, true],
  ['MessageNotFoundError', 'ResourceNotFoundException', () => runtime.getRawMessage(MESSAGE_ID, { messageFlowClient: throwing(sdkError('ResourceNotFoundException', 404)) }), false],
  ['MessageFrozenError', 'MessageFrozen', () => runtime.putRawMessage(MESSAGE_ID, MIME, { bucket: 'b-bucket', s3Client: ok, messageFlowClient: throwing(sdkError('MessageFrozen', 400)) }), false],
  ['MessageRejectedError', 'MessageRejected', () => runtime.putRawMessage(MESSAGE_ID, MIME, { bucket: 'b-bucket', s3Client: ok, messageFlowClient: throwing(sdkError('MessageRejected', 400)) }), false],
  ['InvalidContentLocationError', 'InvalidContentLocation', () => runtime.putRawMessage(MESSAGE_ID, MIME, { bucket: 'b-bucket', s3Client: ok, messageFlowClient: throwing(sdkError('InvalidContentLocation', 400)) }), false],
  ['MimeRewriteError', 'not MIME', () => drain(runtime.rewrite(Readable.from(['not a message']), runtime.tagSubject('[X]'))), false],
  ['MimeRewriteError', 'a callback that throws', () => drain(runtime.rewrite(Readable.from([MIME.replace('\r\n\r\nbody', '\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=a.pdf\r\n\r\nx\r\n--b--\r\nbody')]),
    runtime.stripAttachments({ when: () => { throw new Error('mine'); } }))), false],
  ['MimeRewriteError', 'the read of the message breaking off', async () => {
    const broken = new Readable({ read() { this.push('From: a@b.example\r\n'); this.destroy(Object.assign(new Error(''), { code: 'ECONNRESET' })); } });
    await drain(runtime.rewrite(await runtime.getRawMessage(MESSAGE_ID, { messageFlowClient: { send: async () => ({ messageContent: broken }) } }), runtime.tagSubject('[X]')));
  }, true],
];

async function drain(stream: Readable): Promise<void> {
  for await (const _ of stream) { /* read */ }
}

function seedEvent(): unknown {
  return {
    summaryVersion: '2019-07-28', envelope: { mailFrom: { address: 'a@b.example' }, recipients: [{ address: 'c@d.example' }] },
    subject: 'x', messageId: MESSAGE_ID, flowDirection: 'INBOUND', truncated: false,
  };
}

describe('each runtime error class says whether a retry helps, where the runtime makes it', () => {
  test.each(CASES)('%s: %s', async (name, _how, make, retryable) => {
    const error = await failure(make);
    expect(error).toBeInstanceOf(runtime.WorkMailRuntimeError);
    expect(error.name).toBe(name);
    expect(error.retryable).toBe(retryable);
    expect(runtime.isRetryableError(error)).toBe(retryable);
  });

  test('every error class the runtime exports has a row above', () => {
    const exported = Object.entries(runtime)
      .filter(([, value]) => typeof value === 'function' && value.prototype instanceof Error)
      .map(([name]) => name)
      .sort();
    expect(exported).toEqual([...new Set(CASES.map(([name]) => name))].sort());
  });
});
