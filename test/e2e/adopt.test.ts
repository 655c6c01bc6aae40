/**
 * End to end, adopting existing rules: the BUNDLED provider from the cdk.out of a stack with `adoptExisting`, run
 * through aws-cdk-lib's entry point against the local WorkMail endpoint (as test/e2e/provider-asset.test.ts does):
 * adopt an existing rule, adopt when none exists, the name clash without the flag, a retried adopting create, a delete
 * after adopting. And the provider's FAILED reason for an answer in another shape says what `doctor` says.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { InboundAction, InboundFlowRule, OutboundAction, OutboundFlowRule, WorkMailOrganization } from '../../lib';
import { OPERATIONS, type FlowDirection } from '../../lambda/rules/contract';
import { type Fault, type LocalWorkMail, startLocalWorkMail } from '../../local';
import { cli, isolatedEnv } from '../local/cli-run';
import { setEnv } from '../local/aws-env';
import { RESPONSE_URL, STACK_ID } from '../provider/events';
import { providerAssetDir, providerInvoker, resolveProperties, type CloudFormationResponse, type Template } from './cloudformation';

const ORG = 'm-0123456789abcdef0123456789abcdef';
const ENV = { account: '123456789012', region: 'us-east-1' };
const TYPES: Record<FlowDirection, string> = { INBOUND: 'Custom::WorkMailInboundFlowRule', OUTBOUND: 'Custom::WorkMailOutboundFlowRule' };

let outdir: string;
let local: LocalWorkMail;
let restore: () => void;
let invoke: ReturnType<typeof providerInvoker>;
const resources: Record<FlowDirection, { logicalId: string; properties: Record<string, any> }> = {} as any;

beforeAll(async () => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'workmail-adopt-'));
  const app = new App({ outdir });
  const stack = new Stack(app, 'Adopting', { env: ENV });
  const organization = WorkMailOrganization.fromOrganizationId(stack, 'Org', ORG);
  new InboundFlowRule(stack, 'Junk', { organization, action: InboundAction.MOVE_TO_JUNK, ruleName: 'junk-partners', senderPatterns: ['partner.example'], description: 'now in CDK', adoptExisting: true });
  new OutboundFlowRule(stack, 'Drop', { organization, action: OutboundAction.DROP, ruleName: 'drop-competitors', destinationPatterns: ['competitor.example'] });
  const assembly = app.synth();
  const template = assembly.getStackByName('Adopting').template as Template;
  for (const [logicalId, r] of Object.entries(template.Resources)) {
    const direction = (Object.keys(TYPES) as FlowDirection[]).find((d) => TYPES[d] === r.Type);
    if (direction) resources[direction] = { logicalId, properties: resolveProperties(r.Properties, ENV) };
  }
  invoke = providerInvoker(providerAssetDir(assembly, 'Adopting', template));
  local = await startLocalWorkMail({ organizations: [ORG] });
  restore = setEnv({ ...local.env, AWS_PROFILE: undefined, AWS_ENDPOINT_URL: undefined, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' });
});

afterAll(async () => {
  restore?.();
  await local?.close();
  if (outdir) fs.rmSync(outdir, { recursive: true, force: true });
});

beforeEach(() => local.workMail.reset());

function event(requestType: 'Create' | 'Delete', direction: FlowDirection, extra: { physicalId?: string; requestId?: string } = {}): CloudFormationCustomResourceEvent {
  const r = resources[direction];
  const base = {
    ServiceToken: r.properties.ServiceToken, ResponseURL: RESPONSE_URL, StackId: STACK_ID, RequestId: extra.requestId ?? randomUUID(),
    LogicalResourceId: r.logicalId, ResourceType: TYPES[direction], ResourceProperties: r.properties as any,
  };
  return requestType === 'Create' ? { ...base, RequestType: 'Create' } : { ...base, RequestType: 'Delete', PhysicalResourceId: extra.physicalId! };
}

const send = (e: CloudFormationCustomResourceEvent): Promise<CloudFormationResponse> =>
  invoke(e, { remainingMs: 300_000, invokedFunctionArn: `arn:aws:lambda:${ENV.region}:${ENV.account}:function:Adopting-Provider` });

/** A rule as made in the console. */
function consoleRule(direction: FlowDirection, name: string): string {
  return local.workMail.addRuleOutOfBand(ORG, direction, { Name: name, Description: 'made in the console', SenderPatterns: ['*'], DestinationPatterns: ['*'], Action: { Type: 'DEFAULT' } });
}

test('the synthesized resource carries AdoptExisting only where it was set', () => {
  expect(resources.INBOUND.properties.AdoptExisting).toBe('true');
  expect(resources.OUTBOUND.properties).not.toHaveProperty('AdoptExisting');
});

test('adopt an existing rule: the same id, the fields of the stack, one rule', async () => {
  const ruleId = consoleRule('INBOUND', 'junk-partners');
  const response = await send(event('Create', 'INBOUND'));
  expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: `${ORG}/inbound/${ruleId}`, Data: { RuleId: ruleId, RuleName: 'junk-partners' } });
  expect(local.workMail.rules(ORG, 'INBOUND')).toEqual([{
    RuleId: ruleId, Name: 'junk-partners', Description: 'now in CDK', SenderPatterns: ['partner.example'], DestinationPatterns: ['*'],
    Action: { Type: 'MOVE_TO_JUNK' },
  }]);
  expect(local.workMail.requestsFor(OPERATIONS.INBOUND.create)).toEqual([]);
});

test('adopt when none exists: the rule is created', async () => {
  consoleRule('INBOUND', 'something else');
  const response = await send(event('Create', 'INBOUND'));
  const created = local.workMail.rules(ORG, 'INBOUND').find((r) => r.Name === 'junk-partners')!;
  expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: `${ORG}/inbound/${created.RuleId}` });
  expect(local.workMail.rules(ORG, 'INBOUND')).toHaveLength(2);
});

test('the name clash without adoptExisting: FAILED, suggesting it', async () => {
  consoleRule('OUTBOUND', 'drop-competitors');
  const response = await send(event('Create', 'OUTBOUND'));
  expect(response.Status).toBe('FAILED');
  expect(response.Reason).toBe(`Create outbound flow rule "drop-competitors" in ${ORG}: NameAvailabilityException: An outbound email flow rule named "drop-competitors" already exists in organization ${ORG}`
    + ' — a rule of that name already exists in the organization (made in the console or by another stack?): set adoptExisting: true on the rule '
    + 'to take it over in place, with no moment without it (docs/existing-organizations.md), or give the rule another ruleName');
  expect(local.workMail.rules(ORG, 'OUTBOUND')).toEqual([expect.objectContaining({ Name: 'drop-competitors', Description: 'made in the console' })]);
});

test('a retried adopting create (the same request again) answers the same rule and makes no second one', async () => {
  const ruleId = consoleRule('INBOUND', 'junk-partners');
  const requestId = randomUUID();
  const first = await send(event('Create', 'INBOUND', { requestId }));
  const again = await send(event('Create', 'INBOUND', { requestId }));
  expect(again.PhysicalResourceId).toBe(first.PhysicalResourceId);
  expect(first.PhysicalResourceId).toBe(`${ORG}/inbound/${ruleId}`);
  expect(local.workMail.rules(ORG, 'INBOUND')).toHaveLength(1);
});

test('delete after adopting deletes the adopted rule', async () => {
  const ruleId = consoleRule('INBOUND', 'junk-partners');
  const adopted = await send(event('Create', 'INBOUND'));
  const deleted = await send(event('Delete', 'INBOUND', { physicalId: adopted.PhysicalResourceId }));
  expect(deleted).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: `${ORG}/inbound/${ruleId}` });
  expect(local.workMail.rules(ORG, 'INBOUND')).toEqual([]);
});

describe('an answer in another shape: the provider\'s FAILED reason says what doctor says', () => {
  /** The shared sentence of a line or reason (`contractMismatchText`), the random parts of an answer made neutral. */
  const END = 'please report this answer to cdk-workmail-lambda';
  const sentence = (text: string, operation: string) => text.slice(text.indexOf(`${operation} does not answer`), text.indexOf(END) + END.length)
    .replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, '<id>');

  test.each([
    [{ kind: 'unknown-operation' } as Fault],
    [{ kind: 'require-member', member: 'Priority' } as Fault],
    [{ kind: 'rename-output' } as Fault],
  ])('%j on CreateOutboundMailFlowRule', async (fault) => {
    const operation = OPERATIONS.OUTBOUND.create;
    local.workMail.injectFault(fault, { operation, count: 10 });
    const response = await send(event('Create', 'OUTBOUND'));
    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain(` — run npx cdk-workmail-lambda doctor --organization ${ORG} --region us-east-1 to check every operation`);

    local.workMail.reset();
    local.workMail.injectFault(fault, { operation, count: 10 });
    const doctor = await cli(['doctor', '--organization', ORG, '--region', 'us-east-1', '--probe'], isolatedEnv(local.env));
    const line = doctor.stdout.split('\n').find((l) => l.startsWith('FAIL  outbound probe: '))!;
    expect(doctor.status).toBe(1);
    const said = sentence(line, operation);
    expect(said).toMatch(/^CreateOutboundMailFlowRule does not answer in the shape this library assumes: .* please report this answer to cdk-workmail-lambda$/);
    expect(sentence(response.Reason, operation)).toBe(said);
  });
});
