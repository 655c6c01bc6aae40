/**
 * Environment for running the real AWS SDK clients against the local emulators: fake credentials, a
 * Region, the endpoint override, and nothing from the machine's AWS config or profile.
 */
import * as path from 'node:path';

/** The fake access key id the tests sign with. */
export const FAKE_ACCESS_KEY_ID = 'AKIAEMULATOR00000000';

/** Sets the variables (unset with `undefined`) and returns a function that restores the previous values. */
export function setEnv(vars: Record<string, string | undefined>): () => void {
  const previous = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  apply(vars);
  return () => apply(previous);
}

/** Points the WorkMail client at `workMailEndpoint` with fake credentials in `region`; returns the restore function. */
export function useEmulatorEnv(workMailEndpoint: string, region = 'us-east-1'): () => void {
  const nowhere = path.join(__dirname, 'no-such-aws-config');
  return setEnv({
    AWS_ACCESS_KEY_ID: FAKE_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: 'emulator-secret-access-key',
    AWS_SESSION_TOKEN: 'emulator-session-token',
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ENDPOINT_URL_WORKMAIL: workMailEndpoint,
    AWS_ENDPOINT_URL: undefined,
    AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: undefined,
    AWS_PROFILE: undefined,
    AWS_MAX_ATTEMPTS: undefined,
    AWS_RETRY_MODE: undefined,
    AWS_CONFIG_FILE: nowhere,
    AWS_SHARED_CREDENTIALS_FILE: nowhere,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
}
