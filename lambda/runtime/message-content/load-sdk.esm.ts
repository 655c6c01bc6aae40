/**
 * The AWS SDK packages of message content, loaded with `import()` on first use: what the per-file ES modules
 * (esm/, the `module` export condition bundlers use) hold in place of load-sdk.ts (scripts/bundle.mjs). A
 * bundler that resolves a package bundles it as a module evaluated on the first call; one left external
 * (NodejsFunction's default for `@aws-sdk/*`) or absent stays an `import()`, which works in CommonJS and ES
 * module output alike, where `require` does not exist in the latter. Literal specifiers inside `try`: see
 * packages.ts.
 */
import { packageLoadError } from './packages';

/** `@aws-sdk/client-workmailmessageflow`; rejects with WorkMailConfigurationError MISSING_PACKAGE. */
export async function loadMessageFlowSdk(): Promise<unknown> {
  try {
    return await import('@aws-sdk/client-workmailmessageflow');
  } catch (error) {
    throw packageLoadError('@aws-sdk/client-workmailmessageflow', error);
  }
}

/** `@aws-sdk/client-s3`; rejects with WorkMailConfigurationError MISSING_PACKAGE. */
export async function loadS3Sdk(): Promise<unknown> {
  try {
    return await import('@aws-sdk/client-s3');
  } catch (error) {
    throw packageLoadError('@aws-sdk/client-s3', error);
  }
}
