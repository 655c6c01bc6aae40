/**
 * A local Amazon WorkMail Message Flow endpoint (GetRawMessageContent, PutRawMessageContent), speaking
 * REST JSON as the SDK model says to the real `@aws-sdk/client-workmailmessageflow` client (reach it with
 * `AWS_ENDPOINT_URL_WORKMAILMESSAGEFLOW=<emulator.endpoint>`). Hand-written: no package serves this API.
 *
 * - `GET /messages/{messageId}` answers the stored MIME (the updated one after a successful put), or 404
 *   ResourceNotFoundException.
 * - `POST /messages/{messageId}` with `{"content":{"s3Reference":{bucket,key,objectVersion?}}}` checks the
 *   reference against the service's patterns (400 ValidationException), reads the object from the S3
 *   it was given (the local S3 endpoint in process, or another S3 endpoint such as s3rver over HTTP), as WorkMail does (missing bucket/object: 400 InvalidContentLocation), checks the
 *   MIME with the shared rules (400 MessageRejected) and keeps it; a message frozen with `freeze()` gets
 *   400 MessageFrozen.
 *
 * The checks are those of `lambda/rules/message-content.ts`; they approximate WorkMail's MIME checks (WorkMail
 * checks more, such as immutable headers). It only ever listens on 127.0.0.1.
 */
import type * as http from 'node:http';
import {
  messageIdProblem, rawMessageProblem, s3ReferenceBucketProblem, s3ReferenceKeyProblem,
} from '../../lambda/rules/message-content';
import { type S3ObjectSource, httpObjectSource } from './s3';
import { HttpEndpoint, checkSigV4 } from './server';

/** Options of `MessageFlowEmulator.start()`. */
export interface MessageFlowEmulatorOptions {
  /**
   * Where WorkMail reads updated content from: the local S3 endpoint (an `S3Emulator`), or the URL of another
   * S3 endpoint (path style, read without a signature), e.g. a local s3rver.
   */
  readonly s3: S3ObjectSource | string;
  /** The Region the emulator plays: the signing scope must name it. @default 'us-east-1' */
  readonly region?: string;
  /** Port on 127.0.0.1. @default 0 (an ephemeral port) */
  readonly port?: number;
}

/** A request the emulator received. */
export interface MessageFlowRequest {
  readonly method: string;
  readonly path: string;
  readonly operation?: 'GetRawMessageContent' | 'PutRawMessageContent';
  readonly body: unknown;
  readonly status: number;
  readonly errorType?: string;
}

class ServiceError extends Error {
  constructor(public readonly type: string, message: string, public readonly status = 400) {
    super(message);
  }
}

/** A local WorkMail Message Flow endpoint; see the module comment. */
export class MessageFlowEmulator extends HttpEndpoint {
  /** Starts an endpoint on 127.0.0.1. */
  public static async start(options: MessageFlowEmulatorOptions): Promise<MessageFlowEmulator> {
    const emulator = new MessageFlowEmulator(options);
    await emulator.listen(options.port ?? 0);
    return emulator;
  }

  /** Every request received, oldest first. */
  public readonly requests: MessageFlowRequest[] = [];
  public readonly region: string;
  private readonly messages = new Map<string, Buffer>();
  private readonly frozen = new Set<string>();
  private readonly throttled = new Set<string>();
  private readonly s3: S3ObjectSource;

  private constructor(options: MessageFlowEmulatorOptions) {
    super();
    this.region = options.region ?? 'us-east-1';
    // WorkMail reads the object with its own identity, not the function's.
    this.s3 = typeof options.s3 === 'string' ? httpObjectSource(options.s3) : options.s3;
  }

  /** A message in transit, as WorkMail holds it while a rule runs. */
  public addMessage(messageId: string, mime: string | Buffer): void {
    this.messages.set(messageId, Buffer.isBuffer(mime) ? mime : Buffer.from(mime, 'utf8'));
  }

  /** The message's current content (updated by a successful PutRawMessageContent). */
  public message(messageId: string): Buffer | undefined {
    return this.messages.get(messageId);
  }

  /** Fault injection: updates of this message fail with MessageFrozen (as for a redirected message). */
  public freeze(messageId: string): void {
    this.frozen.add(messageId);
  }

  /** Fault injection: every call about this message fails with ThrottlingException (400), as under a request rate limit. */
  public throttle(messageId: string): void {
    this.throttled.add(messageId);
  }

  /** Whether a message of this id is held. */
  public has(messageId: string): boolean {
    return this.messages.has(messageId);
  }

  protected async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // kept as text
    }
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0];
    const match = /^\/messages\/([^/]+)$/.exec(path);
    const operation = match ? (method === 'GET' ? 'GetRawMessageContent' : method === 'POST' ? 'PutRawMessageContent' : undefined) : undefined;
    try {
      this.checkSignature(req);
      if (!match || !operation) throw new ServiceError('UnknownOperationException', `no operation at ${method} ${path}`, 404);
      const messageId = decodeURIComponent(match[1]);
      const problem = messageIdProblem('messageId', messageId);
      if (problem) throw new ServiceError('ValidationException', `1 validation error detected: Value '${messageId}' at 'messageId' failed to satisfy constraint: ${problem}`);
      if (this.throttled.has(messageId)) throw new ServiceError('ThrottlingException', 'Rate exceeded');
      if (operation === 'GetRawMessageContent') {
        const content = this.messages.get(messageId);
        if (!content) throw new ServiceError('ResourceNotFoundException', `Message ${messageId} not found.`, 404);
        this.requests.push({ method, path, operation, body, status: 200 });
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': content.length });
        res.end(content);
        return;
      }
      await this.put(messageId, body);
      this.requests.push({ method, path, operation, body, status: 200 });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    } catch (error) {
      const e = error instanceof ServiceError ? error : new ServiceError('InternalServerException', String(error), 500);
      this.requests.push({ method, path, operation, body, status: e.status, errorType: e.type });
      res.writeHead(e.status, { 'content-type': 'application/json', 'x-amzn-errortype': e.type });
      res.end(JSON.stringify({ message: e.message }));
    }
  }

  private async put(messageId: string, body: unknown): Promise<void> {
    const ref = (body as { content?: { s3Reference?: { bucket?: unknown; key?: unknown; objectVersion?: unknown } } } | undefined)?.content?.s3Reference;
    if (!ref) throw new ServiceError('ValidationException', "1 validation error detected: Value null at 'content.s3Reference' failed to satisfy constraint: Member must not be null");
    const problem = s3ReferenceBucketProblem('content.s3Reference.bucket', ref.bucket as string)
      ?? s3ReferenceKeyProblem('content.s3Reference.key', ref.key as string);
    if (problem) throw new ServiceError('ValidationException', `1 validation error detected: ${problem}`);
    if (!this.messages.has(messageId)) throw new ServiceError('ResourceNotFoundException', `Message ${messageId} not found.`, 404);
    if (this.frozen.has(messageId)) throw new ServiceError('MessageFrozen', `Message ${messageId} is not eligible for update.`);

    let content: Buffer;
    try {
      const object = await this.s3.getObject(ref.bucket as string, ref.key as string, ref.objectVersion as string | undefined);
      if (!object) throw Object.assign(new Error('the bucket or the object does not exist'), { name: 'NoSuchKey' });
      content = object;
    } catch (error) {
      throw new ServiceError('InvalidContentLocation', `WorkMail could not access s3://${ref.bucket}/${ref.key}: ${(error as Error).name}`);
    }
    const rejected = rawMessageProblem(content);
    if (rejected) throw new ServiceError('MessageRejected', `Invalid content: ${rejected}`);
    this.messages.set(messageId, content);
  }

  private checkSignature(req: http.IncomingMessage): void {
    const problem = checkSigV4(req.headers.authorization, 'workmailmessageflow', this.region);
    if (problem) throw new ServiceError(problem.code, problem.message, 403);
  }
}
