/**
 * A local Amazon WorkMail Message Flow endpoint (GetRawMessageContent, PutRawMessageContent), speaking
 * REST JSON as the SDK model says to the real `@aws-sdk/client-workmailmessageflow` client (reach it with
 * `AWS_ENDPOINT_URL_WORKMAILMESSAGEFLOW=<emulator.endpoint>`).
 *
 * - `GET /messages/{messageId}` answers the stored MIME (the updated one after a successful put), or 404
 *   ResourceNotFoundException.
 * - `POST /messages/{messageId}` with `{"content":{"s3Reference":{bucket,key,objectVersion?}}}` checks the
 *   reference against the service's patterns (400 ValidationException), reads the object from the S3
 *   endpoint it was given, as WorkMail does (missing bucket/object: 400 InvalidContentLocation), checks the
 *   MIME with the shared rules (400 MessageRejected) and keeps it; a message frozen with `freeze()` gets
 *   400 MessageFrozen.
 *
 * The checks are those of `lambda/rules/message-content.ts`; they approximate WorkMail's MIME checks (WorkMail
 * checks more, such as immutable headers). It only ever listens on 127.0.0.1.
 */
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  messageIdProblem, rawMessageProblem, s3ReferenceBucketProblem, s3ReferenceKeyProblem,
} from '../../lambda/rules/message-content';

/** Options of `MessageFlowEmulator.start()`. */
export interface MessageFlowEmulatorOptions {
  /** The S3 endpoint WorkMail reads updated content from (path style), e.g. a local s3rver. */
  readonly s3Endpoint: string;
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

export class MessageFlowEmulator {
  public static async start(options: MessageFlowEmulatorOptions): Promise<MessageFlowEmulator> {
    const emulator = new MessageFlowEmulator(options);
    await new Promise<void>((resolve, reject) => {
      emulator.server.once('error', reject);
      emulator.server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    return emulator;
  }

  /** Every request received, oldest first. */
  public readonly requests: MessageFlowRequest[] = [];
  public readonly region: string;
  private readonly messages = new Map<string, Buffer>();
  private readonly frozen = new Set<string>();
  private readonly throttled = new Set<string>();
  private readonly s3: S3Client;
  private readonly server: http.Server;
  private readonly sockets = new Set<Socket>();

  private constructor(options: MessageFlowEmulatorOptions) {
    this.region = options.region ?? 'us-east-1';
    // WorkMail reads the object with its own identity (here s3rver's built-in key; s3rver checks no SigV4 signature).
    this.s3 = new S3Client({
      endpoint: options.s3Endpoint,
      forcePathStyle: true,
      region: this.region,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }, // s3rver's built-in key
      maxAttempts: 1,
    });
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** `http://127.0.0.1:<port>` */
  public get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
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

  public async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.s3.destroy();
    if (!this.server.listening) return;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
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
      const object = await this.s3.send(new GetObjectCommand({
        Bucket: ref.bucket as string, Key: ref.key as string, VersionId: ref.objectVersion as string | undefined,
      }));
      content = Buffer.from(await object.Body!.transformToByteArray());
    } catch (error) {
      throw new ServiceError('InvalidContentLocation', `WorkMail could not access s3://${ref.bucket}/${ref.key}: ${(error as Error).name}`);
    }
    const rejected = rawMessageProblem(content);
    if (rejected) throw new ServiceError('MessageRejected', `Invalid content: ${rejected}`);
    this.messages.set(messageId, content);
  }

  private checkSignature(req: http.IncomingMessage): void {
    const authorization = req.headers.authorization;
    if (!authorization) throw new ServiceError('MissingAuthenticationTokenException', 'Missing Authentication Token', 403);
    const match = /^AWS4-HMAC-SHA256 Credential=[^/,\s]+\/\d{8}\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request,/.exec(authorization);
    if (!match) throw new ServiceError('IncompleteSignatureException', 'Authorization header is not an AWS Signature Version 4 header', 403);
    const [, region, service] = match;
    if (service !== 'workmailmessageflow') throw new ServiceError('InvalidSignatureException', `Credential should be scoped to correct service: 'workmailmessageflow', got '${service}'`, 403);
    if (region !== this.region) throw new ServiceError('InvalidSignatureException', `Credential should be scoped to a valid region: '${this.region}', got '${region}'`, 403);
  }
}
