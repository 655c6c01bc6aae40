/**
 * `cdk-workmail-lambda export` and `doctor` from the packed tarball, in a scratch project that installed it, against
 * the local endpoints of the installed `cdk-workmail-lambda/testing`: the TypeScript module compiles with `tsc --strict`
 * there (names that are not identifiers, strings that hold anything, an organization with no rules), synthesizes to
 * rules equal field by field to the rules listed, and deploying that cdk.out through its bundled provider (adopting)
 * leaves the organization's rules unchanged in content and count.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import type { DescribedFlowRule, FlowDirection } from '../../lambda/rules/contract';
import type { LocalWorkMail } from '../../local';
import { providerAssetDir, providerInvoker, resolveProperties, type Template } from '../e2e/cloudformation';
import { RESPONSE_URL, STACK_ID } from '../provider/events';
import { cli, isolatedEnv } from '../local/cli-run';
import { ROOT, cleanEnv, pack, project } from './packed';

const ORG = 'm-0123456789abcdef0123456789abcdef';
const EMPTY_ORG = 'm-fedcba9876543210fedcba9876543210';
const ENV = { account: '123456789012', region: 'us-east-1' };
const fn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
const TYPES: Record<FlowDirection, string> = { INBOUND: 'Custom::WorkMailInboundFlowRule', OUTBOUND: 'Custom::WorkMailOutboundFlowRule' };

let tmp: string;
let consumer: string;
let installed: string;
let local: LocalWorkMail;

type Seed = Omit<DescribedFlowRule, 'RuleId'>;
/** Rules as the console makes them: every action of both directions, names and strings no identifier allows. */
const INBOUND: Seed[] = [
  { Name: 'block spam!', Description: 'made in the console', SenderPatterns: ['spam.example', '*.spam.example'], DestinationPatterns: ['*'], Action: { Type: 'BOUNCE', BounceMessage: 'Rejected: "spam" \\ policy\nline two \u2028 end' } },
  { Name: 'class', SenderPatterns: ['*'], DestinationPatterns: ['ceo@example.com'], Action: { Type: 'DROP' } },
  { Name: '2nd rule — ünïcödé ✉', Description: '', SenderPatterns: ['partner.example'], DestinationPatterns: ['*'], Action: { Type: 'MOVE_TO_JUNK' } },
  { Name: '*/ not a comment', SenderPatterns: ['vip.example'], DestinationPatterns: ['*'], Action: { Type: 'BYPASS_SPAM_CHECK' } },
  { Name: 'default', SenderPatterns: ['ok.example'], DestinationPatterns: ['team@example.com'], Action: { Type: 'DEFAULT' } },
  { Name: 'scan sync', SenderPatterns: ['*'], DestinationPatterns: ['*'], Action: { Type: 'RUN_LAMBDA', Lambda: { FunctionArn: fn('scanner'), InvocationType: 'SYNC', FallbackAction: { Type: 'BOUNCE', BounceMessage: 'try later' }, RuleTimeoutInMinutes: 0 } } },
  { Name: 'scan alias', SenderPatterns: ['alias.example'], DestinationPatterns: ['*'], Action: { Type: 'RUN_LAMBDA', Lambda: { FunctionArn: `${fn('scanner')}:live`, InvocationType: 'ASYNC' } } },
  // Many more, so that the list takes several pages (the endpoint's page is 25).
  ...Array.from({ length: 24 }, (_, i): Seed => ({ Name: `bulk ${i}`, SenderPatterns: [`s${i}.example`], DestinationPatterns: ['*'], Action: { Type: 'DROP' } })),
];
const OUTBOUND: Seed[] = [
  { Name: 'via gateway', SenderPatterns: ['*'], DestinationPatterns: ['partner.example'], Action: { Type: 'ROUTE_TO_SMTP_GATEWAY', SmtpGatewayName: 'gw-1' } },
  { Name: 'log async', SenderPatterns: ['sales@example.com'], DestinationPatterns: ['*'], Action: { Type: 'RUN_LAMBDA', Lambda: { FunctionArn: fn('logger'), InvocationType: 'ASYNC' } } },
  { Name: 'sync outbound', SenderPatterns: ['*'], DestinationPatterns: ['*'], Action: { Type: 'RUN_LAMBDA', Lambda: { FunctionArn: fn('logger'), InvocationType: 'SYNC', FallbackAction: { Type: 'DROP' }, RuleTimeoutInMinutes: 240 } } },
  { Name: 'no bounce', SenderPatterns: ['x.example'], DestinationPatterns: ['*'], Action: { Type: 'BOUNCE', BounceMessage: 'no' } },
];
/** What the console may hold and this library cannot express: written as comments, never dropped. */
const INEXPRESSIBLE: { direction: FlowDirection; rule: Seed; why: RegExp }[] = [
  { direction: 'INBOUND', rule: { Name: 'future action', SenderPatterns: ['*'], DestinationPatterns: ['*'], Action: { Type: 'ROUTE_TO_CONNECTOR' as any } }, why: /its action "ROUTE_TO_CONNECTOR" has no InboundAction factory/ },
  { direction: 'INBOUND', rule: { Name: 'plus pattern', SenderPatterns: ['a+b@example.com'], DestinationPatterns: ['*'], Action: { Type: 'DROP' } }, why: /this library refuses it: SenderPatterns has an invalid pattern "a\+b@example.com"/ },
  { direction: 'OUTBOUND', rule: { Name: 'sync without timeout', SenderPatterns: ['*'], DestinationPatterns: ['*'], Action: { Type: 'RUN_LAMBDA', Lambda: { FunctionArn: fn('logger'), InvocationType: 'SYNC', FallbackAction: { Type: 'DEFAULT' } } } }, why: /has no rule timeout, which this library always sends/ },
];

/** The installed command, in its own process (asynchronously: the endpoints run in this one). */
function bin(args: string[]) {
  return cli(args, isolatedEnv(local.env), { cwd: consumer, main: path.join(installed, 'local', 'cli', 'main.js') });
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-workmail-export-'));
  const { tarball } = pack(tmp);
  consumer = path.join(tmp, 'consumer');
  installed = project(consumer, tarball, ['aws-cdk-lib', 'constructs', 'typescript', '@types/node', 'iconv-lite', 'libbase64', 'libmime', 'libqp']);
  // The installed package's local endpoints, as a user's test would start them.
  const testing = require(path.join(installed, 'local', 'index.js')) as typeof import('../../local');
  local = await testing.startLocalWorkMail({ organizations: [ORG, EMPTY_ORG] });
}, 120_000);
afterAll(async () => {
  await local?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** The organization's rules, less what the endpoint keeps for itself. */
function organizationRules(organizationId = ORG): Record<FlowDirection, DescribedFlowRule[]> {
  const strip = (rules: DescribedFlowRule[]) => rules.map(({ ClientToken: _t, ...r }: DescribedFlowRule & { ClientToken?: string }) => r);
  return { INBOUND: strip(local.workMail.rules(organizationId, 'INBOUND')), OUTBOUND: strip(local.workMail.rules(organizationId, 'OUTBOUND')) };
}

test('doctor --probe from the installed package passes against the local endpoints', async () => {
  const run = await bin(['doctor', '--organization', ORG, '--region', 'us-east-1', '--probe']);
  expect(run.stdout).toMatch(/^all 7 checks passed$/m);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
});

test('export → tsc --strict → synth → deploy (adopting): rules equal field by field, the organization unchanged in content and count', async () => {
  for (const rule of INBOUND) local.workMail.addRuleOutOfBand(ORG, 'INBOUND', rule);
  for (const rule of OUTBOUND) local.workMail.addRuleOutOfBand(ORG, 'OUTBOUND', rule);
  for (const { direction, rule } of INEXPRESSIBLE) local.workMail.addRuleOutOfBand(ORG, direction, rule);
  const before = organizationRules();
  local.workMail.clearRequests();

  const exported = await bin(['export', '--organization', ORG, '--region', 'us-east-1', '--out', 'rules.ts']);
  expect(exported.stderr).toBe('');
  expect(exported.status).toBe(0);
  const total = INBOUND.length + OUTBOUND.length + INEXPRESSIBLE.length;
  expect(exported.stdout).toContain(`exported ${INBOUND.length + 2} inbound rules and ${OUTBOUND.length + 1} outbound rules of ${ORG} (us-east-1) as TypeScript to rules.ts: `
    + `${total - INEXPRESSIBLE.length} as code, ${INEXPRESSIBLE.length} as a comment`);
  for (const { rule, why } of INEXPRESSIBLE) expect(exported.stdout).toMatch(new RegExp(`not as code: the \\w+ rule ${JSON.stringify(rule.Name)}: .*${why.source}`));
  const code = fs.readFileSync(path.join(consumer, 'rules.ts'), 'utf8');
  for (const { direction, rule } of INEXPRESSIBLE) expect(code).toContain(`// Not written as code: the ${direction.toLowerCase()} rule ${JSON.stringify(rule.Name)} (`);
  expect(code).toContain('// The closest this library comes, to uncomment once reviewed:');

  expect((await bin(['export', '--organization', EMPTY_ORG, '--region', 'us-east-1', '--out', 'empty.ts'])).status).toBe(0);
  fs.writeFileSync(path.join(consumer, 'app.ts'), `
import { App, Stack } from 'aws-cdk-lib';
import { WorkMailOrganization } from 'cdk-workmail-lambda';
import { EXPORTED_FROM, ExportedFlowRules } from './rules';
import { ExportedFlowRules as NoRules } from './empty';

const app = new App({ outdir: 'cdk.out' });
const stack = new Stack(app, 'Adopted', { env: { account: '123456789012', region: EXPORTED_FROM.region } });
const organization = WorkMailOrganization.fromOrganizationId(stack, 'Organization', EXPORTED_FROM.organizationId);
const rules = new ExportedFlowRules(stack, 'Rules', { organization });
new NoRules(stack, 'None', { organization: WorkMailOrganization.fromOrganizationId(stack, 'Empty', '${EMPTY_ORG}') });
if (Object.keys(rules.inbound).length + Object.keys(rules.outbound).length !== ${total - INEXPRESSIBLE.length}) throw new Error('rules missing');
app.synth();
`);
  fs.writeFileSync(path.join(consumer, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      strict: true, noUnusedLocals: true, noUnusedParameters: true, noImplicitReturns: true, module: 'commonjs', target: 'es2022',
      skipLibCheck: true, types: ['node'], outDir: 'out',
    },
    files: ['app.ts', 'rules.ts', 'empty.ts'],
  }));
  const tsc = spawnSync(process.execPath, [path.join(consumer, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: consumer, encoding: 'utf8' });
  expect(`${tsc.stdout}${tsc.stderr}`).toBe('');
  expect(tsc.status).toBe(0);
  execFileSync(process.execPath, [path.join('out', 'app.js')], { cwd: consumer, env: cleanEnv(), encoding: 'utf8' });

  // The synthesized rules, field by field against the rules listed (less those written as comments).
  const template = JSON.parse(fs.readFileSync(path.join(consumer, 'cdk.out', 'Adopted.template.json'), 'utf8')) as Template;
  const resources = Object.entries(template.Resources).filter(([, r]) => r.Type === TYPES.INBOUND || r.Type === TYPES.OUTBOUND);
  const synthesized = (direction: FlowDirection) => resources.filter(([, r]) => r.Type === TYPES[direction])
    .map(([, r]) => { const { ServiceToken: _s, ...p } = r.Properties!; return p; });
  const expected = (direction: FlowDirection) => before[direction]
    .filter((r) => !INEXPRESSIBLE.some((x) => x.rule.Name === r.Name))
    .map(({ RuleId: _id, ...r }) => ({ OrganizationId: ORG, ...r, AdoptExisting: true }));
  expect(synthesized('INBOUND')).toEqual(expected('INBOUND'));
  expect(synthesized('OUTBOUND')).toEqual(expected('OUTBOUND'));

  // Deploy: each resource's Create through the provider bundled in that cdk.out.
  const assembly = new CloudAssembly(path.join(consumer, 'cdk.out'));
  const invoke = providerInvoker(providerAssetDir(assembly, 'Adopted', template));
  const previous = process.env;
  process.env = { ...cleanEnv(), ...local.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  try {
    for (const [logicalId, resource] of resources) {
      const properties = resolveProperties(resource.Properties, ENV);
      const response = await invoke({
        RequestType: 'Create', ServiceToken: properties.ServiceToken, ResponseURL: RESPONSE_URL, StackId: STACK_ID, RequestId: randomUUID(),
        LogicalResourceId: logicalId, ResourceType: resource.Type, ResourceProperties: properties,
      }, { remainingMs: 300_000, invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:Adopted-Provider' });
      expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: expect.stringMatching(new RegExp(`^${ORG}/(inbound|outbound)/`)) });
      const [, direction, ruleId] = response.PhysicalResourceId.split('/');
      expect(before[direction.toUpperCase() as FlowDirection].find((r) => r.RuleId === ruleId)?.Name).toBe(properties.Name);
    }
  } finally {
    process.env = previous;
  }
  expect(organizationRules()).toEqual(before);
  expect(local.workMail.requests.filter((r) => /^(Create|Delete)/.test(r.operation ?? ''))).toEqual([]);
  expect(organizationRules(EMPTY_ORG)).toEqual({ INBOUND: [], OUTBOUND: [] });
}, 300_000);

test('export --format json writes the rules as the simulator reads them', async () => {
  const run = await bin(['export', '--organization', ORG, '--region', 'us-east-1', '--format', 'json']);
  expect(run.status).toBe(0);
  const data = JSON.parse(run.stdout);
  expect(data).toEqual({ format: 'cdk-workmail-lambda/flow-rules@1', organizationId: ORG, region: 'us-east-1', ...Object.fromEntries(
    Object.entries(organizationRules()).map(([d, rules]) => [d.toLowerCase(), rules])) });
  expect(run.stderr).toMatch(/^exported \d+ inbound rules and \d+ outbound rules of .* as JSON\n$/);
});

test('the command reaches the service through the bundle it ships (no SDK package in the project)', () => {
  expect(fs.existsSync(path.join(installed, 'local', 'service', 'bundle.js'))).toBe(true);
  expect(fs.existsSync(path.join(consumer, 'node_modules', '@aws-sdk'))).toBe(false);
  expect(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).not.toMatch(/"dependencies": \{[^}]*@aws-sdk/);
});
