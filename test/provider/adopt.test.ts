/**
 * The provider's `AdoptExisting`, its advice on a name clash and a missing permission, and its words for an answer in
 * another shape than the contract's, against the local WorkMail endpoint.
 */
import { OPERATIONS, type FlowRuleFields } from '../../lambda/rules/contract';
import { handler } from '../../lambda/flow-rule-provider/index';
import { FlowRuleClient, createWorkMailClient } from '../../lambda/flow-rule-provider/client';
import { useEmulatorEnv } from '../local/aws-env';
import { ORG, inboundSyncRule, outboundAsyncRule } from '../local/sample-rules';
import { WorkMailEmulator } from '../../local/endpoints/workmail';
import { createEvent, deleteEvent, lambdaContext } from './events';

const INBOUND = { resourceType: 'Custom::WorkMailInboundFlowRule', logicalId: 'ScanInbound' };
const OUTBOUND = { resourceType: 'Custom::WorkMailOutboundFlowRule', logicalId: 'CountOutbound' };

let emulator: WorkMailEmulator;
let restoreEnv: () => void;
let client: FlowRuleClient;

beforeAll(async () => {
  emulator = await WorkMailEmulator.start({ organizations: [ORG] });
  restoreEnv = useEmulatorEnv(emulator.endpoint);
  client = new FlowRuleClient(createWorkMailClient({ maxAttempts: 1 }));
});

afterAll(async () => {
  client.workMail.destroy();
  await emulator.stop();
  restoreEnv();
});

beforeEach(() => emulator.reset());

/** A rule made outside CloudFormation (the console, say). */
async function consoleRule(fields: FlowRuleFields, direction: 'INBOUND' | 'OUTBOUND' = 'INBOUND'): Promise<string> {
  return (await client.create(direction, { ...fields, ClientToken: `console-${direction}-${fields.Name}` })).RuleId;
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (e) {
    expect((e as Error).stack).toBe((e as Error).message);
    return e as Error;
  }
  throw new Error('expected the handler to throw');
}

const adopting = (fields: FlowRuleFields) => ({ ...fields, AdoptExisting: true });

describe('AdoptExisting', () => {
  test('a rule of the same name is updated in place and becomes the resource\'s: same id, new fields, one rule', async () => {
    const ruleId = await consoleRule(inboundSyncRule({ Description: 'made in the console', SenderPatterns: ['a.example'] }));
    emulator.clearRequests();
    const result = await handler(createEvent(INBOUND, adopting(inboundSyncRule())), lambdaContext());
    expect(result).toEqual({ PhysicalResourceId: `${ORG}/inbound/${ruleId}`, Data: { RuleId: ruleId, RuleName: 'scan-inbound' } });
    const { OrganizationId: _org, ...fields } = inboundSyncRule();
    expect(emulator.rules(ORG, 'INBOUND')).toEqual([expect.objectContaining({ RuleId: ruleId, ...fields })]);
    // Found by listing, then updated: never created, never deleted.
    expect(emulator.requests.map((r) => r.operation)).toEqual([OPERATIONS.INBOUND.list, OPERATIONS.INBOUND.update]);
    // AdoptExisting is the provider's, never sent to WorkMail.
    expect(JSON.stringify(emulator.requests.map((r) => r.body))).not.toContain('AdoptExisting');
  });

  test('with no rule of that name, the rule is created', async () => {
    await consoleRule(inboundSyncRule({ Name: 'another' }));
    const result = await handler(createEvent(INBOUND, adopting(inboundSyncRule())), lambdaContext());
    const created = emulator.rules(ORG, 'INBOUND').find((r) => r.Name === 'scan-inbound')!;
    expect(result.PhysicalResourceId).toBe(`${ORG}/inbound/${created.RuleId}`);
    expect(emulator.rules(ORG, 'INBOUND')).toHaveLength(2);
  });

  test('only the same direction is adopted: an outbound rule of that name is left alone', async () => {
    const outboundId = await consoleRule(outboundAsyncRule({ Name: 'scan-inbound' }), 'OUTBOUND');
    await handler(createEvent(INBOUND, adopting(inboundSyncRule())), lambdaContext());
    expect(emulator.rules(ORG, 'INBOUND')).toHaveLength(1);
    expect(emulator.rules(ORG, 'OUTBOUND')).toEqual([expect.objectContaining({ RuleId: outboundId, Name: 'scan-inbound' })]);
  });

  test('a retried adopting Create (same request) answers the same rule; so does one that created it', async () => {
    const ruleId = await consoleRule(outboundAsyncRule(), 'OUTBOUND');
    const event = createEvent(OUTBOUND, adopting(outboundAsyncRule({ Description: 'now in CDK' })));
    const first = await handler(event, lambdaContext());
    expect(await handler(event, lambdaContext())).toEqual(first);
    expect(first.PhysicalResourceId).toBe(`${ORG}/outbound/${ruleId}`);
    expect(emulator.rules(ORG, 'OUTBOUND')).toEqual([expect.objectContaining({ RuleId: ruleId, Description: 'now in CDK' })]);

    emulator.reset();
    const creating = createEvent(INBOUND, adopting(inboundSyncRule()));
    const made = await handler(creating, lambdaContext());
    expect(await handler(creating, lambdaContext())).toEqual(made);
    expect(emulator.rules(ORG, 'INBOUND')).toHaveLength(1);
  });

  test('a rule made between the list and the create is adopted all the same', async () => {
    emulator.injectFault({ kind: 'slow', delayMs: 400 }, { operation: OPERATIONS.INBOUND.list });
    const pending = handler(createEvent(INBOUND, adopting(inboundSyncRule())), lambdaContext());
    while (emulator.requestsFor(OPERATIONS.INBOUND.list).length === 0) await new Promise((r) => setTimeout(r, 10));
    const ruleId = await client.create('INBOUND', { ...inboundSyncRule({ Description: 'raced' }), ClientToken: 'raced' }).then((r) => r.RuleId);
    const result = await pending;
    expect(result.PhysicalResourceId).toBe(`${ORG}/inbound/${ruleId}`);
    expect(emulator.requests.map((r) => r.errorType ?? r.operation)).toEqual([
      OPERATIONS.INBOUND.list, OPERATIONS.INBOUND.create, 'NameAvailabilityException', OPERATIONS.INBOUND.list, OPERATIONS.INBOUND.update,
    ]);
    expect(emulator.rules(ORG, 'INBOUND')).toEqual([expect.objectContaining({ RuleId: ruleId, Description: 'Scan inbound mail' })]);
  });

  test('Delete after adopting deletes the adopted rule', async () => {
    const ruleId = await consoleRule(inboundSyncRule());
    const adopted = await handler(createEvent(INBOUND, adopting(inboundSyncRule())), lambdaContext());
    await handler(deleteEvent(INBOUND, adopted.PhysicalResourceId, adopting(inboundSyncRule())), lambdaContext());
    expect(emulator.rules(ORG, 'INBOUND')).toEqual([]);
    expect(emulator.requestsFor(OPERATIONS.INBOUND.delete).map((r) => (r.body as { RuleId: string }).RuleId)).toEqual([ruleId]);
  });

  test('a value that is not a boolean is refused before any call', async () => {
    const e = await failure(handler(createEvent(INBOUND, { ...inboundSyncRule(), AdoptExisting: 'yes' }), lambdaContext()));
    expect(e.message).toBe(`Create inbound flow rule "scan-inbound" in ${ORG}: invalid properties: AdoptExisting must be true or false, got "yes"`);
    expect(emulator.requests).toEqual([]);
  });

  test('false (as CloudFormation passes it) does not adopt', async () => {
    await consoleRule(inboundSyncRule());
    const e = await failure(handler(createEvent(INBOUND, { ...inboundSyncRule(), AdoptExisting: false }), lambdaContext()));
    expect(e.message).toContain('NameAvailabilityException');
  });
});

test('without AdoptExisting, a name clash fails as before, suggesting adoptExisting', async () => {
  await consoleRule(inboundSyncRule());
  const e = await failure(handler(createEvent(INBOUND, inboundSyncRule()), lambdaContext()));
  expect(e.message).toBe(`Create inbound flow rule "scan-inbound" in ${ORG}: NameAvailabilityException: An inbound email flow rule named "scan-inbound" already exists in organization ${ORG}`
    + ' — a rule of that name already exists in the organization (made in the console or by another stack?): set adoptExisting: true on the rule '
    + 'to take it over in place, with no moment without it (docs/existing-organizations.md), or give the rule another ruleName');
  expect(emulator.rules(ORG, 'INBOUND')).toHaveLength(1);
});

test('access denied names the IAM action the role lacks', async () => {
  emulator.injectFault({ kind: 'access-denied' }, { operation: OPERATIONS.OUTBOUND.create });
  const e = await failure(handler(createEvent(OUTBOUND, outboundAsyncRule()), lambdaContext()));
  expect(e.message).toMatch(new RegExp(`^Create outbound flow rule "count-outbound" in ${ORG}: AccessDeniedException: User: .* is not authorized to perform: `
    + `workmail:CreateOutboundMailFlowRule on resource: .* — the provider's role may not call CreateOutboundMailFlowRule: allow the IAM action `
    + `workmail:CreateOutboundMailFlowRule on the organization ${ORG} \\(the library grants it to the role: a permissions boundary or an SCP may deny it\\)$`));
});

describe('an answer in another shape than the contract\'s', () => {
  test.each([
    [{ kind: 'unknown-operation' } as const, 'the service does not know the operation; the service answered UnknownOperationException;'],
    [{ kind: 'require-member', member: 'Priority' } as const, "the service answered ValidationException: 1 validation error detected: Value null at 'priority'"],
    [{ kind: 'rename-output' } as const, 'the answer has no RuleId; the service answered {"Id":"'],
  ])('%j fails the Create with the words of doctor, once', async (fault, expected) => {
    emulator.injectFault(fault, { operation: OPERATIONS.INBOUND.create, count: 5 });
    const e = await failure(handler(createEvent(INBOUND, inboundSyncRule()), lambdaContext()));
    expect(e.message).toContain(`Create inbound flow rule "scan-inbound" in ${ORG}: CreateInboundMailFlowRule does not answer in the shape this library assumes: `);
    expect(e.message).toContain(expected);
    expect(e.message).toMatch(new RegExp(`kept in cdk-workmail-lambda's wire contract \\(lambda/rules/contract.ts\\): please report this answer to cdk-workmail-lambda`
      + ` — run npx cdk-workmail-lambda doctor --organization ${ORG} --region us-east-1 to check every operation$`));
    expect(emulator.requestsFor(OPERATIONS.INBOUND.create)).toHaveLength(1);
  });

  test('a list in another shape fails an adopting Create before anything is created', async () => {
    emulator.injectFault({ kind: 'rename-output' }, { operation: OPERATIONS.INBOUND.list });
    const e = await failure(handler(createEvent(INBOUND, adopting(inboundSyncRule())), lambdaContext()));
    expect(e.message).toMatch(new RegExp(`^Create inbound flow rule "scan-inbound" in ${ORG}: find a rule of that name to adopt: ListInboundMailFlowRules does not answer `
      + 'in the shape this library assumes: the answer has no Rules; the service answered \\{"Items":\\[\\]\\}'));
    expect(emulator.rules(ORG, 'INBOUND')).toEqual([]);
  });
});
