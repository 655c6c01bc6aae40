/**
 * Loading the optional AWS SDK packages of message content, and what a failure to load one means. The loading
 * itself is in load-sdk.ts (Node's `require`: the CommonJS build and Node's own `import` of the runtime) and
 * load-sdk.esm.ts (`import()`: the per-file ES modules bundlers use); scripts/bundle.mjs puts the right one in
 * each build. Each holds the package names as literal specifiers inside `try`, so that a bundler bundles a
 * package it can resolve, leaves one that is external (or absent) to be resolved at run time, and does not stop
 * on it (esbuild does not report an unresolvable import inside `try`).
 */
import { WorkMailConfigurationError } from '../errors';

/** The AWS SDK packages message content loads. */
export type SdkPackage = '@aws-sdk/client-workmailmessageflow' | '@aws-sdk/client-s3';

/** The export `name` of a loaded package: a CommonJS module seen from `import()` may only have it on `default`. */
export function exportOf<T>(loaded: unknown, packageName: SdkPackage, name: string): T {
  const mod = loaded as Record<string, unknown> & { default?: Record<string, unknown> };
  const value = mod?.[name] ?? mod?.default?.[name];
  if (typeof value !== 'function') {
    throw new WorkMailConfigurationError('MISSING_PACKAGE', `${packageName} was loaded but has no export ${name}: install a release of ${packageName} ` +
      'that cdk-workmail-lambda supports (its docs/compatibility.md)');
  }
  return value as T;
}

/**
 * The error for a package that cannot be loaded where the function runs: not retryable (the deployment must
 * change), naming the package, why it is needed and the two ways to provide it.
 */
export function packageLoadError(packageName: SdkPackage, cause: unknown): WorkMailConfigurationError {
  const said = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
  return new WorkMailConfigurationError('MISSING_PACKAGE',
    `cannot load ${packageName} (${said}), which getRawMessage/putRawMessage need to call WorkMail Message Flow and S3. ` +
    "Lambda's Node.js runtimes (nodejs18.x and later) include it: leave it external when bundling (NodejsFunction does for those " +
    'runtimes; esbuild: --external:@aws-sdk/*) so that it is loaded from the runtime, or install it in the project that is bundled or ' +
    `run (npm install ${packageName}). A client passed in (messageFlowClient, s3Client) that is not an AWS SDK client needs no package.`,
  { cause });
}
