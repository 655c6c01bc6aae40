/**
 * s3rver for the tests (test-only: it does not ship): the kept `s3rver` package (path-style PutObject/GetObject as the real
 * `@aws-sdk/client-s3` sends them; reach it with `AWS_ENDPOINT_URL_S3=<endpoint>`), on 127.0.0.1 and an
 * ephemeral port, storing in a temporary directory that `stop()` removes.
 *
 * s3rver serves the SDK's requests with a body of known length (a Buffer or string; `putRawMessage` sends
 * one), not streamed `aws-chunked` uploads with a checksum trailer, which it would store undecoded.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LOCAL_ACCESS_KEY_ID, localAwsEnv } from '../../local/endpoints/local-workmail';
import { FAKE_ACCESS_KEY_ID } from './aws-env';

// s3rver has no type declarations; this is the part of its API used here.
interface S3rverInstance {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
  /** The listening server, once `run()` resolved. */
  readonly httpServer: import('node:http').Server;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rverServer: new (options: Record<string, unknown>) => S3rverInstance = require('s3rver');
// s3rver accepts the access key ids of its account registry only; add the ones the tests sign with.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { DUMMY_ACCOUNT } = require('s3rver/lib/models/account') as { DUMMY_ACCOUNT: { createKeyPair(id: string, secret: string): void } };
DUMMY_ACCOUNT.createKeyPair(FAKE_ACCESS_KEY_ID, 'emulator-secret-access-key');
DUMMY_ACCOUNT.createKeyPair(LOCAL_ACCESS_KEY_ID, localAwsEnv({ workMail: '', messageFlow: '', s3: '' }, 'us-east-1').AWS_SECRET_ACCESS_KEY);

export class S3rver {
  /** Starts s3rver with these (empty) buckets. */
  public static async start(buckets: readonly string[] = []): Promise<S3rver> {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 's3rver-'));
    const server = new S3rverServer({
      address: '127.0.0.1',
      port: 0,
      silent: true,
      directory,
      configureBuckets: buckets.map((name) => ({ name })),
    });
    const { port } = await server.run();
    return new S3rver(server, directory, `http://127.0.0.1:${port}`);
  }

  private readonly sockets = new Set<import('node:net').Socket>();

  private constructor(private readonly server: S3rverInstance, private readonly directory: string, public readonly endpoint: string) {
    server.httpServer.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  public async stop(): Promise<void> {
    // Clients kept alive across tests (the runtime's default ones) would otherwise hold connections open.
    for (const socket of this.sockets) socket.destroy();
    await this.server.close();
    fs.rmSync(this.directory, { recursive: true, force: true });
  }
}
