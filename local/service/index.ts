/**
 * The service calls of `cdk-workmail-lambda doctor` and `export` (see types.ts), bundled with the AWS SDK by
 * scripts/bundle.mjs into local/service/bundle.js: the flow-rule operations go through the provider's own client
 * (lambda/flow-rule-provider/client.ts) and contract, with the SDK version the provider is bundled with.
 */
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { DescribeOrganizationCommand } from '@aws-sdk/client-workmail';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { FlowRuleClient, createWorkMailClient } from '../../lambda/flow-rule-provider/client';
import { WORKMAIL_REGIONS } from '../../lambda/rules/flow-rules';
import type { ServiceOptions, WorkMailService } from './types';

export function connect(options: ServiceOptions): WorkMailService {
  const workMail = createWorkMailClient(options);
  const sts = new STSClient({
    // Credentials are global: a Region that is not WorkMail's (which doctor reports on its own) asks us-east-1.
    region: WORKMAIL_REGIONS.includes(options.region) ? options.region : 'us-east-1',
    maxAttempts: options.maxAttempts,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: options.connectionTimeoutMs, requestTimeout: options.requestTimeoutMs, throwOnRequestTimeout: true,
    }),
  });
  const signal = options.abortSignal;
  return {
    async callerIdentity() {
      const { Account, Arn } = await until(signal, 'GetCallerIdentity', sts.send(new GetCallerIdentityCommand({}), { abortSignal: signal as any }));
      return { account: Account ?? '', arn: Arn ?? '' };
    },
    async describeOrganization(organizationId) {
      const o = await until(signal, 'DescribeOrganization', workMail.send(new DescribeOrganizationCommand({ OrganizationId: organizationId }), { abortSignal: signal as any }));
      return { state: o.State ?? '', alias: o.Alias, arn: o.ARN, defaultMailDomain: o.DefaultMailDomain };
    },
    flowRules: new FlowRuleClient(workMail, { abortSignal: signal }),
    flowRulesUntil: (abortSignal) => new FlowRuleClient(workMail, { abortSignal }),
    close() {
      workMail.destroy();
      sts.destroy();
    },
  };
}

/** `promise`, or an error saying that `operation` gave up when `signal` fires first. */
async function until<T>(signal: AbortSignal, operation: string, promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  let onAbort = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => {
      const reason = signal.reason instanceof Error ? signal.reason.message : String(signal.reason ?? 'aborted');
      reject(Object.assign(new Error(`${operation} gave up: ${reason}`), { name: 'DeadlineExceededError' }));
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([promise, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
