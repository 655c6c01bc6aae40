/**
 * `startLocalWorkMail()`: the local endpoints a WorkMail function, the flow-rule provider and the
 * `cdk-workmail-lambda` command talk to (the WorkMail operations, WorkMail Message Flow, the S3 object calls, and
 * STS GetCallerIdentity), started together on 127.0.0.1 and ephemeral ports, with the environment that sends the real
 * AWS SDK clients there.
 */
import { randomUUID } from 'node:crypto';
import { messageIdProblem } from '../../lambda/rules/message-content';
import { MessageFlowEmulator } from './message-flow';
import { S3Emulator } from './s3';
import { StsEmulator } from './sts';
import { WorkMailEmulator } from './workmail';

/** The organization the local endpoints know when none is given. */
export const PLACEHOLDER_ORGANIZATION_ID = 'm-0123456789abcdef0123456789abcdef';

/** The fake access key id of `LocalWorkMail.env`. */
export const LOCAL_ACCESS_KEY_ID = 'AKIALOCALWORKMAIL000';

/** Options of `startLocalWorkMail()`. */
export interface LocalWorkMailOptions {
  /** The Region the endpoints play: the SDK clients must sign for it. @default 'us-east-1' */
  readonly region?: string;
  /** The account the endpoints play: Run Lambda functions of created rules must be in it. @default '123456789012' */
  readonly account?: string;
  /**
   * Organizations that exist, each `Active` unless `organizationStates` says otherwise.
   * @default ['m-0123456789abcdef0123456789abcdef']
   */
  readonly organizations?: readonly string[];
  /**
   * The state of organizations (added when not in `organizations`), e.g. `{ 'm-…': 'Deleting' }`: every state but
   * `Active` answers `OrganizationStateException` to the flow-rule operations.
   * @default every organization Active
   */
  readonly organizationStates?: Readonly<Record<string, string>>;
  /**
   * Most email flow rules one organization may hold (inbound and outbound together); one more is
   * `LimitExceededException`. The sender-pattern quota (1,000 per organization) always applies.
   * @default no limit on the number of rules
   */
  readonly maxRulesPerOrganization?: number;
  /** S3 buckets that exist, e.g. the bucket a function writes updated messages to. @default none */
  readonly buckets?: readonly string[];
  /**
   * Another S3 endpoint to use instead of the built-in one (path style; the Message Flow endpoint reads updated
   * content from it without a signature), e.g. a local s3rver. Its buckets are its own business.
   * @default the built-in S3 endpoint
   */
  readonly s3Endpoint?: string;
}

/** Options of `LocalWorkMail.addMessage()`. */
export interface AddMessageOptions {
  /** The message id (1 to 120 of a-z, 0-9 and '-'). @default a random UUID, as WorkMail gives */
  readonly messageId?: string;
}

/** The local endpoints started by `startLocalWorkMail()`. */
export interface LocalWorkMail {
  /**
   * The environment that sends the real SDK clients to these endpoints: `AWS_ENDPOINT_URL_WORKMAIL`,
   * `AWS_ENDPOINT_URL_WORKMAILMESSAGEFLOW`, `AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL_STS`, fake credentials, `AWS_REGION`. Nothing
   * applies it: assign it to `process.env` (and restore afterwards), or pass it to a child process.
   */
  readonly env: Readonly<Record<string, string>>;
  /** The Region the endpoints play. */
  readonly region: string;
  /** The endpoints' URLs. */
  readonly endpoints: { readonly workMail: string; readonly messageFlow: string; readonly s3: string; readonly sts: string };
  /** The WorkMail flow-rule endpoint: organizations, rules, recorded requests, fault injection. */
  readonly workMail: WorkMailEmulator;
  /** The Message Flow endpoint: messages in transit, recorded requests, `throttle()`. */
  readonly messageFlow: MessageFlowEmulator;
  /** The built-in S3 endpoint (undefined with `s3Endpoint`): buckets and stored objects. */
  readonly s3?: S3Emulator;
  /** Holds `mime` as a message in transit; returns its message id for the event's `messageId`. */
  addMessage(mime: Buffer | string, options?: AddMessageOptions): Promise<string>;
  /** The message's content now: the updated content after an accepted PutRawMessageContent. */
  getMessage(messageId: string): Promise<Buffer>;
  /** PutRawMessageContent of this message answers `MessageFrozen` from now on (as for a redirected message). */
  freeze(messageId: string): void;
  /** Every Message Flow call about this message answers `ThrottlingException` from now on. */
  throttle(messageId: string): void;
  /** Makes a bucket exist in the built-in S3 endpoint. */
  addBucket(bucket: string): void;
  /** Stops every endpoint and closes their connections. */
  close(): Promise<void>;
}

/**
 * Starts the local WorkMail flow-rule, Message Flow and S3 endpoints on 127.0.0.1 (ephemeral ports). Apply
 * `env` to send the SDK clients there; `close()` them when done.
 */
export async function startLocalWorkMail(options: LocalWorkMailOptions = {}): Promise<LocalWorkMail> {
  const region = options.region ?? 'us-east-1';
  const states = options.organizationStates ?? {};
  const organizations = [...new Set([...(options.organizations ?? (Object.keys(states).length ? [] : [PLACEHOLDER_ORGANIZATION_ID])), ...Object.keys(states)])];
  const started: { stop(): Promise<void> }[] = [];
  try {
    const s3 = options.s3Endpoint === undefined ? await S3Emulator.start({ region, buckets: options.buckets }) : undefined;
    if (s3) started.push(s3);
    const messageFlow = await MessageFlowEmulator.start({ region, s3: s3 ?? options.s3Endpoint! });
    started.push(messageFlow);
    const workMail = await WorkMailEmulator.start({
      region, account: options.account, organizations, maxRulesPerOrganization: options.maxRulesPerOrganization,
    });
    started.push(workMail);
    const sts = await StsEmulator.start({ region, account: workMail.account });
    started.push(sts);
    for (const [organizationId, state] of Object.entries(states)) workMail.setOrganizationState(organizationId, state);
    const endpoints = { workMail: workMail.endpoint, messageFlow: messageFlow.endpoint, s3: s3?.endpoint ?? options.s3Endpoint!, sts: sts.endpoint };
    return new Local(region, endpoints, workMail, messageFlow, s3, sts);
  } catch (error) {
    await Promise.all(started.map((s) => s.stop()));
    throw error;
  }
}

/** The environment variables that send the real AWS SDK clients to local endpoints with fake credentials. */
export function localAwsEnv(endpoints: Omit<LocalWorkMail['endpoints'], 'sts'> & { readonly sts?: string }, region: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_WORKMAIL: endpoints.workMail,
    AWS_ENDPOINT_URL_WORKMAILMESSAGEFLOW: endpoints.messageFlow,
    AWS_ENDPOINT_URL_S3: endpoints.s3,
    ...(endpoints.sts ? { AWS_ENDPOINT_URL_STS: endpoints.sts } : {}),
    // The service-specific variables above win over a general AWS_ENDPOINT_URL; this one would switch them off.
    AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'false',
    AWS_ACCESS_KEY_ID: LOCAL_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: 'local-workmail-secret-access-key',
    AWS_SESSION_TOKEN: 'local-workmail-session-token',
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    // Nothing local answers the instance metadata service: no credential lookup should wait for it.
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

class Local implements LocalWorkMail {
  public readonly env: Readonly<Record<string, string>>;
  private closed = false;

  constructor(
    public readonly region: string,
    public readonly endpoints: LocalWorkMail['endpoints'],
    public readonly workMail: WorkMailEmulator,
    public readonly messageFlow: MessageFlowEmulator,
    public readonly s3: S3Emulator | undefined,
    private readonly sts: StsEmulator,
  ) {
    this.env = Object.freeze(localAwsEnv(endpoints, region));
  }

  public async addMessage(mime: Buffer | string, options: AddMessageOptions = {}): Promise<string> {
    if (typeof mime !== 'string' && !Buffer.isBuffer(mime)) {
      throw new TypeError(`addMessage: mime must be a Buffer or a string, got ${mime === null ? 'null' : typeof mime}`);
    }
    const messageId = options.messageId ?? randomUUID();
    const problem = messageIdProblem('addMessage: messageId', messageId);
    if (problem) throw new Error(problem);
    this.messageFlow.addMessage(messageId, mime);
    return messageId;
  }

  public async getMessage(messageId: string): Promise<Buffer> {
    const content = this.messageFlow.message(messageId);
    if (!content) throw new Error(`getMessage: no message ${JSON.stringify(messageId)} is held; add it with addMessage() first`);
    return Buffer.from(content);
  }

  public freeze(messageId: string): void {
    this.held(messageId, 'freeze');
    this.messageFlow.freeze(messageId);
  }

  public throttle(messageId: string): void {
    this.held(messageId, 'throttle');
    this.messageFlow.throttle(messageId);
  }

  public addBucket(bucket: string): void {
    if (!this.s3) throw new Error(`addBucket: the S3 endpoint is ${this.endpoints.s3} (s3Endpoint), not the built-in one; create ${bucket} there`);
    this.s3.createBucket(bucket);
  }

  public async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([this.workMail.stop(), this.messageFlow.stop(), this.s3?.stop(), this.sts.stop()]);
  }

  private held(messageId: string, what: string): void {
    if (!this.messageFlow.has(messageId)) throw new Error(`${what}: no message ${JSON.stringify(messageId)} is held; add it with addMessage() first`);
  }
}
