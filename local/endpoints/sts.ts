/**
 * A local AWS STS endpoint for the one call a credentials check makes: `GetCallerIdentity` (AWS Query protocol,
 * XML answers), reached with `AWS_ENDPOINT_URL_STS`. It checks that the request is signed (SigV4 for `sts` in its
 * Region) and answers the account it plays, with an assumed-role ARN named after the access key id. Every other
 * action answers `InvalidAction`, as STS does.
 */
import { randomUUID } from 'node:crypto';
import type * as http from 'node:http';
import { HttpEndpoint, checkSigV4, readBody } from './server';

/** Options of `StsEmulator.start()`. */
export interface StsEmulatorOptions {
  /** The Region requests must be signed for. @default 'us-east-1' */
  readonly region?: string;
  /** The account of the caller. @default '123456789012' */
  readonly account?: string;
}

const XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** A local STS endpoint; see the module comment. */
export class StsEmulator extends HttpEndpoint {
  /** Starts an STS endpoint on 127.0.0.1 (an ephemeral port). */
  public static async start(options: StsEmulatorOptions = {}): Promise<StsEmulator> {
    const sts = new StsEmulator(options.region ?? 'us-east-1', options.account ?? '123456789012');
    await sts.listen(0);
    return sts;
  }

  private constructor(public readonly region: string, public readonly account: string) {
    super();
  }

  protected async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = (await readBody(req, 64 * 1024, () => new Error('request body too large'))).toString('utf8');
    const authorization = req.headers.authorization;
    const problem = checkSigV4(authorization, 'sts', this.region);
    if (problem) return error(res, 403, problem.code === 'MissingAuthenticationTokenException' ? 'MissingAuthenticationToken' : 'SignatureDoesNotMatch', problem.message);
    const params = new URLSearchParams(req.method === 'POST' ? body : (req.url ?? '').split('?')[1] ?? '');
    const action = params.get('Action');
    if (action !== 'GetCallerIdentity') return error(res, 400, 'InvalidAction', `Could not find operation ${action ?? '(none)'} for version ${params.get('Version') ?? '(none)'}`);
    const accessKeyId = /Credential=([^/]+)\//.exec(authorization!)?.[1] ?? 'unknown';
    const session = accessKeyId.replace(/[^\w+=,.@-]/g, '').slice(0, 64) || 'local';
    send(res, 200, `<GetCallerIdentityResponse xmlns="${XMLNS}"><GetCallerIdentityResult>`
      + `<Arn>arn:aws:sts::${this.account}:assumed-role/LocalWorkMail/${session}</Arn>`
      + `<UserId>AROALOCALWORKMAIL0000:${session}</UserId><Account>${this.account}</Account>`
      + `</GetCallerIdentityResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`);
  }
}

function send(res: http.ServerResponse, status: number, xml: string): void {
  res.writeHead(status, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(xml), 'x-amzn-requestid': randomUUID() });
  res.end(xml);
}

function error(res: http.ServerResponse, status: number, code: string, message: string): void {
  const escaped = message.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  send(res, status, `<ErrorResponse xmlns="${XMLNS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${escaped}</Message></Error>`
    + `<RequestId>${randomUUID()}</RequestId></ErrorResponse>`);
}
