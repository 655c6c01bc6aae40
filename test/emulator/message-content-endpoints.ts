/**
 * The local endpoints behind `getRawMessage`/`putRawMessage`: s3rver as the function's S3 and WorkMail
 * Message Flow reading from it, with the environment that sends the real SDK clients there.
 */
import { setEnv, useEmulatorEnv } from './aws-env';
import { LocalS3 } from './local-s3';
import { MessageFlowEmulator } from './message-flow-emulator';

export interface MessageContentEndpoints {
  readonly s3: LocalS3;
  readonly messageFlow: MessageFlowEmulator;
  /** Stops both endpoints and restores the environment. */
  stop(): Promise<void>;
}

/**
 * Starts s3rver with `buckets` and a Message Flow endpoint that reads from it, and points
 * `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL_WORKMAILMESSAGEFLOW` (with fake credentials, `region`) at them.
 */
export async function startMessageContentEndpoints(buckets: readonly string[], region = 'us-east-1'): Promise<MessageContentEndpoints> {
  const s3 = await LocalS3.start(buckets);
  const messageFlow = await MessageFlowEmulator.start({ s3Endpoint: s3.endpoint, region });
  // No WorkMail (flow rules) endpoint here: send that client nowhere rather than to AWS.
  const restoreAws = useEmulatorEnv('http://127.0.0.1:9', region);
  const restoreEndpoints = setEnv({ AWS_ENDPOINT_URL_S3: s3.endpoint, AWS_ENDPOINT_URL_WORKMAILMESSAGEFLOW: messageFlow.endpoint });
  return {
    s3,
    messageFlow,
    async stop() {
      restoreEndpoints();
      restoreAws();
      await messageFlow.stop();
      await s3.stop();
    },
  };
}
