/**
 * The local endpoints behind `getRawMessage`/`putRawMessage` for the runtime's tests: `startLocalWorkMail()`
 * (the shipped endpoints) with its environment applied to `process.env`, on the built-in S3 endpoint or on
 * s3rver (the kept package, test-only) so that the same tests prove the built-in one against it.
 */
import { type LocalWorkMail, startLocalWorkMail } from '../../local/endpoints/local-workmail';
import { S3Emulator } from '../../local/endpoints/s3';
import type { MessageFlowEmulator } from '../../local/endpoints/message-flow';
import { setEnv } from './aws-env';
import { S3rver } from './s3rver';

/** Which S3 the endpoints use: the built-in endpoint, or s3rver. */
export type S3Kind = 'built-in' | 's3rver';

/** Both S3 kinds, for `describe.each`. */
export const S3_KINDS: readonly S3Kind[] = ['built-in', 's3rver'];

export interface MessageContentEndpoints {
  readonly local: LocalWorkMail;
  readonly messageFlow: MessageFlowEmulator;
  /** Stops the endpoints and restores the environment. */
  stop(): Promise<void>;
}

/**
 * Starts the local endpoints with `buckets`, and points the SDK clients of this process at them (fake
 * credentials, `region`) until `stop()`.
 */
export async function startMessageContentEndpoints(buckets: readonly string[], region = 'us-east-1', s3: S3Kind = 'built-in'): Promise<MessageContentEndpoints> {
  const s3rver = s3 === 's3rver' ? await S3rver.start(buckets) : undefined;
  const local = await startLocalWorkMail({ region, buckets, s3Endpoint: s3rver?.endpoint });
  const restore = setEnv({
    ...local.env,
    AWS_ENDPOINT_URL: undefined,
    AWS_PROFILE: undefined,
    AWS_MAX_ATTEMPTS: undefined,
    AWS_RETRY_MODE: undefined,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  return {
    local,
    messageFlow: local.messageFlow,
    async stop() {
      restore();
      await local.close();
      await s3rver?.stop();
    },
  };
}

/** Another S3 endpoint of the kind given, apart from the one WorkMail reads (a bucket WorkMail cannot reach). */
export async function startOtherS3(kind: S3Kind, buckets: readonly string[]): Promise<{ endpoint: string; stop(): Promise<void> }> {
  return kind === 's3rver' ? S3rver.start(buckets) : S3Emulator.start({ buckets });
}
