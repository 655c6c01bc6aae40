import * as path from 'path';
import { Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { InboundAction, OutboundFlowRule, OutboundAction, WorkMailFunction, WorkMailOrganization } from '../lib';

/** Properties of the example stack. */
export interface ExampleStackProps extends StackProps {
  /** The WorkMail organization id (`m-` and 32 hexadecimal digits). */
  readonly organizationId: string;
}

/** Where `npm run build` puts the example handler's bundle. */
export const EXAMPLE_HANDLER_DIR = path.join(__dirname, '..', 'assets', 'examples', 'subject-guard');

/**
 * One WorkMail function, a synchronous inbound rule that lets it bounce unwanted messages, and an
 * asynchronous outbound rule that lets it count what the organization sends.
 */
export class ExampleStack extends Stack {
  public readonly handler: WorkMailFunction;

  constructor(scope: Construct, id: string, props: ExampleStackProps) {
    super(scope, id, props);
    const organization = WorkMailOrganization.fromOrganizationId(this, 'Organization', props.organizationId);

    this.handler = new WorkMailFunction(this, 'SubjectGuard', {
      organization,
      // Runtime.NODEJS_24_X is in aws-cdk-lib 2.224.0 and later; the library supports 2.197.0 and later.
      runtime: lambda.Runtime.NODEJS_24_X ?? lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(EXAMPLE_HANDLER_DIR),
      description: 'Bounces inbound mail with a blocked subject; logs outbound mail',
      environment: { BLOCKED_SUBJECT: '\\b(lottery|wire transfer)\\b' },
    });

    this.handler.addInboundRule('ScanInbound', {
      synchronous: true,
      fallbackAction: InboundAction.DEFAULT,
      ruleTimeout: Duration.minutes(30),
      ruleName: 'subject-guard-inbound',
      description: 'Bounce inbound mail with a blocked subject',
    });

    new OutboundFlowRule(this, 'CountOutbound', {
      organization,
      action: OutboundAction.runLambda(this.handler, { synchronous: false }),
      ruleName: 'subject-guard-outbound',
      description: 'Log every outbound message',
    });
  }
}
