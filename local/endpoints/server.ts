/**
 * What the local endpoints share: an HTTP server on 127.0.0.1 that tracks its connections so that `stop()`
 * leaves no socket open (SDK clients keep connections alive), the SigV4 header check, and a bounded body read.
 */
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A local HTTP endpoint: listens on 127.0.0.1 only, and `stop()` closes every connection. */
export abstract class HttpEndpoint {
  protected readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  private address?: AddressInfo;

  protected constructor() {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((error) => {
        // An endpoint bug: answer 500 so that the caller sees it instead of hanging.
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String((error as Error)?.stack ?? error));
      });
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** `http://127.0.0.1:<port>` */
  public get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The port the endpoint listens on. */
  public get port(): number {
    if (!this.address) throw new Error('the endpoint is not listening');
    return this.address.port;
  }

  /** Stops listening and drops every open connection. */
  public async stop(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  protected listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        this.address = this.server.address() as AddressInfo;
        resolve();
      });
    });
  }

  protected abstract handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void>;
}

/** Why an `Authorization` header is not a SigV4 header for `service` in `region` (error code and message), or undefined. */
export function checkSigV4(authorization: string | undefined, service: string, region: string): { code: string; message: string } | undefined {
  if (!authorization) return { code: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' };
  const match = /^AWS4-HMAC-SHA256 Credential=[^/,\s]+\/\d{8}\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request,/.exec(authorization);
  if (!match) return { code: 'IncompleteSignatureException', message: 'Authorization header is not an AWS Signature Version 4 header' };
  const [, signedRegion, signedService] = match;
  if (signedService !== service) return { code: 'InvalidSignatureException', message: `Credential should be scoped to correct service: '${service}', got '${signedService}'` };
  if (signedRegion !== region) return { code: 'InvalidSignatureException', message: `Credential should be scoped to a valid region: '${region}', got '${signedRegion}'` };
  return undefined;
}

/** The request body, or `tooLarge()` thrown once it passes `max` bytes. */
export async function readBody(req: http.IncomingMessage, max: number, tooLarge: () => Error): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of req) {
    length += (chunk as Buffer).length;
    if (length > max) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
