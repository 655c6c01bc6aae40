/**
 * `cdk-workmail-lambda endpoints`: starts the local WorkMail flow-rule, Message Flow and S3 endpoints until
 * interrupted, and prints the environment that sends the SDK clients (the provider, a handler, the AWS CLI) there.
 * Inject faults with e.g. `curl -X POST <workmail endpoint>/__emulator/faults -d '{"kind":"throttle","count":2}'`.
 */
import { PLACEHOLDER_ORGANIZATION_ID, startLocalWorkMail } from '../endpoints/local-workmail';
import { parseArgs } from 'node:util';
import { type Command, type CommandIO, EXIT, UsageError, integerOption, parsing } from './command';

const USAGE = `usage: cdk-workmail-lambda endpoints [--organization <m-…>]... [--organization-state <m-…>=<state>]...
                                   [--max-rules <n>] [--bucket <name>]... [--region <region>] [--account <account>]

Starts the local WorkMail flow-rule, Message Flow and S3 endpoints on 127.0.0.1 (ephemeral ports) until
interrupted, and prints the environment variables that send the AWS SDK clients there.

  --organization  an organization that exists; repeatable (default: ${PLACEHOLDER_ORGANIZATION_ID})
  --organization-state  the state of an organization (added if not given with --organization); every state
                  but Active answers OrganizationStateException, e.g. m-…=Deleting; repeatable
  --max-rules     most email flow rules per organization, inbound and outbound together; one more is
                  LimitExceededException (default: no limit; WorkMail's quotas page gives none)
  --bucket        an S3 bucket that exists (e.g. the bucket updated messages are written to); repeatable
  --region        the Region the endpoints play (default: us-east-1)
  --account       the account the endpoints play (default: 123456789012)`;

export const endpointsCommand: Command = {
  summary: 'start the local WorkMail, Message Flow and S3 endpoints until interrupted',
  usage: USAGE,
  async run(args: string[], io: CommandIO): Promise<number> {
    const { values } = parsing(() => parseArgs({
      args,
      strict: true,
      options: {
        organization: { type: 'string', multiple: true },
        'organization-state': { type: 'string', multiple: true },
        'max-rules': { type: 'string' },
        bucket: { type: 'string', multiple: true },
        region: { type: 'string' },
        account: { type: 'string' },
      },
    }));
    const states: Record<string, string> = {};
    for (const entry of values['organization-state'] ?? []) {
      const match = /^(m-[0-9a-f]{32})=([A-Za-z]+)$/.exec(entry);
      if (!match) throw new UsageError(`--organization-state must be <organization id>=<state>, e.g. ${PLACEHOLDER_ORGANIZATION_ID}=Deleting, got ${entry}`);
      states[match[1]] = match[2];
    }
    const given = values.organization ?? [];
    let local;
    try {
      local = await startLocalWorkMail({
        organizations: given.length || Object.keys(states).length ? given : [PLACEHOLDER_ORGANIZATION_ID],
        organizationStates: states,
        maxRulesPerOrganization: integerOption('max-rules', values['max-rules'], 0, 1_000_000),
        buckets: values.bucket,
        region: values.region,
        account: values.account,
      });
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const { workMail } = local;
    io.out(`WorkMail emulator listening on ${workMail.endpoint} (Region ${workMail.region}, account ${workMail.account})`);
    io.out(`Message Flow on ${local.endpoints.messageFlow}, S3 on ${local.endpoints.s3}`);
    const organizations = Object.keys(workMail.state()).map((id) => `${id} (${workMail.organizationState(id)})`);
    io.out(`organizations: ${organizations.join(', ')}`);
    if (workMail.maxRulesPerOrganization !== undefined) io.out(`at most ${workMail.maxRulesPerOrganization} email flow rules per organization`);
    for (const [name, value] of Object.entries(local.env)) io.out(`export ${name}=${value}`);
    io.out(`faults: curl -X POST ${workMail.endpoint}/__emulator/faults -d '{"kind":"throttle","count":2}'`);
    io.out(`state:  curl ${workMail.endpoint}/__emulator/state`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await local.close();
    return EXIT.ok;
  },
};
