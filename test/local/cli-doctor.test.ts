/**
 * `cdk-workmail-lambda doctor`, the built command in its own process, against the local endpoints (credentials from
 * `LocalWorkMail.env`): every check, the probe and its clean-up (also when interrupted), a service whose shape differs
 * from the contract's, and bad input.
 */
import { OPERATIONS } from '../../lambda/rules/contract';
import { type LocalWorkMail, startLocalWorkMail } from '../../local';
import { PROBE } from '../../local/organization/doctor';
import { cli, isolatedEnv, until } from './cli-run';
import { ORG, OTHER_ORG, inboundSyncRule, outboundAsyncRule } from './sample-rules';

let local: LocalWorkMail;
const WRITES = ['create', 'update', 'delete'] as const;

beforeAll(async () => {
  local = await startLocalWorkMail({ organizations: [ORG], organizationStates: { [OTHER_ORG]: 'Deleting' } });
});
afterAll(() => local.close());
beforeEach(() => {
  local.workMail.reset();
  const { OrganizationId: _a, ...inbound } = inboundSyncRule();
  const { OrganizationId: _b, ...outbound } = outboundAsyncRule();
  local.workMail.addRuleOutOfBand(ORG, 'INBOUND', inbound);
  local.workMail.addRuleOutOfBand(ORG, 'INBOUND', { ...inbound, Name: 'block "spam" ✉' });
  local.workMail.addRuleOutOfBand(ORG, 'OUTBOUND', outbound);
});

const doctor = (...args: string[]) => cli(['doctor', '--organization', ORG, '--region', 'us-east-1', ...args], isolatedEnv(local.env));
const lines = (out: string) => out.trim().split('\n');
const writes = () => local.workMail.requests.filter((r) => WRITES.some((k) => r.operation === OPERATIONS.INBOUND[k] || r.operation === OPERATIONS.OUTBOUND[k]));

test('every check passes against an organization in the assumed shape; nothing is changed without --probe', async () => {
  const before = local.workMail.state();
  const run = await doctor();
  expect(run.stderr).toBe('');
  expect(lines(run.stdout)).toEqual([
    `cdk-workmail-lambda doctor: organization ${ORG} in us-east-1 (gives up after 30 s)`,
    `ok    credentials: arn:aws:sts::123456789012:assumed-role/LocalWorkMail/${local.env.AWS_ACCESS_KEY_ID} (account 123456789012)`,
    'ok    region: us-east-1 is a WorkMail Region (us-east-1, us-west-2, eu-west-1)',
    `ok    organization: ${ORG} (alias local-01234567, default mail domain local-01234567.awsapps.com) is Active`,
    'ok    inbound rules: ListInboundMailFlowRules answers in the shape we assume; 2 rules: "scan-inbound", "block \\"spam\\" ✉"',
    'ok    outbound rules: ListOutboundMailFlowRules answers in the shape we assume; 1 rule: "count-outbound"',
    '      the write operations (create, describe, update, delete) were not checked: --probe checks them on a rule that matches no mail',
    'all 5 checks passed',
  ]);
  expect(run.status).toBe(0);
  expect(writes()).toEqual([]);
  expect(local.workMail.state()).toEqual(before);
});

test('--probe: per direction a rule that matches no mail is created, described, updated, described and deleted', async () => {
  const before = local.workMail.state();
  const run = await doctor('--probe');
  expect(run.status).toBe(0);
  for (const direction of ['inbound', 'outbound']) {
    const ops = OPERATIONS[direction.toUpperCase() as 'INBOUND'];
    expect(run.stdout).toMatch(new RegExp(`^ok {4}${direction} probe: ${ops.create}, ${ops.describe}, ${ops.update}, ${ops.describe} again, ${ops.delete} `
      + `answer in the shape we assume \\(probe rule cdk-workmail-lambda-doctor-[0-9a-f]{8} made and deleted\\)$`, 'm'));
  }
  expect(run.stdout).toMatch(/^all 7 checks passed$/m);
  const created = local.workMail.requestsFor(OPERATIONS.INBOUND.create).map((r) => r.body as Record<string, any>);
  expect(created).toEqual([expect.objectContaining({
    Name: expect.stringMatching(/^cdk-workmail-lambda-doctor-[0-9a-f]{8}$/), Action: { Type: 'DEFAULT' },
    SenderPatterns: [`nobody@${PROBE.domain}`], DestinationPatterns: [`nobody@${PROBE.domain}`],
  })]);
  expect(PROBE.domain.endsWith('.invalid')).toBe(true);
  expect(local.workMail.state()).toEqual(before);
});

test.each([
  ['SIGINT while the update waits for its answer', OPERATIONS.INBOUND.update],
  ['SIGINT while the create waits for its answer (the rule is found by its name)', OPERATIONS.INBOUND.create],
])('--probe deletes its rule when interrupted: %s', async (_, operation) => {
  const before = local.workMail.state();
  local.workMail.injectFault({ kind: 'slow', delayMs: 60_000 }, { operation });
  let child: import('node:child_process').ChildProcess | undefined;
  const running = cli(['doctor', '--organization', ORG, '--region', 'us-east-1', '--probe'], isolatedEnv(local.env), { started: (c) => (child = c) });
  await until(() => local.workMail.requestsFor(operation).length === 1);
  expect(local.workMail.rules(ORG, 'INBOUND').some((r) => r.Name.startsWith(PROBE.namePrefix))).toBe(true);
  child!.kill('SIGINT');
  const interrupted = await running;
  expect(interrupted.stderr).toContain('interrupted (SIGINT): stopping, and deleting the probe rule first (interrupt again to stop at once)');
  expect(interrupted.stdout).toMatch(/^FAIL {2}inbound probe: \w+ stopped: interrupted \(SIGINT\).*; the probe rule cdk-workmail-lambda-doctor-[0-9a-f]{8} \([0-9a-f-]{36}\) was deleted$/m);
  expect(interrupted.stdout).toMatch(/^FAIL {2}outbound probe: not run: interrupted \(SIGINT\)$/m);
  expect(interrupted.status).toBe(1);
  expect(local.workMail.state()).toEqual(before);
});

test('a probe rule left by a run that was killed is reported, and --probe deletes it', async () => {
  const { OrganizationId: _o, ...fields } = {
    ...inboundSyncRule(), Name: `${PROBE.namePrefix}0badf00d`, SenderPatterns: [`nobody@${PROBE.domain}`], DestinationPatterns: [`nobody@${PROBE.domain}`],
    Action: { Type: 'DEFAULT' as const },
  };
  const leftover = local.workMail.addRuleOutOfBand(ORG, 'INBOUND', fields);
  expect((await doctor()).stdout).toContain(`warn  inbound rules: "${PROBE.namePrefix}0badf00d" (${leftover}) is a probe rule left by an earlier run that was killed; run doctor --probe to delete it`);
  const probed = await doctor('--probe');
  expect(probed.stdout).toContain(`the probe rule ${PROBE.namePrefix}0badf00d (${leftover}) was deleted`);
  expect(probed.status).toBe(0);
  expect(local.workMail.rules(ORG, 'INBOUND').map((r) => r.Name)).toEqual(['scan-inbound', 'block "spam" ✉']);
});

describe('a service whose shape is not the one we assume', () => {
  test('an unknown list operation: which operation, what came back, where the assumption lives', async () => {
    local.workMail.injectFault({ kind: 'unknown-operation' }, { operation: OPERATIONS.OUTBOUND.list });
    const run = await doctor();
    expect(run.stdout).toContain('FAIL  outbound rules: ListOutboundMailFlowRules does not answer in the shape this library assumes: the service does not know the operation; '
      + "the service answered UnknownOperationException; the shape is our assumption, kept in cdk-workmail-lambda's wire contract (lambda/rules/contract.ts): "
      + 'please report this answer to cdk-workmail-lambda\n');
    expect(run.stdout).toMatch(/^ok {4}inbound rules: /m);
    expect(run.stdout).toMatch(/^1 of 5 checks failed$/m);
    expect(run.status).toBe(1);
  });

  test('a list without Rules', async () => {
    local.workMail.injectFault({ kind: 'rename-output' }, { operation: OPERATIONS.INBOUND.list });
    const run = await doctor();
    expect(run.stdout).toMatch(/^FAIL {2}inbound rules: ListInboundMailFlowRules does not answer in the shape this library assumes: the answer has no Rules; the service answered \{"Items":\[/m);
    expect(run.status).toBe(1);
  });

  test('--probe: a required member we do not send; nothing is created', async () => {
    local.workMail.injectFault({ kind: 'require-member', member: 'Priority' }, { operation: OPERATIONS.INBOUND.create });
    const run = await doctor('--probe');
    expect(run.stdout).toMatch(/^FAIL {2}inbound probe: CreateInboundMailFlowRule does not answer in the shape this library assumes: the service refused the request as its model defines it .*ValidationException: 1 validation error detected: Value null at 'priority' .*; no probe rule cdk-workmail-lambda-doctor-[0-9a-f]{8} was made$/m);
    expect(run.stdout).toMatch(/^ok {4}outbound probe: /m);
    expect(run.status).toBe(1);
  });

  test('--probe: a create answered without RuleId; the rule it made is found by its name and deleted', async () => {
    const before = local.workMail.state();
    local.workMail.injectFault({ kind: 'rename-output' }, { operation: OPERATIONS.OUTBOUND.create });
    const run = await doctor('--probe');
    expect(run.stdout).toMatch(/^FAIL {2}outbound probe: CreateOutboundMailFlowRule does not answer in the shape this library assumes: the answer has no RuleId; the service answered \{"Id":"[0-9a-f-]{36}"\}; .*; the probe rule cdk-workmail-lambda-doctor-[0-9a-f]{8} \([0-9a-f-]{36}\) was deleted$/m);
    expect(run.status).toBe(1);
    expect(local.workMail.state()).toEqual(before);
  });
});

describe('the organization, permissions and credentials', () => {
  test('an organization that is not Active fails, and the rest is skipped', async () => {
    const run = await cli(['doctor', '--organization', OTHER_ORG, '--region', 'us-east-1'], isolatedEnv(local.env));
    expect(lines(run.stdout).slice(3)).toEqual([
      `FAIL  organization: ${OTHER_ORG} (alias local-fedcba98, default mail domain local-fedcba98.awsapps.com) is Deleting, not Active: rules can be made and `
        + 'changed only in an Active organization; wait until it is Active, or use another organization',
      'skip  inbound rules: needs an Active organization',
      'skip  outbound rules: needs an Active organization',
      '1 of 3 checks failed, 2 skipped',
    ]);
    expect(run.status).toBe(1);
  });

  test('an organization that does not exist', async () => {
    const unknown = `m-${'a'.repeat(32)}`;
    const run = await cli(['doctor', '--organization', unknown, '--region', 'us-east-1'], isolatedEnv(local.env));
    expect(run.stdout).toContain(`FAIL  organization: OrganizationNotFoundException: Organization ${unknown} does not exist — there is no organization ${unknown} `
      + 'in us-east-1 for account 123456789012: check the id and the Region (aws workmail list-organizations --region us-east-1)');
    expect(run.status).toBe(1);
  });

  test('access denied names the missing IAM action; without DescribeOrganization the rules are still listed', async () => {
    local.workMail.injectFault({ kind: 'access-denied' }, { operation: 'DescribeOrganization' });
    local.workMail.injectFault({ kind: 'access-denied' }, { operation: OPERATIONS.INBOUND.list });
    const run = await doctor();
    const arn = `arn:aws:workmail:us-east-1:123456789012:organization/${ORG}`;
    expect(run.stdout).toMatch(new RegExp(`^FAIL {2}organization: AccessDeniedException: .* — these credentials may not call DescribeOrganization: allow the IAM action workmail:DescribeOrganization on ${arn}$`, 'm'));
    expect(run.stdout).toMatch(new RegExp(`^FAIL {2}inbound rules: AccessDeniedException: .* — these credentials may not call ListInboundMailFlowRules: allow the IAM action workmail:ListInboundMailFlowRules on ${arn}$`, 'm'));
    expect(run.stdout).toMatch(/^ok {4}outbound rules: /m);
    expect(run.status).toBe(1);
  });

  test('no credentials at all (no AWS_* variables, an empty HOME, no instance metadata): one line, at once', async () => {
    const run = await cli(['doctor', '--organization', ORG, '--region', 'us-east-1'], isolatedEnv());
    expect(lines(run.stdout).slice(1)).toEqual([
      "FAIL  credentials: no AWS credentials: the SDK's default chain found none (environment variables, ~/.aws/credentials and config, SSO, web identity, "
        + 'container and instance metadata); configure some (aws configure, aws sso login, AWS_PROFILE=<profile>) and run again',
      'ok    region: us-east-1 is a WorkMail Region (us-east-1, us-west-2, eu-west-1)',
      'skip  organization: needs credentials', 'skip  inbound rules: needs credentials', 'skip  outbound rules: needs credentials',
      '1 of 2 checks failed, 3 skipped',
    ]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
  });

  test('no credentials and a Region WorkMail does not run in: both reported in one run', async () => {
    const run = await cli(['doctor', '--organization', ORG, '--region', 'eu-central-1'], isolatedEnv());
    expect(lines(run.stdout).slice(1, 3)).toEqual([
      expect.stringMatching(/^FAIL  credentials: no AWS credentials/),
      expect.stringMatching(/^FAIL  region: the Region "eu-central-1" is not a Region where Amazon WorkMail runs/),
    ]);
    expect(lines(run.stdout).at(-1)).toBe('2 of 2 checks failed, 3 skipped');
    expect(run.status).toBe(1);
  });

  test('a Region where WorkMail does not run fails its check', async () => {
    const run = await cli(['doctor', '--organization', ORG, '--region', 'eu-central-1'], isolatedEnv({ ...local.env, AWS_REGION: 'eu-central-1' }));
    expect(run.stdout).toContain('FAIL  region: the Region "eu-central-1" is not a Region where Amazon WorkMail runs; use one of us-east-1, us-west-2, eu-west-1: '
      + 'give the Region of the organization (the WorkMail console shows it)');
    expect(run.status).toBe(1);
  });
});

describe('an endpoint that cannot be reached or does not answer', () => {
  test('a slow endpoint: the command gives up at --timeout, saying so', async () => {
    local.workMail.injectFault({ kind: 'slow', delayMs: 120_000 }, { operation: 'DescribeOrganization' });
    const run = await doctor('--timeout', '3');
    expect(run.stdout).toContain('(gives up after 3 s)');
    expect(run.stdout).toMatch(/^FAIL {2}organization: DescribeOrganization gave up: no answer within 3 s \(--timeout 3\) — the WorkMail endpoint of us-east-1 did not answer in time: check the network \(a proxy, a VPN\), or give more time with --timeout$/m);
    expect(run.status).toBe(1);
    // It stated 3 s; allow for process start and the SDK's load on a busy machine, not for a wait on the endpoint.
    expect(run.ms).toBeLessThan(3_000 + 10_000);
  });

  test('an unreachable endpoint', async () => {
    const closed = await startLocalWorkMail();
    const endpoint = closed.endpoints.workMail;
    await closed.close();
    const run = await cli(['doctor', '--organization', ORG, '--region', 'us-east-1'], isolatedEnv({ ...local.env, AWS_ENDPOINT_URL_WORKMAIL: endpoint }));
    expect(run.stdout).toMatch(new RegExp(`^FAIL {2}organization: connect ECONNREFUSED 127\\.0\\.0\\.1:${new URL(endpoint).port} \\(after 3 attempts\\) — the WorkMail endpoint of us-east-1 could not be reached: check the network \\(a proxy, a VPN\\)$`, 'm'));
    expect(run.status).toBe(1);
  });
});

describe('bad arguments: exit 2 and one line', () => {
  test.each([
    [[], /--organization is required/],
    [['--organization', 'm-123'], /--organization must be 'm-' followed by 32 lowercase hexadecimal digits .*got "m-123"; aws workmail list-organizations/],
    [['--organization', 'o-a1b2c3d4e5'], /--organization o-a1b2c3d4e5 is an AWS Organizations id, not a WorkMail organization id/],
    [['--organization', 'd-1234567890'], /--organization d-1234567890 is a directory id/],
    [['--organization', ORG, '--region', 'us east'], /--region "us east" is not an AWS Region name \(such as us-east-1\)/],
    [['--organization', ORG, '--region', 'us-east-1', '--timeout', '0'], /--timeout must be a whole number of seconds from 1 to 600, got "0"/],
    [['--organization', ORG, '--region', 'us-east-1', '--bogus'], /Unknown option '--bogus'/],
  ])('%j', async (args, message) => {
    const run = await cli(['doctor', ...args], isolatedEnv());
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^cdk-workmail-lambda doctor: .* \(see cdk-workmail-lambda doctor --help\)$/)]);
    expect(run.stderr).toMatch(message);
    expect(run.status).toBe(2);
  });

  test('the Region defaults to AWS_REGION; none at all is a bad argument', async () => {
    expect((await cli(['doctor', '--organization', ORG], isolatedEnv(local.env))).status).toBe(0);
    const none = await cli(['doctor', '--organization', ORG], isolatedEnv());
    expect(none.stderr).toMatch(/--region is required \(or AWS_REGION\)/);
    expect(none.status).toBe(2);
  });
});
