/**
 * Runs the local WorkMail endpoint until interrupted: `npm run emulator -- [--port N] [--organization m-…]…`.
 *
 * Point the SDK (the provider, the AWS CLI) at it with the printed `AWS_ENDPOINT_URL_WORKMAIL` line; inject
 * faults with e.g. `curl -X POST <endpoint>/__emulator/faults -d '{"kind":"throttle","count":2}'`.
 */
import { parseArgs } from 'node:util';
import { PLACEHOLDER_ORGANIZATION_ID, WorkMailEmulator } from './workmail-emulator';

const USAGE = `usage: npm run emulator -- [--port <port>] [--organization <m-…>]... [--region <region>] [--account <account>]

  --port          port on 127.0.0.1 (default: an ephemeral port)
  --organization  an organization that exists; repeatable (default: ${PLACEHOLDER_ORGANIZATION_ID})
  --region        the Region the emulator plays (default: us-east-1)
  --account       the account the emulator plays (default: 123456789012)`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      organization: { type: 'string', multiple: true },
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
  const emulator = await WorkMailEmulator.start({
    port,
    organizations: values.organization?.length ? values.organization : [PLACEHOLDER_ORGANIZATION_ID],
    region: values.region,
    account: values.account,
  });
  console.log(`WorkMail emulator listening on ${emulator.endpoint} (Region ${emulator.region}, account ${emulator.account})`);
  console.log(`organizations: ${Object.keys(emulator.state()).join(', ')}`);
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
