/**
 * `cdk-workmail-lambda export`, the built command in its own process, against the local endpoints: what it writes
 * where, the rules it cannot express, an organization with no rules, and bad input. (The module compiling, synthesizing
 * and deploying from the packed tarball: test/package/export-consumer.test.ts.)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type LocalWorkMail, startLocalWorkMail } from '../../local';
import { FLOW_RULES_FORMAT } from '../../local/organization/rules-file';
import { rulesModule } from '../../local/organization/rules-module';
import { tempDir, removeAssemblies } from './assemblies';
import { cli, isolatedEnv } from './cli-run';
import { ORG, OTHER_ORG, inboundSyncRule, outboundAsyncRule } from './sample-rules';

let local: LocalWorkMail;
const EMPTY = `m-${'e'.repeat(32)}`;

beforeAll(async () => {
  local = await startLocalWorkMail({ organizations: [ORG, EMPTY], organizationStates: { [OTHER_ORG]: 'Deleting' } });
  const { OrganizationId: _a, ...inbound } = inboundSyncRule();
  const { OrganizationId: _b, ...outbound } = outboundAsyncRule();
  local.workMail.addRuleOutOfBand(ORG, 'INBOUND', inbound);
  local.workMail.addRuleOutOfBand(ORG, 'INBOUND', { ...inbound, Name: 'odd', Action: { Type: 'ROUTE_TO_SMTP_GATEWAY', SmtpGatewayName: 'gw' } });
  local.workMail.addRuleOutOfBand(ORG, 'OUTBOUND', outbound);
});
afterAll(async () => {
  await local.close();
  removeAssemblies();
});

const exportCli = (...args: string[]) => cli(['export', '--region', 'us-east-1', ...args], isolatedEnv(local.env));

test('ts to standard output, the summary (with the rule it cannot express and why) to standard error', async () => {
  const run = await exportCli('--organization', ORG);
  expect(run.status).toBe(0);
  expect(run.stdout).toMatch(/^\/\/ Written by `cdk-workmail-lambda export` from the WorkMail organization m-0123456789abcdef0123456789abcdef in us-east-1: 2 inbound rules and 1 outbound rule; 1 written as a comment/);
  expect(run.stdout).toContain('export class ExportedFlowRules extends Construct {');
  expect(run.stdout).toContain('inbound["scan-inbound"] = new InboundFlowRule(this, "InboundScanInbound", {');
  expect(run.stdout).toContain('action: InboundAction.runLambda(functionSubjectGuard, { synchronous: true, fallbackAction: InboundAction.bounce("Try again later"), ruleTimeout: Duration.minutes(45) }),');
  expect(run.stdout).toContain('outbound["count-outbound"] = new OutboundFlowRule(this, "OutboundCountOutbound", {');
  expect(run.stdout).toContain('    // Not written as code: the inbound rule "odd" (');
  expect(run.stderr.trim().split('\n')).toEqual([
    `exported 2 inbound rules and 1 outbound rule of ${ORG} (us-east-1) as TypeScript: 2 as code, 1 as a comment`,
    '  not as code: the inbound rule "odd": its action "ROUTE_TO_SMTP_GATEWAY" has no InboundAction factory',
  ]);
});

test('json to --out, the summary to standard output', async () => {
  const file = path.join(tempDir(), 'rules.json');
  const run = await exportCli('--organization', ORG, '--format', 'json', '--out', file);
  expect(run.status).toBe(0);
  expect(run.stdout.trim()).toBe(`exported 2 inbound rules and 1 outbound rule of ${ORG} (us-east-1) as JSON to ${file}`);
  const data = JSON.parse(fs.readFileSync(file, 'utf8'));
  expect(data).toMatchObject({ format: FLOW_RULES_FORMAT, organizationId: ORG, region: 'us-east-1' });
  expect(data.inbound.map((r: { Name: string }) => r.Name)).toEqual(['scan-inbound', 'odd']);
  expect(data.outbound).toEqual([expect.objectContaining({ Name: 'count-outbound', RuleId: expect.any(String) })]);
});

test('an organization with no rules gives an empty, valid module', async () => {
  const run = await exportCli('--organization', EMPTY);
  expect(run.status).toBe(0);
  expect(run.stdout).toContain(': 0 inbound rules and 0 outbound rules.');
  expect(run.stdout).not.toMatch(/new (In|Out)boundFlowRule|lambda\.Function|Duration/);
  expect(run.stdout).toContain("import { InboundFlowRule, OutboundFlowRule } from 'cdk-workmail-lambda';");
});

test('the module writes every string as a literal that compiles and derives construct ids from letters and digits', () => {
  const rule = (Name: string) => ({ RuleId: 'r', Name, SenderPatterns: ['*'], DestinationPatterns: ['*'], Action: { Type: 'DROP' as const } });
  const { code, written } = rulesModule(ORG, 'us-east-1', [rule('a\u2028b'), rule('--'), rule('a b'), rule('a-b'), rule('"; process.exit(1); "')], []);
  expect(written).toBe(5);
  expect(code).toContain('inbound["a\\u2028b"] = new InboundFlowRule(this, "InboundAB", {');
  expect(code).toContain('inbound["--"] = new InboundFlowRule(this, "Inbound", {');
  expect(code).toContain('new InboundFlowRule(this, "InboundAB2", {');
  expect(code).toContain('new InboundFlowRule(this, "InboundAB3", {');
  expect(code).toContain('ruleName: "\\"; process.exit(1); \\"",');
  expect(code).not.toMatch(/[\u2028\u2029]/);
});

describe('bad input and failures: one line', () => {
  test.each([
    [['--organization', 'm-1'], 2, /--organization must be 'm-' followed by 32 lowercase hexadecimal digits/],
    [['--organization', ORG, '--region', 'eu-central-1'], 2, /--region: the Region "eu-central-1" is not a Region where Amazon WorkMail runs/],
    [['--organization', ORG, '--format', 'yaml'], 2, /--format must be ts or json, got "yaml"/],
    [['--organization', ORG, '--out', '.'], 2, /--out must name a file to write, got "."/],
    [['--organization', OTHER_ORG], 1, /ListInboundMailFlowRules failed \(gave up after at most 30 s\): OrganizationStateException: .* — wait until the organization is Active/],
    [['--organization', `m-${'a'.repeat(32)}`], 1, /OrganizationNotFoundException: Organization m-a{32} does not exist — there is no organization m-a{32} in us-east-1: check the id and the Region/],
  ])('%j exits %d', async (args, status, message) => {
    const run = await exportCli(...(args as string[]));
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(message);
    expect(run.status).toBe(status);
  });

  test('no credentials', async () => {
    const run = await cli(['export', '--organization', ORG, '--region', 'us-east-1'], isolatedEnv());
    expect(run.stderr.trim()).toMatch(/^cdk-workmail-lambda export: ListInboundMailFlowRules failed \(gave up after at most 30 s\): no AWS credentials: the SDK's default chain found none/);
    expect(run.status).toBe(1);
  });

  test('a slow endpoint: it gives up at --timeout, saying so', async () => {
    local.workMail.injectFault({ kind: 'slow', delayMs: 120_000 });
    try {
      const run = await exportCli('--organization', ORG, '--timeout', '2');
      expect(run.stderr.trim()).toMatch(/^cdk-workmail-lambda export: ListInboundMailFlowRules failed \(gave up after at most 2 s\): ListInboundMailFlowRules gave up: no answer within 2 s \(--timeout 2\)/);
      expect(run.status).toBe(1);
      expect(run.ms).toBeLessThan(2_000 + 10_000);
    } finally {
      local.workMail.clearFaults();
    }
  });
});
