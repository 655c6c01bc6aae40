/**
 * A local S3 endpoint for the object calls the runtime makes (`putRawMessage` uploads with PutObject) and that
 * WorkMail makes (it reads the uploaded object with GetObject), speaking the S3 REST protocol (path style, XML
 * errors) to the real `@aws-sdk/client-s3` client; reach it with `AWS_ENDPOINT_URL_S3=<endpoint>`.
 *
 * It is ours, not a kept package: s3rver (the S3 of this repository's own tests) and its dependencies weigh more
 * than the 1 MB this package may add to a consumer's install, and a test-only package cannot become a runtime
 * dependency. It serves PutObject (plain bodies and `aws-chunked` uploads, whose chunk framing and checksum trailer
 * it removes), GetObject, HeadObject, DeleteObject, ListObjectsV2 (by prefix, one page of at most 1,000 keys),
 * CreateBucket and HeadBucket, in memory; any other call
 * answers 501 NotImplemented. Requests must carry a SigV4 `Authorization` header scoped to `s3` and the Region
 * (the signature itself is not verified). The same runtime tests run against s3rver and against this endpoint.
 * It only ever listens on 127.0.0.1.
 */
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import { HttpEndpoint, checkSigV4, readBody } from './server';

/** Options of `S3Emulator.start()`. */
export interface S3EmulatorOptions {
  /** Buckets that exist from the start. @default none */
  readonly buckets?: readonly string[];
  /** The Region the endpoint plays: the signing scope must name it. @default 'us-east-1' */
  readonly region?: string;
  /** Port on 127.0.0.1. @default 0 (an ephemeral port) */
  readonly port?: number;
}

/** A stored object. */
export interface S3Object {
  readonly body: Buffer;
  readonly contentType?: string;
  readonly etag: string;
}

/** A request the endpoint received. */
export interface S3Request {
  readonly method: string;
  readonly path: string;
  readonly operation?: string;
  readonly status: number;
  readonly errorCode?: string;
}

/** Reads objects by bucket and key: how the local Message Flow endpoint fetches updated content. */
export interface S3ObjectSource {
  /** The object's bytes; undefined when the bucket or the key does not exist. */
  getObject(bucket: string, key: string, versionId?: string): Promise<Buffer | undefined>;
}

/** Largest object the endpoint keeps (S3 allows 5 GB in one PUT; a message in transit is far smaller). */
export const MAX_OBJECT_BYTES = 100 * 1024 * 1024;

class S3Error extends Error {
  constructor(readonly code: string, message: string, readonly status: number) {
    super(message);
  }
}

/** A local S3 endpoint; see the module comment. */
export class S3Emulator extends HttpEndpoint implements S3ObjectSource {
  /** Starts an endpoint on 127.0.0.1. */
  public static async start(options: S3EmulatorOptions = {}): Promise<S3Emulator> {
    const endpoint = new S3Emulator(options);
    await endpoint.listen(options.port ?? 0);
    return endpoint;
  }

  /** Every request received, oldest first. */
  public readonly requests: S3Request[] = [];
  /** The Region the endpoint plays. */
  public readonly region: string;
  private readonly buckets = new Map<string, Map<string, S3Object>>();

  private constructor(options: S3EmulatorOptions) {
    super();
    this.region = options.region ?? 'us-east-1';
    for (const bucket of options.buckets ?? []) this.createBucket(bucket);
  }

  /** Makes a bucket exist (idempotent). */
  public createBucket(bucket: string): void {
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
      throw new Error(`a bucket name is 3 to 63 characters of a-z, 0-9, '.' and '-', starting and ending with a letter or digit, got ${JSON.stringify(bucket)}`);
    }
    if (!this.buckets.has(bucket)) this.buckets.set(bucket, new Map());
  }

  /** The stored object, or undefined. */
  public object(bucket: string, key: string): S3Object | undefined {
    return this.buckets.get(bucket)?.get(key);
  }

  /** The keys of a bucket, in the order they were first written. */
  public keys(bucket: string): string[] {
    return [...(this.buckets.get(bucket)?.keys() ?? [])];
  }

  public async getObject(bucket: string, key: string): Promise<Buffer | undefined> {
    return this.object(bucket, key)?.body;
  }

  protected async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const slash = path.indexOf('/', 1);
    const bucket = decodeURIComponent(slash === -1 ? path.slice(1) : path.slice(1, slash));
    const key = slash === -1 ? '' : decodeURIComponent(path.slice(slash + 1));
    const operation = operationOf(method, bucket, key, url.searchParams);
    const record = (status: number, errorCode?: string) => this.requests.push({ method, path, operation, status, errorCode });
    try {
      const problem = checkSigV4(req.headers.authorization, 's3', this.region);
      if (problem) throw new S3Error(problem.code, problem.message, 403);
      if (!operation) throw new S3Error('NotImplemented', `the local S3 endpoint does not serve ${method} ${path}${url.search}`, 501);
      const body = await readBody(req, MAX_OBJECT_BYTES, () => new S3Error('EntityTooLarge', `objects over ${MAX_OBJECT_BYTES} bytes are not kept`, 400));
      if (operation === 'CreateBucket') {
        this.createBucket(bucket);
        record(200);
        res.writeHead(200, { location: `/${bucket}` });
        res.end();
        return;
      }
      const objects = this.buckets.get(bucket);
      if (!objects) throw new S3Error('NoSuchBucket', 'The specified bucket does not exist', 404);
      if (operation === 'ListObjectsV2') {
        const prefix = url.searchParams.get('prefix') ?? '';
        const keys = [...objects.keys()].filter((k) => k.startsWith(prefix)).sort().slice(0, 1000);
        const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`
          + `<Name>${escapeXml(bucket)}</Name><Prefix>${escapeXml(prefix)}</Prefix><KeyCount>${keys.length}</KeyCount><MaxKeys>1000</MaxKeys>`
          + `<IsTruncated>false</IsTruncated>${keys.map((k) => `<Contents><Key>${escapeXml(k)}</Key><Size>${objects.get(k)!.body.length}</Size>`
            + `<ETag>${escapeXml(objects.get(k)!.etag)}</ETag><StorageClass>STANDARD</StorageClass></Contents>`).join('')}</ListBucketResult>`;
        record(200);
        res.writeHead(200, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(xml) });
        res.end(xml);
        return;
      }
      if (operation === 'HeadBucket') {
        record(200);
        res.writeHead(200);
        res.end();
        return;
      }
      if (operation === 'PutObject') {
        const content = decodeUpload(req.headers, body);
        const etag = `"${randomUUID().replace(/-/g, '')}"`;
        objects.set(key, { body: content, contentType: header(req, 'content-type'), etag });
        record(200);
        res.writeHead(200, { etag });
        res.end();
        return;
      }
      const object = objects.get(key);
      if (operation === 'DeleteObject') {
        objects.delete(key);
        record(204);
        res.writeHead(204);
        res.end();
        return;
      }
      if (!object) throw new S3Error('NoSuchKey', 'The specified key does not exist.', 404);
      record(200);
      res.writeHead(200, {
        'content-type': object.contentType ?? 'binary/octet-stream',
        'content-length': object.body.length,
        etag: object.etag,
      });
      res.end(operation === 'HeadObject' ? undefined : object.body);
    } catch (error) {
      const e = error instanceof S3Error ? error : new S3Error('InternalError', String((error as Error)?.message ?? error), 500);
      record(e.status, e.code);
      if (res.headersSent) return void res.destroy();
      const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${e.code}</Code><Message>${escapeXml(e.message)}</Message>`
        + `<Resource>${escapeXml(path)}</Resource><RequestId>${randomUUID()}</RequestId></Error>`;
      // A HEAD answer has no body: the SDK reads the error from the status.
      res.writeHead(e.status, { 'content-type': 'application/xml', ...(method === 'HEAD' ? {} : { 'content-length': Buffer.byteLength(xml) }) });
      res.end(method === 'HEAD' ? undefined : xml);
    }
  }
}

function operationOf(method: string, bucket: string, key: string, query: URLSearchParams): string | undefined {
  // Sub-resources (?acl, ?tagging, ?uploads, ...) are other operations, not served here.
  if (!bucket) return undefined;
  if (!key && method === 'GET' && query.get('list-type') === '2') return 'ListObjectsV2';
  const subResource = [...query.keys()].some((k) => k !== 'x-id' && k !== 'versionId');
  if (subResource) return undefined;
  if (!key) return method === 'PUT' ? 'CreateBucket' : method === 'HEAD' ? 'HeadBucket' : undefined;
  return ({ PUT: 'PutObject', GET: 'GetObject', HEAD: 'HeadObject', DELETE: 'DeleteObject' } as Record<string, string>)[method];
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The object's bytes from an upload body: as is, or without the `aws-chunked` framing (`<hex size>[;ext]CRLF
 * <data>CRLF` ... `0[;ext]CRLF` then trailers) the SDK uses for streamed bodies with a checksum trailer.
 */
export function decodeUpload(headers: http.IncomingHttpHeaders, body: Buffer): Buffer {
  const encoding = String(headers['content-encoding'] ?? '');
  const sha = String(headers['x-amz-content-sha256'] ?? '');
  if (!encoding.split(',').map((s) => s.trim()).includes('aws-chunked') && !sha.startsWith('STREAMING-')) return body;
  const parts: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', pos);
    if (lineEnd === -1) throw new S3Error('IncompleteBody', 'the aws-chunked body ends inside a chunk header', 400);
    const sizeText = body.subarray(pos, lineEnd).toString('latin1').split(';')[0].trim();
    if (!/^[0-9a-fA-F]{1,8}$/.test(sizeText)) throw new S3Error('InvalidRequest', `the aws-chunked body has a malformed chunk size ${JSON.stringify(sizeText.slice(0, 20))}`, 400);
    const size = parseInt(sizeText, 16);
    pos = lineEnd + 2;
    if (size === 0) break;
    if (pos + size + 2 > body.length || body[pos + size] !== 0x0d || body[pos + size + 1] !== 0x0a) {
      throw new S3Error('IncompleteBody', 'an aws-chunked chunk is shorter than its size', 400);
    }
    parts.push(body.subarray(pos, pos + size));
    pos += size + 2;
  }
  const content = Buffer.concat(parts);
  const declared = headers['x-amz-decoded-content-length'];
  if (declared !== undefined && Number(declared) !== content.length) {
    throw new S3Error('IncompleteBody', `x-amz-decoded-content-length says ${declared} bytes, the chunks hold ${content.length}`, 400);
  }
  return content;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Reads objects from another S3 endpoint (such as s3rver) with plain path-style GETs, as WorkMail reads the
 * updated content with its own identity: no signature (a local S3 that checks none answers).
 */
export function httpObjectSource(endpoint: string): S3ObjectSource {
  return {
    getObject: (bucket, key, versionId) => new Promise((resolve, reject) => {
      const path = `/${encodeURIComponent(bucket)}/${key.split('/').map(encodeURIComponent).join('/')}`;
      const url = `${endpoint.replace(/\/$/, '')}${path}${versionId ? `?versionId=${encodeURIComponent(versionId)}` : ''}`;
      const req = http.get(url, { agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          if (res.statusCode === 200) resolve(Buffer.concat(chunks));
          else if (res.statusCode === 404) resolve(undefined);
          else reject(new Error(`GET ${url} answered ${res.statusCode}`));
        });
        res.on('error', reject);
      });
      req.on('error', reject);
    }),
  };
}
