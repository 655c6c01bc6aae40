/**
 * Runs the local WorkMail endpoint until interrupted: `npm run emulator -- [--port N] [--organization m-…]…`.
 *
 * Point the SDK (the provider, the AWS CLI) at it with the printed `AWS_ENDPOINT_URL_WORKMAIL` line; inject
 * faults with e.g. `curl -X POST <endpoint>/__emulator/faults -d '{"kind":"throttle","count":2}'`.
 */
import { parseArgs } from 'node:util';
import { PLACEHOLDER_ORGANIZATION_ID, WorkMailEmulator } from './workmail-emulator';

const USAGE = `usage: npm run emulator -- [--port <port>] [--organization <m-…>]... [--organization-state <m-…>=<state>]...
                       [--max-rules <n>] [--region <region>] [--account <account>]

  --port          port on 127.0.0.1 (default: an ephemeral port)
  --organization  an organization that exists; repeatable (default: ${PLACEHOLDER_ORGANIZATION_ID})
  --organization-state  the state of an organization (added if not given with --organization); every state
                  but Active answers OrganizationStateException, e.g. m-…=Deleting; repeatable
  --max-rules     most email flow rules per organization, inbound and outbound together; one more is
                  LimitExceededException (default: no limit; WorkMail's quotas page gives none)
  --region        the Region the emulator plays (default: us-east-1)
  --account       the account the emulator plays (default: 123456789012)`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      organization: { type: 'string', multiple: true },
      'organization-state': { type: 'string', multiple: true },
      'max-rules': { type: 'string' },
      region: { type: 'string' },
      account: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, got ${values.port}`);
  const states = (values['organization-state'] ?? []).map((entry) => {
    const match = /^(m-[0-9a-f]{32})=([A-Za-z]+)$/.exec(entry);
    if (!match) throw new Error(`--organization-state must be <organization id>=<state>, e.g. ${PLACEHOLDER_ORGANIZATION_ID}=Deleting, got ${entry}`);
    return { organizationId: match[1], state: match[2] };
  });
  const maxRules = values['max-rules'] === undefined ? undefined : Number(values['max-rules']);
  if (maxRules !== undefined && (!Number.isInteger(maxRules) || maxRules < 0)) throw new Error(`--max-rules must be a whole number, got ${values['max-rules']}`);
  const given = [...(values.organization ?? []), ...states.map((s) => s.organizationId)];
  const emulator = await WorkMailEmulator.start({
    port,
    organizations: given.length ? given : [PLACEHOLDER_ORGANIZATION_ID],
    region: values.region,
    account: values.account,
    maxRulesPerOrganization: maxRules,
  });
  for (const { organizationId, state } of states) emulator.setOrganizationState(organizationId, state);
  console.log(`WorkMail emulator listening on ${emulator.endpoint} (Region ${emulator.region}, account ${emulator.account})`);
  const organizations = Object.keys(emulator.state()).map((id) => `${id} (${emulator.organizationState(id)})`);
  console.log(`organizations: ${organizations.join(', ')}`);
  if (emulator.maxRulesPerOrganization !== undefined) console.log(`at most ${emulator.maxRulesPerOrganization} email flow rules per organization`);
  console.log(`export AWS_ENDPOINT_URL_WORKMAIL=${emulator.endpoint}`);
  console.log(`faults: curl -X POST ${emulator.endpoint}/__emulator/faults -d '{"kind":"throttle","count":2}'`);
  console.log(`state:  curl ${emulator.endpoint}/__emulator/state`);
  const stop = () => {
    void emulator.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: Error) => {
  console.error(`${e.message}\n\n${USAGE}`);
  process.exit(1);
});
