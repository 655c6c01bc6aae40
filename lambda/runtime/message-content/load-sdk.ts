/**
 * The AWS SDK packages of message content, loaded with Node's `require` on first use: the CommonJS build of the
 * runtime, and Node's own `import` of it (whose one file defines `require` with `createRequire`). The ES
 * modules bundlers use get load-sdk.esm.ts instead (scripts/bundle.mjs). Literal specifiers inside `try`: see
 * packages.ts.
 */
import { packageLoadError } from './packages';

/** `@aws-sdk/client-workmailmessageflow`; rejects with WorkMailConfigurationError MISSING_PACKAGE. */
export async function loadMessageFlowSdk(): Promise<unknown> {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('@aws-sdk/client-workmailmessageflow');
  } catch (error) {
    throw packageLoadError('@aws-sdk/client-workmailmessageflow', error);
  }
}

/** `@aws-sdk/client-s3`; rejects with WorkMailConfigurationError MISSING_PACKAGE. */
export async function loadS3Sdk(): Promise<unknown> {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('@aws-sdk/client-s3');
  } catch (error) {
    throw packageLoadError('@aws-sdk/client-s3', error);
  }
}
