/**
 * Read and update the content of the message a WorkMail Run Lambda event is about.
 *
 * `getRawMessage()` calls WorkMail Message Flow's GetRawMessageContent; `putRawMessage()` uploads the new
 * MIME to S3 and calls PutRawMessageContent with that object. The AWS SDK packages
 * (`@aws-sdk/client-workmailmessageflow`, `@aws-sdk/client-s3`, both in Lambda's Node.js runtimes) are
 * loaded on the first call, not when this module loads (load-sdk.ts, per build), so a handler that never
 * touches message content pays nothing for them at cold start and a bundler need not find them; they are then
 * kept for the next invocations. A package that cannot be loaded is a WorkMailConfigurationError
 * (MISSING_PACKAGE) naming it; a client passed in that is not an SDK client (a test double) needs no package.
 *
 * No SDK type appears in this module's declarations: a consumer without the SDK packages still type-checks.
 */
import { PassThrough, Readable } from 'node:stream';
import {
  MESSAGE_CONTENT_BUCKET_ENV, MESSAGE_CONTENT_KEY_PREFIX, keyPrefixProblem, messageIdProblem, s3ReferenceBucketProblem,
} from '../../rules/message-content';
import { errorMessage, errorName } from '../../rules/values';
import { WorkMailConfigurationError, WorkMailRuntimeError, isRetryableError } from '../errors';
import { loadMessageFlowSdk, loadS3Sdk } from './load-sdk';
import { exportOf } from './packages';

export { MESSAGE_CONTENT_BUCKET_ENV, MESSAGE_CONTENT_KEY_PREFIX };

/**
 * An AWS SDK v3 client as far as this module uses it: pass a `WorkMailMessageFlowClient` or an `S3Client`
 * of your own (another Region, custom retries, a tracing wrapper) where an option takes one. It is sent the
 * SDK's commands (`GetRawMessageContentCommand`, `PutRawMessageContentCommand`, `PutObjectCommand`); a test
 * double that is not an SDK client also works where the SDK package is not installed: it is then sent plain
 * objects of the same class names with the same `input`.
 */
export interface AwsSdkClient {
  send(command: any, options?: any): Promise<any>;
}

/** Options of `getRawMessage()`. */
export interface GetRawMessageOptions {
  /** The WorkMail Message Flow client to call. @default one client per Lambda environment, made on first use */
  readonly messageFlowClient?: AwsSdkClient;
}

/** Options of `putRawMessage()`. */
export interface PutRawMessageOptions {
  /**
   * The bucket to store the new content in; WorkMail reads it from there. It must be in the function's
   * account and Region and let WorkMail read it (see `MessageContentBucket`).
   * @default the WORKMAIL_MESSAGE_CONTENT_BUCKET environment variable, which `grantWriteMessageContent()` sets
   */
  readonly bucket?: string;
  /**
   * Prefix of the object key; the key is `<keyPrefix><messageId>/<random UUID>`. Only a-z, A-Z, 0-9, '-'
   * and '/' (WorkMail accepts no other character in the key).
   * @default 'messages/' (the prefix `grantWriteMessageContent()` grants)
   */
  readonly keyPrefix?: string;
  /** The WorkMail Message Flow client to call. @default one client per Lambda environment, made on first use */
  readonly messageFlowClient?: AwsSdkClient;
  /** The S3 client to upload with. @default one client per Lambda environment, made on first use */
  readonly s3Client?: AwsSdkClient;
}

/** Where `putRawMessage()` stored the new content. */
export interface StoredMessageContent {
  readonly bucket: string;
  readonly key: string;
}

/** A failure of `getRawMessage()` or `putRawMessage()`; the subclasses are the errors WorkMail documents. */
export class MessageContentError extends WorkMailRuntimeError {
  // Set literally, not from the class name, which a minifying bundler renames.
  public name = 'MessageContentError';
  /** The service's error name (`MessageFrozen`, `AccessDenied`, ...). */
  public readonly code: string;
  /** The message the call was about. */
  public readonly messageId: string;

  /**
   * @param details.retryable whether a later attempt can succeed
   *   @default what `isRetryableError` says of `cause` (false without one)
   */
  constructor(message: string, details: { code: string; messageId: string; cause?: unknown; retryable?: boolean }) {
    super(message, { retryable: details.retryable ?? isRetryableError(details.cause), cause: details.cause });
    this.code = details.code;
    this.messageId = details.messageId;
  }
}

/** WorkMail has no message of that id (ResourceNotFoundException). */
export class MessageNotFoundError extends MessageContentError {
  public name = 'MessageNotFoundError';
}

/** WorkMail does not allow updating this message (MessageFrozen), usually because it was redirected. */
export class MessageFrozenError extends MessageContentError {
  public name = 'MessageFrozenError';
}

/** WorkMail rejected the new MIME content (MessageRejected); the message says which rule it broke. */
export class MessageRejectedError extends MessageContentError {
  public name = 'MessageRejectedError';
}

/** WorkMail could not read the new content from S3 (InvalidContentLocation). */
export class InvalidContentLocationError extends MessageContentError {
  public name = 'InvalidContentLocationError';
}

// The SDK's command classes and clients, as far as this module uses them; no SDK type in the declarations.
type CommandClass = new (input: any) => object;
type ClientClass = new (config: object) => AwsSdkClient;
interface MessageFlowCommands {
  readonly GetRawMessageContentCommand: CommandClass;
  readonly PutRawMessageContentCommand: CommandClass;
}
interface S3Commands {
  readonly PutObjectCommand: CommandClass;
}
interface Loaded<C> {
  readonly Client: ClientClass;
  readonly commands: C;
}

const MESSAGE_FLOW_PACKAGE = '@aws-sdk/client-workmailmessageflow';
const S3_PACKAGE = '@aws-sdk/client-s3';

// Loaded on the first call, kept for the next invocations; a failed load is tried again on the next call.
let messageFlowSdk: Loaded<MessageFlowCommands> | undefined;
let s3Sdk: Loaded<S3Commands> | undefined;
let defaultMessageFlowClient: AwsSdkClient | undefined;
let defaultS3Client: AwsSdkClient | undefined;

async function loadMessageFlow(): Promise<Loaded<MessageFlowCommands>> {
  if (messageFlowSdk) return messageFlowSdk;
  const sdk = await loadMessageFlowSdk();
  return (messageFlowSdk = {
    Client: exportOf(sdk, MESSAGE_FLOW_PACKAGE, 'WorkMailMessageFlowClient'),
    commands: {
      GetRawMessageContentCommand: exportOf(sdk, MESSAGE_FLOW_PACKAGE, 'GetRawMessageContentCommand'),
      PutRawMessageContentCommand: exportOf(sdk, MESSAGE_FLOW_PACKAGE, 'PutRawMessageContentCommand'),
    },
  });
}

async function loadS3(): Promise<Loaded<S3Commands>> {
  if (s3Sdk) return s3Sdk;
  const sdk = await loadS3Sdk();
  return (s3Sdk = { Client: exportOf(sdk, S3_PACKAGE, 'S3Client'), commands: { PutObjectCommand: exportOf(sdk, S3_PACKAGE, 'PutObjectCommand') } });
}

// What a client passed in gets when the SDK package is not there (a test double in a project without it): the
// SDK command's class name and its `input`, which is all a fake client reads.
const PLAIN_MESSAGE_FLOW: MessageFlowCommands = {
  GetRawMessageContentCommand: class GetRawMessageContentCommand { constructor(public readonly input: object) {} },
  PutRawMessageContentCommand: class PutRawMessageContentCommand { constructor(public readonly input: object) {} },
};
const PLAIN_S3: S3Commands = { PutObjectCommand: class PutObjectCommand { constructor(public readonly input: object) {} } };

/** An AWS SDK v3 client (smithy): it needs the SDK's own command objects, which bring their serializers. */
function isSdkClient(client: AwsSdkClient): boolean {
  return typeof (client as { middlewareStack?: { resolve?: unknown } }).middlewareStack?.resolve === 'function';
}

/**
 * The client to call and the commands to send it: the SDK's, loaded on first use; for a client passed in that is
 * not an SDK client, plain commands when the package cannot be loaded. Otherwise a missing package rejects with
 * WorkMailConfigurationError MISSING_PACKAGE, before any request.
 */
async function connect<C>(given: AwsSdkClient | undefined, load: () => Promise<Loaded<C>>, plain: C,
  defaultClient: (sdk: Loaded<C>) => AwsSdkClient): Promise<{ client: AwsSdkClient; commands: C }> {
  let sdk: Loaded<C>;
  try {
    sdk = await load();
  } catch (error) {
    if (given && !isSdkClient(given)) return { client: given, commands: plain };
    throw error;
  }
  return { client: given ?? defaultClient(sdk), commands: sdk.commands };
}

const connectMessageFlow = (given: AwsSdkClient | undefined) =>
  connect(given, loadMessageFlow, PLAIN_MESSAGE_FLOW, (sdk) => (defaultMessageFlowClient ??= new sdk.Client({})));
const connectS3 = (given: AwsSdkClient | undefined) => connect(given, loadS3, PLAIN_S3, (sdk) => (defaultS3Client ??= new sdk.Client({})));

function checkMessageId(messageId: string): void {
  const problem = messageIdProblem('messageId', messageId);
  if (problem) throw new WorkMailConfigurationError('INVALID_OPTION', problem);
}

/**
 * The raw MIME content of a message, as a stream.
 *
 * @param messageId the event's `messageId`
 * @throws MessageNotFoundError when WorkMail has no such message; MessageContentError for other failures
 */
export async function getRawMessage(messageId: string, options: GetRawMessageOptions = {}): Promise<Readable> {
  checkMessageId(messageId);
  const { client, commands: { GetRawMessageContentCommand } } = await connectMessageFlow(options.messageFlowClient);
  let output: { messageContent?: unknown };
  try {
    output = await client.send(new GetRawMessageContentCommand({ messageId }));
  } catch (error) {
    throw messageFlowError(error, messageId, 'GetRawMessageContent');
  }
  const body = output.messageContent;
  if (body instanceof Readable) return retryableReads(body, messageId);
  // Outside Node.js's HTTP handler the SDK may hand back a web stream or bytes.
  if (body && typeof (body as any).getReader === 'function') return retryableReads(Readable.fromWeb(body as any), messageId);
  if (body instanceof Uint8Array) return Readable.from([Buffer.from(body)]);
  throw new MessageContentError(`GetRawMessageContent returned no content for message ${messageId}`, { code: 'NoContent', messageId });
}

/**
 * The content as a stream that fails with a retryable `MessageContentError`: the message comes over the network
 * while it is read, and a read that breaks off (a reset connection, a closed socket) is fixed by reading again.
 * Stopping early (destroying the stream) releases the connection.
 */
function retryableReads(body: Readable, messageId: string): Readable {
  const out = new PassThrough();
  body.on('error', (error: Error & { code?: unknown }) => {
    const code = errorName(error) ?? (typeof error.code === 'string' ? error.code : 'ReadInterrupted');
    out.destroy(new MessageContentError(`reading message ${messageId} broke off (${errorMessage(error)}); reading it again can succeed`,
      { code, messageId, cause: error, retryable: true }));
  });
  out.on('close', () => body.destroy());
  return body.pipe(out);
}

/**
 * Replace the content of a message in transit: upload `mime` to S3, then ask WorkMail to take it from there.
 *
 * Call it from a synchronous Run Lambda rule's function; WorkMail applies the update when the function
 * answers. A stream is read into memory first (S3 needs the length; WorkMail messages are small enough).
 *
 * @param messageId the event's `messageId`
 * @param mime the whole new message, headers and body, in MIME format
 * @returns the bucket and key the content was stored under
 * @throws MessageFrozenError, MessageRejectedError, InvalidContentLocationError, MessageNotFoundError, or
 *   MessageContentError for other failures (such as S3 refusing the upload)
 */
export async function putRawMessage(messageId: string, mime: Readable | Buffer | string, options: PutRawMessageOptions = {}): Promise<StoredMessageContent> {
  checkMessageId(messageId);
  const bucket = options.bucket ?? process.env[MESSAGE_CONTENT_BUCKET_ENV];
  if (!bucket) {
    throw new WorkMailConfigurationError('MISSING_SETTING', `putRawMessage needs a bucket: pass { bucket } or set ${MESSAGE_CONTENT_BUCKET_ENV} (WorkMailFunction.grantWriteMessageContent() sets it)`);
  }
  const bucketProblem = s3ReferenceBucketProblem(options.bucket !== undefined ? 'bucket' : MESSAGE_CONTENT_BUCKET_ENV, bucket);
  if (bucketProblem) throw new WorkMailConfigurationError('INVALID_OPTION', bucketProblem);
  const keyPrefix = options.keyPrefix ?? MESSAGE_CONTENT_KEY_PREFIX;
  const prefixProblem = keyPrefixProblem('keyPrefix', keyPrefix);
  if (prefixProblem) throw new WorkMailConfigurationError('INVALID_OPTION', prefixProblem);

  const body = await toBuffer(mime);
  // The global Web Crypto (Node 19 and later): loading node:crypto at import would cost a cold start ~5 ms.
  const key = `${keyPrefix}${messageId}/${globalThis.crypto.randomUUID()}`;
  // Both clients before any request: no object is uploaded for a message that cannot then be updated.
  const s3 = await connectS3(options.s3Client);
  const messageFlow = await connectMessageFlow(options.messageFlowClient);
  const { PutObjectCommand } = s3.commands;
  try {
    await s3.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'message/rfc822' }));
  } catch (error) {
    const code = codeOf(error);
    throw new MessageContentError(
      `uploading the new content of message ${messageId} to s3://${bucket}/${key} failed (${code}: ${errorMessage(error)}); ` +
      "the function's role needs s3:PutObject on the bucket (WorkMailFunction.grantWriteMessageContent() grants it)",
      { code, messageId, cause: error });
  }

  const { PutRawMessageContentCommand } = messageFlow.commands;
  try {
    await messageFlow.client.send(new PutRawMessageContentCommand({ messageId, content: { s3Reference: { bucket, key } } }));
  } catch (error) {
    throw messageFlowError(error, messageId, 'PutRawMessageContent', { bucket, key });
  }
  return { bucket, key };
}

async function toBuffer(mime: Readable | Buffer | string): Promise<Buffer> {
  if (typeof mime === 'string') return Buffer.from(mime, 'utf8');
  if (Buffer.isBuffer(mime)) return mime;
  if (mime instanceof Uint8Array) return Buffer.from(mime);
  if (mime && typeof (mime as Readable)[Symbol.asyncIterator] === 'function') {
    const chunks: Buffer[] = [];
    for await (const chunk of mime as Readable) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk));
    return Buffer.concat(chunks);
  }
  throw new WorkMailConfigurationError('INVALID_OPTION', `mime must be a Readable, a Buffer or a string, got ${mime === null ? 'null' : typeof mime}`);
}

/** The service's name for `error`, `UnknownError` when it has none. */
function codeOf(error: unknown): string {
  return errorName(error) ?? 'UnknownError';
}

/** The service's error as one of the typed errors, with what to do about it. */
function messageFlowError(error: unknown, messageId: string, operation: string, location?: StoredMessageContent): MessageContentError {
  const code = codeOf(error);
  const said = errorMessage(error);
  // WorkMail's documented refusals are about this message: the same call is refused again.
  const details = { code, messageId, cause: error, retryable: false };
  switch (code) {
    case 'ResourceNotFoundException':
      return new MessageNotFoundError(
        `WorkMail has no message ${messageId} (${operation}: ${said}); pass the messageId of the event being handled, ` +
        "call the Message Flow API in the organization's Region, and read or update the message while the rule runs", details);
    case 'MessageFrozen':
      return new MessageFrozenError(
        `WorkMail does not allow updating message ${messageId} (${said}); this is usually a redirected message: ` +
        'leave its content as it is and answer with the action for it', details);
    case 'MessageRejected':
      return new MessageRejectedError(
        `WorkMail rejected the new content of message ${messageId}: ${said}; send well-formed MIME with the required header fields, ` +
        'immutable headers unchanged, unique headers once, and lines of at most 1000 octets including CRLF', details);
    case 'InvalidContentLocation':
      return new InvalidContentLocationError(
        `WorkMail could not read the new content of message ${messageId} from s3://${location?.bucket}/${location?.key} (${said}); ` +
        "the bucket must be in the organization's account and Region and its policy must let workmail.<region>.amazonaws.com " +
        's3:GetObject the key (MessageContentBucket does both)', details);
    default:
      return new MessageContentError(`${operation} for message ${messageId} failed (${code}: ${said})`, { code, messageId, cause: error });
  }
}
