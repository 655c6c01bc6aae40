/** startLocalWorkMail(): the endpoints together, through the real SDK clients, and the built-in S3 endpoint. */
import { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { FlowRuleClient, createWorkMailClient } from '../../lambda/flow-rule-provider/client';
import { MessageFrozenError, getRawMessage, putRawMessage } from '../../lambda/runtime/message-content';
import { type LocalWorkMail, PLACEHOLDER_ORGANIZATION_ID, S3Emulator, startLocalWorkMail } from '../../local';
import { decodeUpload } from '../../local/endpoints/s3';
import { listening } from './assemblies';
import { setEnv } from './aws-env';
import { rawRequest } from './http';
import { OTHER_ORG, inboundSyncRule } from './sample-rules';

const MIME = 'From: a@example.com\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\nSubject: hi\r\n\r\nbody\r\n';

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks).toString('utf8');
}

describe('startLocalWorkMail', () => {
  let local: LocalWorkMail;
  let restore: () => void;
  beforeAll(async () => {
    local = await startLocalWorkMail({ buckets: ['content'], organizationStates: { [OTHER_ORG]: 'Deleting' }, organizations: [PLACEHOLDER_ORGANIZATION_ID] });
    restore = setEnv({ ...local.env, AWS_PROFILE: undefined, AWS_ENDPOINT_URL: undefined, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' });
  });
  afterAll(async () => {
    restore();
    const urls = Object.values(local.endpoints);
    await local.close();
    for (const url of urls) expect(await listening(url)).toBe(false);
  });

  test('env names the endpoints on 127.0.0.1, fake credentials and the Region; nothing is applied by itself', () => {
    expect(local.env).toMatchObject({
      AWS_ENDPOINT_URL_WORKMAIL: local.endpoints.workMail,
      AWS_ENDPOINT_URL_WORKMAILMESSAGEFLOW: local.endpoints.messageFlow,
      AWS_ENDPOINT_URL_S3: local.endpoints.s3,
      AWS_ENDPOINT_URL_STS: local.endpoints.sts,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: expect.stringMatching(/^AKIA/),
    });
    for (const url of Object.values(local.endpoints)) expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(Object.isFrozen(local.env)).toBe(true);
  });

  test('addMessage / getMessage: the runtime reads the message, updates it through S3, and getMessage returns the update', async () => {
    const id = await local.addMessage(MIME);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await text(await getRawMessage(id))).toBe(MIME);
    const updated = MIME.replace('Subject: hi', 'Subject: [tagged] hi');
    const stored = await putRawMessage(id, updated, { bucket: 'content' });
    expect((await local.getMessage(id)).toString()).toBe(updated);
    expect(local.s3!.object('content', stored.key)?.body.toString()).toBe(updated);
  });

  test('freeze(): MessageFrozen from then on; throttle(): ThrottlingException', async () => {
    const id = await local.addMessage(Buffer.from(MIME), { messageId: 'frozen-1' });
    local.freeze(id);
    await expect(putRawMessage(id, MIME, { bucket: 'content' })).rejects.toBeInstanceOf(MessageFrozenError);
    const other = await local.addMessage(MIME);
    local.throttle(other);
    await expect(getRawMessage(other)).rejects.toMatchObject({ code: 'ThrottlingException' });
  });

  test('organization states and the flow-rule operations, through the provider\'s client', async () => {
    const client = createWorkMailClient({ maxAttempts: 1 });
    try {
      const rules = new FlowRuleClient(client);
      await rules.create('INBOUND', { ...inboundSyncRule(), ClientToken: 't1' });
      expect(local.workMail.rules(PLACEHOLDER_ORGANIZATION_ID, 'INBOUND')).toHaveLength(1);
      await expect(rules.list('INBOUND', { OrganizationId: OTHER_ORG })).rejects.toMatchObject({ name: 'OrganizationStateException' });
    } finally {
      client.destroy();
    }
  });

  test('bad calls say what to fix', async () => {
    await expect(local.getMessage('no-such-message')).rejects.toThrow('getMessage: no message "no-such-message" is held; add it with addMessage() first');
    await expect(local.addMessage(MIME, { messageId: 'Not An Id' })).rejects.toThrow(/addMessage: messageId must be 1 to 120 characters/);
    await expect(local.addMessage(42 as any)).rejects.toThrow('addMessage: mime must be a Buffer or a string, got number');
    expect(() => local.freeze('nope')).toThrow('freeze: no message "nope" is held');
  });
});

describe('the built-in S3 endpoint', () => {
  let s3: S3Emulator;
  let client: S3Client;
  beforeAll(async () => {
    s3 = await S3Emulator.start({ buckets: ['bucket-one'] });
    client = new S3Client({ endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'AKIAX', secretAccessKey: 'x' } });
  });
  afterAll(async () => {
    client.destroy();
    await s3.stop();
  });

  test('a streamed upload (aws-chunked with a checksum trailer) is stored without its framing', async () => {
    const parts = [Buffer.alloc(70_000, 'a'), Buffer.from('tail')];
    await client.send(new PutObjectCommand({ Bucket: 'bucket-one', Key: 'stream/one', Body: Readable.from(parts), ContentLength: 70_004 }));
    const got = await client.send(new GetObjectCommand({ Bucket: 'bucket-one', Key: 'stream/one' }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(Buffer.concat(parts))).toBe(true);
    expect((await client.send(new HeadObjectCommand({ Bucket: 'bucket-one', Key: 'stream/one' }))).ContentLength).toBe(70_004);
  });

  test('a missing key or bucket answers NoSuchKey / NoSuchBucket as S3 does', async () => {
    await expect(client.send(new GetObjectCommand({ Bucket: 'bucket-one', Key: 'missing' }))).rejects.toMatchObject({ name: 'NoSuchKey' });
    await expect(client.send(new PutObjectCommand({ Bucket: 'nope', Key: 'k', Body: 'x' }))).rejects.toMatchObject({ name: 'NoSuchBucket' });
  });

  test('an unsigned request is refused; a call it does not serve answers 501 NotImplemented', async () => {
    const unsigned = await rawRequest(`${s3.endpoint}/bucket-one/k`, { method: 'GET' });
    expect(unsigned.status).toBe(403);
    expect(unsigned.text).toContain('<Code>MissingAuthenticationTokenException</Code>');
    const acl = await rawRequest(`${s3.endpoint}/bucket-one/k?acl`, { method: 'GET', headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKIAX/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00' } });
    expect(acl.status).toBe(501);
    expect(acl.text).toContain('<Code>NotImplemented</Code>');
  });

  test('decodeUpload refuses a malformed aws-chunked body and a length that does not add up', () => {
    const headers = { 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': '3' };
    expect(decodeUpload(headers, Buffer.from('3\r\nabc\r\n0\r\nx-amz-checksum-crc32:AAAA\r\n\r\n')).toString()).toBe('abc');
    expect(() => decodeUpload(headers, Buffer.from('zz\r\nabc\r\n0\r\n'))).toThrow(/malformed chunk size/);
    expect(() => decodeUpload(headers, Buffer.from('5\r\nabc\r\n0\r\n'))).toThrow(/shorter than its size/);
    expect(() => decodeUpload({ ...headers, 'x-amz-decoded-content-length': '9' }, Buffer.from('3\r\nabc\r\n0\r\n\r\n'))).toThrow(/says 9 bytes, the chunks hold 3/);
    expect(decodeUpload({}, Buffer.from('plain')).toString()).toBe('plain');
  });
});
