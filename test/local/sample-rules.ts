/** Valid flow rules in wire form, for the emulator and provider tests. */
import type { FlowRuleFields } from '../../lambda/rules/contract';

export const ORG = 'm-0123456789abcdef0123456789abcdef';
export const OTHER_ORG = 'm-fedcba9876543210fedcba9876543210';
export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const FUNCTION_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:subject-guard`;

/** A synchronous inbound Run Lambda rule with a fallback and a rule timeout. */
export function inboundSyncRule(overrides: Partial<FlowRuleFields> = {}): FlowRuleFields {
  return {
    OrganizationId: ORG,
    Name: 'scan-inbound',
    Description: 'Scan inbound mail',
    SenderPatterns: ['*'],
    DestinationPatterns: ['*'],
    Action: {
      Type: 'RUN_LAMBDA',
      Lambda: { FunctionArn: FUNCTION_ARN, InvocationType: 'SYNC', FallbackAction: { Type: 'BOUNCE', BounceMessage: 'Try again later' }, RuleTimeoutInMinutes: 45 },
    },
    ...overrides,
  };
}

/** An asynchronous outbound Run Lambda rule on some senders and destinations. */
export function outboundAsyncRule(overrides: Partial<FlowRuleFields> = {}): FlowRuleFields {
  return {
    OrganizationId: ORG,
    Name: 'count-outbound',
    SenderPatterns: ['sales@example.com', '*.example.org'],
    DestinationPatterns: ['example.net'],
    Action: { Type: 'RUN_LAMBDA', Lambda: { FunctionArn: FUNCTION_ARN, InvocationType: 'ASYNC' } },
    ...overrides,
  };
}

/** `count` distinct, valid sender patterns (addresses under `domain`). */
export function senderPatterns(count: number, domain = 'example.com'): string[] {
  return Array.from({ length: count }, (_, i) => `user${i}@${domain}`);
}
