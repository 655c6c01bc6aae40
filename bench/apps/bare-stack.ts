/**
 * The baseline of the synth benchmark: the example stack's function as a plain `lambda.Function` (same code,
 * runtime, handler, description, environment and timeout as bin/example-stack.ts), without the organization,
 * the invoke permission, the rules or the provider. It imports aws-cdk-lib only, never this library.
 */
import * as path from 'path';
import { Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

/** Where `npm run build` puts the example handler's bundle (the path of EXAMPLE_HANDLER_DIR, restated so this file does not load the library). */
export const BARE_HANDLER_DIR = path.join(__dirname, '..', '..', 'assets', 'examples', 'subject-guard');

export class BareStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    new lambda.Function(this, 'SubjectGuard', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(BARE_HANDLER_DIR),
      description: 'Bounces inbound mail with a blocked subject; logs outbound mail',
      environment: { BLOCKED_SUBJECT: '\\b(lottery|wire transfer)\\b' },
      timeout: Duration.seconds(15),
    });
  }
}
