/**
 * End to end: the BUNDLED provider asset from the cdk.out of the example app, run through aws-cdk-lib's
 * own entry point (`__entrypoint__.js`) in a plain Node process (as Lambda runs it: the bundle's lazy
 * `import()`s of Node built-ins do not load inside jest's VM), with CloudFormation events built from the
 * synthesized template, against the local WorkMail endpoint. Only the response PUT is captured instead of sent.
 *
 * Needs the bundles of `npm run build` (`npm test` builds first).
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { ExampleStack } from '../../bin/example-stack';
import { OPERATIONS } from '../../lambda/rules/contract';
import { useEmulatorEnv } from '../local/aws-env';
import { FlowRuleClient, createWorkMailClient } from '../../lambda/flow-rule-provider/client';
import { ORG, OTHER_ORG, outboundAsyncRule, senderPatterns } from '../local/sample-rules';
import { WorkMailEmulator } from '../../local/endpoints/workmail';
import { RESPONSE_URL, STACK_ID } from '../provider/events';
import { providerInvoker, providerAssetDir, resolveProperties, type CloudFormationResponse, type Template } from './cloudformation';

const ROOT = path.join(__dirname, '..', '..');
const ENV = { account: '123456789012', region: 'us-east-1' };
const INBOUND_TYPE = 'Custom::WorkMailInboundFlowRule';
const OUTBOUND_TYPE = 'Custom::WorkMailOutboundFlowRule';
const CREATE_FAILED = 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED';
const PROVIDER_ARN = `arn:aws:lambda:${ENV.region}:${ENV.account}:function:WorkMailLambdaExample-Provider`;

let outdir: string;
let emulator: WorkMailEmulator;
let restoreEnv: () => void;
let invoke: ReturnType<typeof providerInvoker>;
/** The custom resources of the example stack per organization, as CloudFormation would pass them. */
const synthesized: Record<string, { logicalId: string; type: string; properties: Record<string, any> }[]> = {};

function synthesize(organizationId: string, name: string): { template: Template; assetDir: string } {
  const app = new App({ outdir: path.join(outdir, name), context: { 'aws:cdk:enable-asset-metadata': true } });
  new ExampleStack(app, name, { organizationId, env: ENV });
  const assembly = app.synth();
  const template = assembly.getStackByName(name).template as Template;
  synthesized[organizationId] = Object.entries(template.Resources)
    .filter(([, r]) => r.Type === INBOUND_TYPE || r.Type === OUTBOUND_TYPE)
    .map(([logicalId, r]) => ({ logicalId, type: r.Type, properties: resolveProperties(r.Properties, ENV) }));
  return { template, assetDir: providerAssetDir(assembly, name, template) };
}

function checkBundlesAreFresh(): void {
  const bundle = path.join(ROOT, 'assets', 'flow-rule-provider', 'index.js');
  if (!fs.existsSync(bundle)) throw new Error(`${bundle} is missing: run \`npm run build\` before the e2e tests`);
  const built = fs.statSync(bundle).mtimeMs;
  const sources = ['lambda/flow-rule-provider', 'lambda/rules'].flatMap((dir) =>
    fs.readdirSync(path.join(ROOT, dir)).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).map((f) => path.join(ROOT, dir, f)));
  const newer = sources.filter((f) => fs.statSync(f).mtimeMs > built);
  if (newer.length) throw new Error(`the provider bundle is older than ${newer.map((f) => path.relative(ROOT, f)).join(', ')}: run \`npm run build\``);
}

beforeAll(async () => {
  checkBundlesAreFresh();
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'workmail-e2e-'));
  const { assetDir } = synthesize(ORG, 'WorkMailLambdaExample');
  synthesize(OTHER_ORG, 'WorkMailLambdaExampleMoved');
  invoke = providerInvoker(assetDir);
  emulator = await WorkMailEmulator.start({ organizations: [ORG, OTHER_ORG] });
  restoreEnv = useEmulatorEnv(emulator.endpoint);
});

afterAll(async () => {
  await emulator?.stop();
  restoreEnv?.();
  if (outdir) fs.rmSync(outdir, { recursive: true, force: true });
});

beforeEach(() => emulator.reset());

function resource(type: string, organizationId = ORG) {
  const found = synthesized[organizationId].find((r) => r.type === type);
  if (!found) throw new Error(`no ${type} in the example stack`);
  return found;
}

function event(requestType: 'Create' | 'Update' | 'Delete', type: string, extra: { physicalId?: string; properties?: object; oldProperties?: object; organizationId?: string } = {}): CloudFormationCustomResourceEvent {
  const r = resource(type, extra.organizationId);
  const base = {
    ServiceToken: r.properties.ServiceToken,
    ResponseURL: RESPONSE_URL,
    StackId: STACK_ID,
    RequestId: randomUUID(),
    LogicalResourceId: r.logicalId,
    ResourceType: type,
    ResourceProperties: (extra.properties ?? r.properties) as any,
  };
  if (requestType === 'Create') return { ...base, RequestType: 'Create' };
  if (requestType === 'Delete') return { ...base, RequestType: 'Delete', PhysicalResourceId: extra.physicalId! };
  return { ...base, RequestType: 'Update', PhysicalResourceId: extra.physicalId!, OldResourceProperties: (extra.oldProperties ?? r.properties) as any };
}

async function send(e: CloudFormationCustomResourceEvent, remainingMs = 300_000): Promise<CloudFormationResponse> {
  return invoke(e, { remainingMs, invokedFunctionArn: PROVIDER_ARN });
}

async function createBoth(): Promise<{ inbound: CloudFormationResponse; outbound: CloudFormationResponse }> {
  const inbound = await send(event('Create', INBOUND_TYPE));
  const outbound = await send(event('Create', OUTBOUND_TYPE));
  expect([inbound.Status, outbound.Status]).toEqual(['SUCCESS', 'SUCCESS']);
  return { inbound, outbound };
}

test('the template passes numbers as CloudFormation does, as strings', () => {
  expect(resource(INBOUND_TYPE).properties.Action.Lambda.RuleTimeoutInMinutes).toBe('30');
});

test('Create: both rules of the example stack, as synthesized', async () => {
  const e = event('Create', INBOUND_TYPE);
  const inbound = await send(e);
  const outbound = await send(event('Create', OUTBOUND_TYPE));

  const [inRule] = emulator.rules(ORG, 'INBOUND');
  const [outRule] = emulator.rules(ORG, 'OUTBOUND');
  expect(inbound).toEqual({
    Status: 'SUCCESS', Reason: 'SUCCESS', StackId: STACK_ID, RequestId: e.RequestId, LogicalResourceId: e.LogicalResourceId,
    PhysicalResourceId: `${ORG}/inbound/${inRule.RuleId}`, Data: { RuleId: inRule.RuleId, RuleName: 'subject-guard-inbound' },
    request: { hostname: 'cloudformation-custom-resource-response-useast1.s3.amazonaws.com', path: expect.stringMatching(/^\/arn%3Aaws%3Acloudformation\/response\?/), method: 'PUT' },
  });
  expect(outbound.PhysicalResourceId).toBe(`${ORG}/outbound/${outRule.RuleId}`);

  const functionArn = `arn:aws:lambda:us-east-1:123456789012:function:${resource(INBOUND_TYPE).properties.Action.Lambda.FunctionArn.split(':').pop()}`;
  expect(inRule).toEqual(expect.objectContaining({
    Name: 'subject-guard-inbound', SenderPatterns: ['*'], DestinationPatterns: ['*'],
    Action: { Type: 'RUN_LAMBDA', Lambda: { FunctionArn: functionArn, InvocationType: 'SYNC', FallbackAction: { Type: 'DEFAULT' }, RuleTimeoutInMinutes: 30 } },
  }));
  expect(outRule).toEqual(expect.objectContaining({
    Name: 'subject-guard-outbound', Action: { Type: 'RUN_LAMBDA', Lambda: { FunctionArn: functionArn, InvocationType: 'ASYNC' } },
  }));
});

test('Update in place: same physical id, new fields', async () => {
  const { inbound } = await createBoth();
  const old = resource(INBOUND_TYPE).properties;
  const properties = { ...old, Description: 'Changed', Action: { ...old.Action, Lambda: { ...old.Action.Lambda, RuleTimeoutInMinutes: '90', FallbackAction: { Type: 'MOVE_TO_JUNK' } } } };
  const updated = await send(event('Update', INBOUND_TYPE, { physicalId: inbound.PhysicalResourceId, properties }));
  expect(updated).toEqual(expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: inbound.PhysicalResourceId }));
  const [rule] = emulator.rules(ORG, 'INBOUND');
  expect(rule.Description).toBe('Changed');
  expect(rule.Action.Lambda).toEqual(expect.objectContaining({ RuleTimeoutInMinutes: 90, FallbackAction: { Type: 'MOVE_TO_JUNK' } }));
});

test('Rename: same physical id, the new name in Data', async () => {
  const { outbound } = await createBoth();
  const properties = { ...resource(OUTBOUND_TYPE).properties, Name: 'subject-guard-outbound-v2' };
  const renamed = await send(event('Update', OUTBOUND_TYPE, { physicalId: outbound.PhysicalResourceId, properties }));
  expect(renamed).toEqual(expect.objectContaining({
    Status: 'SUCCESS', PhysicalResourceId: outbound.PhysicalResourceId, Data: { RuleId: outbound.Data!.RuleId, RuleName: 'subject-guard-outbound-v2' },
  }));
  expect(emulator.rules(ORG, 'OUTBOUND').map((r) => r.Name)).toEqual(['subject-guard-outbound-v2']);
});

test('A new organization replaces the rule; the old one goes only with the later Delete', async () => {
  const { inbound } = await createBoth();
  const moved = await send(event('Update', INBOUND_TYPE, {
    physicalId: inbound.PhysicalResourceId, properties: resource(INBOUND_TYPE, OTHER_ORG).properties, oldProperties: resource(INBOUND_TYPE).properties,
  }));
  const [newRule] = emulator.rules(OTHER_ORG, 'INBOUND');
  expect(moved).toEqual(expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: `${OTHER_ORG}/inbound/${newRule.RuleId}` }));
  expect(emulator.rules(ORG, 'INBOUND')).toHaveLength(1);

  const deleted = await send(event('Delete', INBOUND_TYPE, { physicalId: inbound.PhysicalResourceId }));
  expect(deleted).toEqual(expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: inbound.PhysicalResourceId }));
  expect(emulator.rules(ORG, 'INBOUND')).toEqual([]);
  expect(emulator.rules(OTHER_ORG, 'INBOUND')).toHaveLength(1);
});

test('Delete: the rule goes; a rule already gone is a success too', async () => {
  const { inbound, outbound } = await createBoth();
  expect((await send(event('Delete', INBOUND_TYPE, { physicalId: inbound.PhysicalResourceId }))).Status).toBe('SUCCESS');
  expect(emulator.rules(ORG, 'INBOUND')).toEqual([]);
  emulator.deleteRuleOutOfBand(ORG, 'OUTBOUND', outbound.Data!.RuleId);
  const again = await send(event('Delete', OUTBOUND_TYPE, { physicalId: outbound.PhysicalResourceId }));
  expect(again).toEqual(expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: outbound.PhysicalResourceId }));
  expect(emulator.requestsFor(OPERATIONS.OUTBOUND.delete).map((r) => r.errorType)).toEqual(['ResourceNotFoundException']);
});

test('Throttling is retried to a SUCCESS', async () => {
  emulator.injectFault({ kind: 'throttle' }, { count: 2, operation: OPERATIONS.INBOUND.create });
  const response = await send(event('Create', INBOUND_TYPE));
  expect(response.Status).toBe('SUCCESS');
  expect(emulator.requestsFor(OPERATIONS.INBOUND.create).map((r) => r.errorType ?? r.status)).toEqual(['ThrottlingException', 'ThrottlingException', 200]);
  expect(emulator.rules(ORG, 'INBOUND')).toHaveLength(1);
});

test('An invalid property is FAILED with the problem in Reason; the Delete that follows is ignored', async () => {
  const old = resource(INBOUND_TYPE).properties;
  const properties = { ...old, Action: { ...old.Action, Lambda: { ...old.Action.Lambda, RuleTimeoutInMinutes: '241' } } };
  const failed = await send(event('Create', INBOUND_TYPE, { properties }));
  expect(failed).toEqual(expect.objectContaining({
    Status: 'FAILED',
    PhysicalResourceId: CREATE_FAILED,
    Reason: `Create inbound flow rule "subject-guard-inbound" in ${ORG}: invalid properties: Action.Lambda.RuleTimeoutInMinutes must be a whole number of minutes from 0 to 240, got 241`,
  }));
  expect((await send(event('Delete', INBOUND_TYPE, { physicalId: CREATE_FAILED }))).Status).toBe('SUCCESS');
  expect(emulator.requests).toEqual([]);
});

test('A service error is FAILED with the service message in Reason', async () => {
  await createBoth();
  const failed = await send(event('Create', OUTBOUND_TYPE));
  expect(failed.Status).toBe('FAILED');
  expect(failed.Reason).toBe(`Create outbound flow rule "subject-guard-outbound" in ${ORG}: NameAvailabilityException: An outbound email flow rule named "subject-guard-outbound" already exists in organization ${ORG}`
    + ' — a rule of that name already exists in the organization (made in the console or by another stack?): set adoptExisting: true on the rule '
    + 'to take it over in place, with no moment without it (docs/existing-organizations.md), or give the rule another ruleName');
});

test('A quota refusal is FAILED with the quota reached and what to do in Reason, after one attempt', async () => {
  const workMail = createWorkMailClient();
  try {
    const client = new FlowRuleClient(workMail);
    for (const name of ['a', 'b', 'c', 'd']) {
      await client.create('OUTBOUND', { ...outboundAsyncRule({ Name: name, SenderPatterns: senderPatterns(250, `${name}.example`) }), ClientToken: name });
    }
  } finally {
    workMail.destroy();
  }
  const failed = await send(event('Create', INBOUND_TYPE));
  expect(failed.Status).toBe('FAILED');
  expect(failed.Reason).toMatch(new RegExp(`^Create inbound flow rule "subject-guard-inbound" in ${ORG}: LimitExceededException: [^—]+ — `
    + `with this rule, the email flow rules hold 1,001 sender patterns for organization ${ORG} \\(inbound and outbound rules together\\), `
    + 'but WorkMail allows at most 1,000 sender patterns per organization \\(a hard quota\\); sender patterns by rule: .*this inbound flow rule "subject-guard-inbound" \\(1\\): '
    + 'remove sender patterns from this or other rules of the organization'));
  expect(emulator.requestsFor(OPERATIONS.INBOUND.create)).toHaveLength(1);
});

test('An organization that is not Active is FAILED with what to do in Reason', async () => {
  emulator.setOrganizationState(ORG, 'Impaired');
  try {
    const failed = await send(event('Create', OUTBOUND_TYPE));
    expect(failed.Status).toBe('FAILED');
    expect(failed.Reason).toBe(`Create outbound flow rule "subject-guard-outbound" in ${ORG}: OrganizationStateException: Organization ${ORG} is not Active (state Impaired)`
      + ` — the organization is not active: wait until the organization is Active (aws workmail describe-organization --organization-id ${ORG}) and deploy again; `
      + 'if it is being deleted, its rules go with it: remove the rule from the stack, or give it RemovalPolicy.RETAIN to delete the stack');
  } finally {
    emulator.setOrganizationState(ORG, 'Active');
  }
});

test('A failed update keeps the physical id in the FAILED response', async () => {
  const { inbound } = await createBoth();
  const failed = await send(event('Update', INBOUND_TYPE, { physicalId: inbound.PhysicalResourceId, properties: { ...resource(INBOUND_TYPE).properties, SenderPatterns: [] } }));
  expect(failed).toEqual(expect.objectContaining({ Status: 'FAILED', PhysicalResourceId: inbound.PhysicalResourceId }));
  expect(failed.Reason).toContain('SenderPatterns must hold at least one pattern');
});

test('A stopped endpoint is FAILED, not a hang', async () => {
  const down = await WorkMailEmulator.start({ organizations: [ORG] });
  const endpoint = down.endpoint;
  await down.stop();
  const restore = useEmulatorEnv(endpoint);
  try {
    const failed = await send(event('Create', INBOUND_TYPE), 60_000);
    expect(failed.Status).toBe('FAILED');
    expect(failed.Reason).toBe(`Create inbound flow rule "subject-guard-inbound" in ${ORG}: connect ECONNREFUSED 127.0.0.1:${new URL(endpoint).port} (after 5 attempts)`);
  } finally {
    restore();
  }
});

test('An endpoint that never answers is FAILED at the deadline from the remaining time', async () => {
  emulator.injectFault({ kind: 'slow', delayMs: 600_000 });
  const failed = await send(event('Create', OUTBOUND_TYPE), 10_000 + 3_000);
  expect(failed.Status).toBe('FAILED');
  expect(failed.Reason).toMatch(new RegExp(`^Create outbound flow rule "subject-guard-outbound" in ${ORG}: CreateOutboundMailFlowRule gave up: no answer from Amazon WorkMail within \\d+\\.\\d s .*attempt 1 had no answer yet$`));
});
