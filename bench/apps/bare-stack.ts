/**
 * The baselines of the synth benchmark: the example stack's subject guard function (bin/example-stack.ts) without the
 * organization, the invoke permission, the rules, the provider or the two other functions. They import aws-cdk-lib
 * only, never this library.
 *
 * - `source` (the comparable one): a plain `NodejsFunction` bundling the same TypeScript source at synth with the
 *   same settings (runtime, ES module output, minify, description, environment, timeout): both apps pay for esbuild;
 * - `asset`: a plain `lambda.Function` of the bundle `npm run build` made, as the example deployed it before it
 *   bundled at synth: the difference to `source` is what bundling at synth costs.
 */
import * as path from 'path';
import { Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';

const ROOT = path.join(__dirname, '..', '..');

/** The example's subject guard, as source and as `npm run build` bundles it (the paths of bin/example-stack.ts, restated so this file does not load the library). */
export const BARE_HANDLER_ENTRY = path.join(ROOT, 'lambda', 'examples', 'subject-guard', 'index.ts');
export const BARE_HANDLER_DIR = path.join(ROOT, 'assets', 'examples', 'subject-guard');

export interface BareStackProps extends StackProps {
  /** The function's code: bundled at synth from its source (the default), or the prebuilt asset. */
  readonly code?: 'source' | 'asset';
}

export class BareStack extends Stack {
  constructor(scope: Construct, id: string, props: BareStackProps = {}) {
    super(scope, id, props);
    const common = {
      runtime: lambda.Runtime.NODEJS_24_X,
      description: 'Bounces inbound mail with a blocked subject; logs outbound mail',
      environment: { BLOCKED_SUBJECT: '\\b(lottery|wire transfer)\\b' },
      timeout: Duration.seconds(15),
    };
    if (props.code === 'asset') {
      new lambda.Function(this, 'SubjectGuard', { ...common, handler: 'index.handler', code: lambda.Code.fromAsset(BARE_HANDLER_DIR) });
    } else {
      new NodejsFunction(this, 'SubjectGuard', {
        ...common,
        entry: BARE_HANDLER_ENTRY,
        depsLockFilePath: path.join(ROOT, 'package-lock.json'),
        bundling: { format: OutputFormat.ESM, minify: true },
      });
    }
  }
}
