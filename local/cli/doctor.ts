/**
 * `cdk-workmail-lambda doctor --organization m-… --region us-east-1 [--probe] [--timeout <seconds>]`: checks the
 * service against our wire contract with the user's own credentials (local/organization/doctor.ts). Exit 0 when
 * everything asked holds, 1 otherwise, 2 for bad arguments. An interruption (Ctrl-C) stops the checks but still
 * deletes the probe rule; a second one stops at once.
 */
import { parseArgs } from 'node:util';
import { PROBE, runDoctor } from '../organization/doctor';
import { ArgumentError, type Connect, TIMES, checkServiceTarget, connectBundled, deadline } from '../organization/service';
import { type Command, type CommandIO, EXIT, parsing, usageOf } from './command';

const USAGE = `usage: cdk-workmail-lambda doctor --organization <m-…> [--region <region>] [--probe] [--timeout <seconds>]

Checks, with your AWS credentials (the SDK's default chain: environment, profile, SSO, …), what deploying
cdk-workmail-lambda's email flow rules needs, one line per check: the credentials and account, the Region, the
organization (exists, Active), and that ListInboundMailFlowRules and ListOutboundMailFlowRules answer in the shape
the library assumes (the wire contract; the rules are counted and named). It changes nothing, unless --probe.

  --organization  the WorkMail organization id (m- and 32 hexadecimal digits)
  --region        its Region: us-east-1, us-west-2 or eu-west-1 (default: AWS_REGION)
  --probe         also create, describe, update and delete one rule per direction that matches no mail (its
                  addresses are under ${PROBE.domain}, a domain that cannot exist; its action is DEFAULT),
                  to check the write operations; the rule is always deleted, also when interrupted
  --timeout       give up after this many seconds in all (default: ${TIMES.defaultTimeoutSeconds}); each attempt gets ${TIMES.requestTimeoutMs / 1000} s
                  (${TIMES.connectionTimeoutMs / 1000} s to connect), ${TIMES.maxAttempts} attempts; the probe's clean-up gets ${PROBE.cleanupSeconds} s more

IAM actions used: sts:GetCallerIdentity, workmail:DescribeOrganization, workmail:ListInboundMailFlowRules,
workmail:ListOutboundMailFlowRules; with --probe also workmail:Create/Describe/Update/Delete{Inbound,Outbound}MailFlowRule.

Exit status: 0 when every check passed, 1 when one failed, 2 for bad arguments.`;

/** The doctor command; `connect` reaches the service (the bundled SDK client unless a test says otherwise). */
export function doctorCommand(connect: Connect = connectBundled): Command {
  return {
    summary: 'check the service against the wire contract with your credentials (changes nothing; --probe checks the writes)',
    usage: USAGE,
    async run(args: string[], io: CommandIO): Promise<number> {
      const { values } = parsing(() => parseArgs({
        args, strict: true,
        options: { organization: { type: 'string' }, region: { type: 'string' }, probe: { type: 'boolean' }, timeout: { type: 'string' } },
      }));
      const { organizationId, region, seconds } = usageOf(() => checkServiceTarget(values), ArgumentError);
      const interrupt = new AbortController();
      let interrupts = 0;
      const onSignal = (signal: NodeJS.Signals) => {
        interrupts += 1;
        if (interrupts === 1) {
          io.err(`interrupted (${signal}): stopping${values.probe ? ', and deleting the probe rule first (interrupt again to stop at once)' : ''}`);
          interrupt.abort(new Error(`interrupted (${signal})`));
        } else {
          io.err(`stopped at once: a probe rule (${PROBE.namePrefix}…) may be left in ${organizationId}; doctor --probe deletes it`);
          process.exit(EXIT.failed);
        }
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      const time = deadline(seconds, interrupt.signal);
      const service = connect({
        region, abortSignal: time.signal, maxAttempts: TIMES.maxAttempts,
        connectionTimeoutMs: TIMES.connectionTimeoutMs, requestTimeoutMs: TIMES.requestTimeoutMs,
      });
      try {
        io.out(`cdk-workmail-lambda doctor: organization ${organizationId} in ${region}${values.probe ? ', with --probe' : ''} (gives up after ${seconds} s)`);
        const ok = await runDoctor({ organizationId, region, probe: values.probe ?? false, service, signal: time.signal, say: (line) => io.out(line) });
        return ok && !interrupt.signal.aborted ? EXIT.ok : EXIT.failed;
      } finally {
        time.cancel();
        service.close();
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    },
  };
}
