import { Readable } from 'node:stream';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import * as messageFlowSdk from '@aws-sdk/client-workmailmessageflow';
import {
  InvalidContentLocationError, MessageContentError, MessageFrozenError, MessageNotFoundError, MessageRejectedError,
  getRawMessage, putRawMessage,
} from '../../lambda/runtime/message-content';
import type { MessageFlowEmulator } from '../../local/endpoints/message-flow';
import { MessageContentEndpoints, type S3Kind, startMessageContentEndpoints, startOtherS3 } from '../local/message-content-endpoints';

export const BUCKET = 'message-content-test';
export const MIME = 'From: a@example.com\r\nTo: b@example.org\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\nSubject: Hello\r\n\r\nBody line\r\n';
let nextId = 0;
const newId = () => `0000${nextId++}-1111-2222-3333-444444444444`.slice(-36);

export async function read(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

export async function captured(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/**
 * The message content tests, on the built-in S3 endpoint (what ships; message-content.test.ts) or on s3rver (the
 * kept package it stands in for; message-content-s3rver.test.ts). One file per kind: the runtime keeps its default
 * S3 client for the process, made with the endpoint of its first call.
 */
export function describeMessageContent(kind: S3Kind): void {
describe(`message content against local WorkMail Message Flow and the ${kind} S3, through the real SDK clients`, () => {
  let endpoints: MessageContentEndpoints;
  let flow: MessageFlowEmulator;
  let s3: S3Client;

  beforeAll(async () => {
    endpoints = await startMessageContentEndpoints([BUCKET], 'us-east-1', kind);
    flow = endpoints.messageFlow;
    s3 = new S3Client({});
  });
  afterAll(async () => {
    s3.destroy();
    await endpoints.stop();
  });

  test('getRawMessage streams the message WorkMail holds', async () => {
    const id = newId();
    flow.addMessage(id, MIME);
    const stream = await getRawMessage(id);
    expect(stream).toBeInstanceOf(Readable);
    expect(await read(stream)).toBe(MIME);
    expect(flow.requests.at(-1)).toMatchObject({ method: 'GET', path: `/messages/${id}`, operation: 'GetRawMessageContent', status: 200 });
  });

  test('getRawMessage of an unknown message: MessageNotFoundError saying what to check', async () => {
    const error = await captured(getRawMessage('ffffffff-0000-0000-0000-000000000000'));
    expect(error).toBeInstanceOf(MessageNotFoundError);
    expect(error).toBeInstanceOf(MessageContentError);
    expect(error.name).toBe('MessageNotFoundError');
    expect(error.code).toBe('ResourceNotFoundException');
    expect(error.messageId).toBe('ffffffff-0000-0000-0000-000000000000');
    expect(error.message).toMatch(/WorkMail has no message ffffffff-0000-0000-0000-000000000000 .*pass the messageId of the event being handled/);
  });

  test('a message id WorkMail cannot have is refused before any request', async () => {
    const before = flow.requests.length;
    await expect(getRawMessage('Not/An-Id')).rejects.toThrow(/messageId must be 1 to 120 characters of a-z, 0-9 and '-' \(the event's messageId\), got "Not\/An-Id"/);
    await expect(putRawMessage('', MIME, { bucket: BUCKET })).rejects.toMatchObject({ name: 'WorkMailConfigurationError', code: 'INVALID_OPTION', retryable: false });
    expect(flow.requests.length).toBe(before);
  });

  test.each([
    ['a string', () => MIME],
    ['a Buffer', () => Buffer.from(MIME)],
    ['a Readable', () => Readable.from([Buffer.from(MIME.slice(0, 10)), Buffer.from(MIME.slice(10))])],
  ])('putRawMessage of %s stores it in S3 under a key WorkMail accepts and updates the message', async (_, mime) => {
    const id = newId();
    flow.addMessage(id, 'From: old@example.com\r\nDate: Tue, 24 Nov 2026 09:00:00 +0000\r\n\r\nold\r\n');
    const stored = await putRawMessage(id, mime(), { bucket: BUCKET });
    expect(stored.bucket).toBe(BUCKET);
    expect(stored.key).toMatch(new RegExp(`^messages/${id}/[0-9a-f-]{36}$`));
    expect(stored.key).toMatch(/^[a-zA-Z0-9\-/]+$/);
    const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: stored.key }));
    expect(await object.Body!.transformToString()).toBe(MIME);
    expect(flow.message(id)!.toString('utf8')).toBe(MIME);
    expect(flow.requests.at(-1)).toMatchObject({
      method: 'POST', operation: 'PutRawMessageContent', status: 200,
      body: { content: { s3Reference: { bucket: BUCKET, key: stored.key } } },
    });
    // what WorkMail now serves is the new content
    expect(await read(await getRawMessage(id))).toBe(MIME);
  });

  test('putRawMessage takes the bucket from WORKMAIL_MESSAGE_CONTENT_BUCKET and a key prefix of choice', async () => {
    const id = newId();
    flow.addMessage(id, MIME);
    process.env.WORKMAIL_MESSAGE_CONTENT_BUCKET = BUCKET;
    try {
      const stored = await putRawMessage(id, MIME, { keyPrefix: 'tenant-a/' });
      expect(stored).toEqual({ bucket: BUCKET, key: expect.stringMatching(new RegExp(`^tenant-a/${id}/`)) });
    } finally {
      delete process.env.WORKMAIL_MESSAGE_CONTENT_BUCKET;
    }
  });

  test('putRawMessage without a bucket, or with one or a prefix WorkMail would refuse, says so before any upload', async () => {
    const id = newId();
    flow.addMessage(id, MIME);
    await expect(putRawMessage(id, MIME)).rejects.toThrow(
      'putRawMessage needs a bucket: pass { bucket } or set WORKMAIL_MESSAGE_CONTENT_BUCKET (WorkMailFunction.grantWriteMessageContent() sets it)');
    await expect(putRawMessage(id, MIME, { bucket: 'my.dotted.bucket' })).rejects.toThrow(/bucket must be a bucket name .*WorkMail accepts no dots.*got "my.dotted.bucket"/);
    await expect(putRawMessage(id, MIME, { bucket: BUCKET, keyPrefix: 'with space/' })).rejects.toThrow(/keyPrefix must be at most 867 characters of a-z, A-Z, 0-9, '-' and '\/', got "with space\/"/);
    await expect(putRawMessage(id, 42 as any, { bucket: BUCKET })).rejects.toThrow('mime must be a Readable, a Buffer or a string, got number');
    const objects = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `messages/${id}/` }));
    expect(objects.KeyCount ?? 0).toBe(0);
  });

  test('a frozen message: MessageFrozenError telling to leave the content as it is', async () => {
    const id = newId();
    flow.addMessage(id, MIME);
    flow.freeze(id);
    const error = await captured(putRawMessage(id, MIME, { bucket: BUCKET }));
    expect(error).toBeInstanceOf(MessageFrozenError);
    expect(error.name).toBe('MessageFrozenError');
    expect(error.code).toBe('MessageFrozen');
    expect(error.message).toMatch(/WorkMail does not allow updating message .*usually a redirected message: leave its content as it is/);
  });

  test('a line over 1000 octets: MessageRejectedError with WorkMail\'s reason and the rules to follow', async () => {
    const id = newId();
    flow.addMessage(id, MIME);
    const error = await captured(putRawMessage(id, `${MIME}${'x'.repeat(999)}\r\n`, { bucket: BUCKET }));
    expect(error).toBeInstanceOf(MessageRejectedError);
    expect(error.name).toBe('MessageRejectedError');
    expect(error.code).toBe('MessageRejected');
    expect(error.message).toMatch(/WorkMail rejected the new content of message .*line 7 is 1001 octets long.*lines of at most 1000 octets including CRLF/);
    expect(flow.message(id)!.toString()).toBe(MIME);
  });

  test('content that is not MIME, or lacks a required header field: MessageRejectedError', async () => {
    const id = newId();
    flow.addMessage(id, MIME);
    await expect(putRawMessage(id, 'just some text\r\nand more\r\n', { bucket: BUCKET })).rejects.toThrow(/line 1 is not a header field .*not a MIME message/);
    await expect(putRawMessage(id, 'Subject: x\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\n\r\nbody', { bucket: BUCKET })).rejects.toThrow(/no From header field/);
    await expect(putRawMessage(id, '', { bucket: BUCKET })).rejects.toBeInstanceOf(MessageRejectedError);
  });

  test('WorkMail cannot read the object (a bucket it has no access to): InvalidContentLocationError', async () => {
    // The function uploads to an S3 that WorkMail does not read from: a bucket in another account or Region.
    const elsewhere = await startOtherS3(kind, ['elsewhere-bucket']);
    const s3Endpoint = process.env.AWS_ENDPOINT_URL_S3;
    process.env.AWS_ENDPOINT_URL_S3 = elsewhere.endpoint;
    const otherS3 = new S3Client({});
    try {
      const id = newId();
      flow.addMessage(id, MIME);
      const error = await captured(putRawMessage(id, MIME, { bucket: 'elsewhere-bucket', s3Client: otherS3 }));
      expect(error).toBeInstanceOf(InvalidContentLocationError);
      expect(error.name).toBe('InvalidContentLocationError');
      expect(error.code).toBe('InvalidContentLocation');
      expect(error.message).toMatch(new RegExp(`could not read the new content of message ${id} from s3://elsewhere-bucket/messages/${id}/.*its policy must let workmail.<region>.amazonaws.com s3:GetObject`));
    } finally {
      otherS3.destroy();
      process.env.AWS_ENDPOINT_URL_S3 = s3Endpoint;
      await elsewhere.stop();
    }
  });

  test('updating a message WorkMail does not hold: MessageNotFoundError', async () => {
    const error = await captured(putRawMessage('eeeeeeee-0000-0000-0000-000000000000', MIME, { bucket: BUCKET }));
    expect(error).toBeInstanceOf(MessageNotFoundError);
    expect(error.code).toBe('ResourceNotFoundException');
  });

  test('S3 refusing the upload: MessageContentError naming the S3 error and the grant, and no PutRawMessageContent call', async () => {
    const id = newId();
    flow.addMessage(id, MIME);
    const before = flow.requests.length;
    const error = await captured(putRawMessage(id, MIME, { bucket: 'no-such-bucket' }));
    expect(error).toBeInstanceOf(MessageContentError);
    expect(error).not.toBeInstanceOf(MessageRejectedError);
    expect(error.code).toBe('NoSuchBucket');
    expect(error.message).toMatch(/uploading the new content of message .* to s3:\/\/no-such-bucket\/messages\/.* failed \(NoSuchBucket: .*needs s3:PutObject/);
    expect(flow.requests.length).toBe(before);
  });

  test('clients passed in are used instead of the default ones', async () => {
    const id = newId();
    flow.addMessage(id, MIME);
    const client = new messageFlowSdk.WorkMailMessageFlowClient({ endpoint: flow.endpoint });
    const send = jest.spyOn(client, 'send');
    try {
      expect(await read(await getRawMessage(id, { messageFlowClient: client }))).toBe(MIME);
      await putRawMessage(id, MIME, { bucket: BUCKET, messageFlowClient: client, s3Client: s3 });
      expect(send.mock.calls.map(([command]) => command.constructor.name)).toEqual(['GetRawMessageContentCommand', 'PutRawMessageContentCommand']);
    } finally {
      client.destroy();
    }
  });

  test('the default clients are made once and kept for later calls', async () => {
    await jest.isolateModulesAsync(async () => {
      const sdk = require('@aws-sdk/client-workmailmessageflow');
      const send = jest.spyOn(sdk.WorkMailMessageFlowClient.prototype, 'send');
      const fresh = require('../../lambda/runtime/message-content');
      const id = newId();
      flow.addMessage(id, MIME);
      await read(await fresh.getRawMessage(id));
      await read(await fresh.getRawMessage(id));
      await fresh.putRawMessage(id, MIME, { bucket: BUCKET });
      expect(send).toHaveBeenCalledTimes(3);
      expect(new Set(send.mock.contexts).size).toBe(1);
    });
  });

  test('the local endpoint answers the service\'s ValidationException for a key WorkMail does not accept', async () => {
    const id = newId();
    flow.addMessage(id, MIME);
    const client = new messageFlowSdk.WorkMailMessageFlowClient({});
    try {
      const error = await captured(client.send(new messageFlowSdk.PutRawMessageContentCommand({
        messageId: id, content: { s3Reference: { bucket: BUCKET, key: 'messages/a_b.eml' } },
      })));
      expect(error.name).toBe('ValidationException');
      expect(error.$metadata.httpStatusCode).toBe(400);
      expect(error.message).toMatch(/content.s3Reference.key must be 1 to 1024 characters of a-z, A-Z, 0-9, '-' and '\/', got "messages\/a_b.eml"/);
    } finally {
      client.destroy();
    }
  });

  test('the local endpoint refuses a request signed for another service or Region', async () => {
    const id = newId();
    flow.addMessage(id, MIME);
    const client = new messageFlowSdk.WorkMailMessageFlowClient({ region: 'eu-west-1' });
    try {
      const error = await captured(client.send(new messageFlowSdk.GetRawMessageContentCommand({ messageId: id })));
      expect(error.name).toBe('InvalidSignatureException');
      expect(error.message).toMatch(/valid region: 'us-east-1', got 'eu-west-1'/);
    } finally {
      client.destroy();
    }
  });
});
}
