/** The custom resource handler (`lambda/flow-rule-provider/index.ts`) against the local WorkMail endpoint. */
import { createHash } from 'node:crypto';
import { OPERATIONS, type FlowRuleFields } from '../../lambda/rules/contract';
import { RESPONSE_MARGIN_MS, handler } from '../../lambda/flow-rule-provider/index';
import { setEnv, useEmulatorEnv } from '../local/aws-env';
import { FlowRuleClient, createWorkMailClient } from '../../lambda/flow-rule-provider/client';
import { ACCOUNT, FUNCTION_ARN, ORG, OTHER_ORG, inboundSyncRule, outboundAsyncRule, senderPatterns } from '../local/sample-rules';
import { WorkMailEmulator } from '../../local/endpoints/workmail';
import { STACK_ID, createEvent, deleteEvent, lambdaContext, updateEvent } from './events';

const INBOUND = { resourceType: 'Custom::WorkMailInboundFlowRule', logicalId: 'ScanInbound' };
const OUTBOUND = { resourceType: 'Custom::WorkMailOutboundFlowRule', logicalId: 'CountOutbound' };

let emulator: WorkMailEmulator;
let restoreEnv: () => void;

beforeAll(async () => {
  emulator = await WorkMailEmulator.start({ organizations: [ORG, OTHER_ORG] });
  restoreEnv = useEmulatorEnv(emulator.endpoint);
});

afterAll(async () => {
  await emulator.stop();
  restoreEnv();
});

beforeEach(() => emulator.reset());

/** The error the handler throws, checked to be what the entry point needs (a one-line `stack`). */
async function failure(promise: Promise<unknown>): Promise<Error> {
  let error: Error | undefined;
  try {
    await promise;
  } catch (e) {
    error = e as Error;
  }
  if (!error) throw new Error('expected the handler to throw');
  expect(error.stack).toBe(error.message);
  expect(error.message).not.toContain('\n');
  return error;
}

async function create(resource = INBOUND, rule: FlowRuleFields = inboundSyncRule()) {
  return handler(createEvent(resource, rule), lambdaContext());
}

describe('Create', () => {
  test('creates an inbound rule from string-typed properties and answers its physical id and data', async () => {
    const event = createEvent(INBOUND, inboundSyncRule());
    expect(event.ResourceProperties.Action.Lambda.RuleTimeoutInMinutes).toBe('45'); // as CloudFormation passes it

    const result = await handler(event, lambdaContext());

    const [rule] = emulator.rules(ORG, 'INBOUND');
    expect(result).toEqual({ PhysicalResourceId: `${ORG}/inbound/${rule.RuleId}`, Data: { RuleId: rule.RuleId, RuleName: 'scan-inbound' } });
    const { OrganizationId: _org, ...fields } = inboundSyncRule();
    expect(rule).toEqual({ RuleId: rule.RuleId, ClientToken: expect.any(String), ...fields });
    expect(rule.Action.Lambda?.RuleTimeoutInMinutes).toBe(45);
  });

  test('creates an outbound rule', async () => {
    const result = await create(OUTBOUND, outboundAsyncRule());
    const [rule] = emulator.rules(ORG, 'OUTBOUND');
    expect(result.PhysicalResourceId).toBe(`${ORG}/outbound/${rule.RuleId}`);
    expect(rule.Name).toBe('count-outbound');
    expect(emulator.rules(ORG, 'INBOUND')).toEqual([]);
  });

  test('the ClientToken comes from the request, so a repeated request makes no second rule', async () => {
    const event = createEvent(INBOUND, inboundSyncRule());
    const first = await handler(event, lambdaContext());
    const again = await handler(event, lambdaContext());
    expect(again).toEqual(first);
    expect(emulator.rules(ORG, 'INBOUND')).toHaveLength(1);
    const expected = createHash('sha256').update(`${STACK_ID}\nScanInbound\n${event.RequestId}`).digest('hex');
    expect(emulator.rules(ORG, 'INBOUND')[0].ClientToken).toBe(expected);
    // Another request (another RequestId) is another create, refused for the name.
    const e = await failure(create());
    expect(e.message).toMatch(new RegExp(`^Create inbound flow rule "scan-inbound" in ${ORG}: NameAvailabilityException: .*"scan-inbound" already exists`));
  });

  test('an unknown resource type is refused', async () => {
    const e = await failure(create({ resourceType: 'Custom::WorkMailSidewaysFlowRule', logicalId: 'X' }));
    expect(e.message).toBe('Custom::WorkMailSidewaysFlowRule is not a resource type of this provider; use Custom::WorkMailInboundFlowRule or Custom::WorkMailOutboundFlowRule');
    expect(emulator.requests).toEqual([]);
  });

  test('an unexpected error is one line that names the resource; its stack goes to the log', async () => {
    const event = createEvent(INBOUND, inboundSyncRule());
    (event as { ResourceProperties?: unknown }).ResourceProperties = undefined;
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const e = await failure(handler(event, lambdaContext()));
      expect(e.message).toMatch(/^Create Custom::WorkMailInboundFlowRule ScanInbound: TypeError: \S/);
      expect(error).toHaveBeenCalledWith(expect.objectContaining({ name: 'TypeError', stack: expect.stringContaining('\n') }));
    } finally {
      error.mockRestore();
    }
  });

  test('an organization that does not exist fails with the service message', async () => {
    const missing = 'm-00000000000000000000000000000000';
    const e = await failure(create(INBOUND, inboundSyncRule({ OrganizationId: missing })));
    expect(e.message).toBe(`Create inbound flow rule "scan-inbound" in ${missing}: OrganizationNotFoundException: Organization ${missing} does not exist`);
  });
});

describe('validation of the properties (same rules as synth)', () => {
  test('every problem is in the message, and nothing is sent', async () => {
    const rule = inboundSyncRule({ SenderPatterns: ['a+b@example.com'], DestinationPatterns: ['staff@example.com'] });
    const e = await failure(create(INBOUND, { ...rule, Action: { ...rule.Action, Lambda: { ...rule.Action.Lambda!, RuleTimeoutInMinutes: 500 } } }));
    expect(e.message).toBe(`Create inbound flow rule "scan-inbound" in ${ORG}: invalid properties: `
      + `SenderPatterns has an invalid pattern "a+b@example.com": a pattern cannot contain '+'; each must be '*', an address (user@example.com), a domain (example.com) or a subdomain wildcard (*.example.com); `
      + 'Action.Lambda.RuleTimeoutInMinutes must be a whole number of minutes from 0 to 240, got 500; '
      + `DestinationPatterns must be exactly ['*'] for a synchronous Run Lambda rule (WorkMail supports only the '*' destination condition there), got ["staff@example.com"]`);
    expect(emulator.requests).toEqual([]);
  });

  test('a timeout that is not a number is an error, not NaN', async () => {
    const event = createEvent(INBOUND, inboundSyncRule());
    event.ResourceProperties.Action.Lambda.RuleTimeoutInMinutes = 'thirty';
    const e = await failure(handler(event, lambdaContext()));
    expect(e.message).toContain('Action.Lambda.RuleTimeoutInMinutes must be a whole number of minutes from 0 to 240, got "thirty"');
    expect(emulator.requests).toEqual([]);
  });

  test('a property the contract does not have is refused', async () => {
    const event = createEvent(OUTBOUND, outboundAsyncRule());
    event.ResourceProperties.Priority = '1';
    event.ResourceProperties.Action.Lambda.Qualifier = 'live';
    const e = await failure(handler(event, lambdaContext()));
    expect(e.message).toContain('Priority is not a property of a flow rule; allowed: OrganizationId, Name, Description, SenderPatterns, DestinationPatterns, Action');
    expect(e.message).toContain('Action.Lambda.Qualifier is not a property of Action.Lambda; allowed: FunctionArn, InvocationType, FallbackAction, RuleTimeoutInMinutes');
  });

  test('the function must be in the account of the provider', async () => {
    const e = await failure(handler(createEvent(INBOUND, inboundSyncRule()), lambdaContext(300_000, 'arn:aws:lambda:us-east-1:210987654321:function:provider')));
    expect(e.message).toContain(`names a function in account ${ACCOUNT}, but the organization is in account 210987654321`);
  });

  test('the provider must run in a Region where WorkMail runs', async () => {
    const restore = setEnv({ AWS_REGION: 'eu-central-1' });
    try {
      const e = await failure(create(OUTBOUND, outboundAsyncRule({ SenderPatterns: ['*'] })));
      expect(e.message).toContain(`The provider function's Region "eu-central-1" is not a Region where Amazon WorkMail runs; use one of us-east-1, us-west-2, eu-west-1`);
      expect(e.message).toContain('names a function in Region us-east-1, but the organization is in eu-central-1');
    } finally {
      restore();
    }
  });

  test('an update is validated too, and the rule stays as it was', async () => {
    const { PhysicalResourceId } = await create();
    const e = await failure(handler(updateEvent(INBOUND, PhysicalResourceId, inboundSyncRule({ Name: '' }), inboundSyncRule()), lambdaContext()));
    expect(e.message).toBe(`Update inbound flow rule "" in ${ORG}: invalid properties: Name must be 1 to 64 characters long, got "" (0 characters)`);
    expect(emulator.rules(ORG, 'INBOUND')[0].Name).toBe('scan-inbound');
  });

  test('a very long list of problems is cut to fit a CloudFormation response', async () => {
    const patterns = Array.from({ length: 300 }, (_, i) => `user+${i}@example.com`);
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const e = await failure(create(OUTBOUND, outboundAsyncRule({ SenderPatterns: patterns })));
      expect(JSON.stringify(e.message).length).toBeLessThanOrEqual(3_000);
      expect(e.message).toMatch(/^Create outbound flow rule "count-outbound" in m-[0-9a-f]{32}: invalid properties: SenderPatterns holds 300 patterns/);
      expect(e.message).toMatch(/… \(truncated; the full message is in the provider function's log\)$/);
      expect(error).toHaveBeenCalledWith(expect.stringContaining('"user+299@example.com"'));
    } finally {
      error.mockRestore();
    }
  });
});

describe('Update', () => {
  test('changes the rule in place and keeps the physical id', async () => {
    const created = await create();
    const changed = inboundSyncRule({
      Description: 'Scan inbound mail, faster',
      SenderPatterns: ['*.example.com', 'partner.example.org'],
      Action: { Type: 'RUN_LAMBDA', Lambda: { FunctionArn: `${FUNCTION_ARN}:live`, InvocationType: 'SYNC', FallbackAction: { Type: 'MOVE_TO_JUNK' }, RuleTimeoutInMinutes: 0 } },
    });
    const updated = await handler(updateEvent(INBOUND, created.PhysicalResourceId, changed, inboundSyncRule()), lambdaContext());
    expect(updated).toEqual(created);
    const { OrganizationId: _org, ...fields } = changed;
    expect(emulator.rules(ORG, 'INBOUND')).toEqual([expect.objectContaining({ RuleId: created.Data!.RuleId, ...fields })]);
    expect(emulator.requestsFor(OPERATIONS.INBOUND.update)).toHaveLength(1);
  });

  test('turns a synchronous rule into an asynchronous one (fallback and timeout dropped)', async () => {
    const created = await create(OUTBOUND, outboundAsyncRule({ DestinationPatterns: ['*'], Action: { Type: 'RUN_LAMBDA', Lambda: { FunctionArn: FUNCTION_ARN, InvocationType: 'SYNC', RuleTimeoutInMinutes: 10 } } }));
    await handler(updateEvent(OUTBOUND, created.PhysicalResourceId, outboundAsyncRule(), {}), lambdaContext());
    expect(emulator.rules(ORG, 'OUTBOUND')[0].Action).toEqual({ Type: 'RUN_LAMBDA', Lambda: { FunctionArn: FUNCTION_ARN, InvocationType: 'ASYNC' } });
  });

  test('a rename keeps the physical id and answers the new name', async () => {
    const created = await create();
    const renamed = await handler(updateEvent(INBOUND, created.PhysicalResourceId, inboundSyncRule({ Name: 'scan-inbound-v2' }), inboundSyncRule()), lambdaContext());
    expect(renamed).toEqual({ PhysicalResourceId: created.PhysicalResourceId, Data: { RuleId: created.Data!.RuleId, RuleName: 'scan-inbound-v2' } });
    expect(emulator.rules(ORG, 'INBOUND').map((r) => r.Name)).toEqual(['scan-inbound-v2']);
  });

  test('a rename onto a taken name fails with the service message', async () => {
    await create(INBOUND, inboundSyncRule({ Name: 'taken', Action: { Type: 'MOVE_TO_JUNK' } }));
    const created = await create();
    const e = await failure(handler(updateEvent(INBOUND, created.PhysicalResourceId, inboundSyncRule({ Name: 'taken' }), inboundSyncRule()), lambdaContext()));
    expect(e.message).toMatch(new RegExp(`^Update inbound flow rule "taken" \\(${created.Data!.RuleId}\\) in ${ORG}: NameAvailabilityException: An inbound email flow rule named "taken" already exists`));
  });

  test('a new organization is a replacement: a new rule and physical id; the old rule goes with the later Delete', async () => {
    const created = await create();
    const moved = await handler(updateEvent(INBOUND, created.PhysicalResourceId, inboundSyncRule({ OrganizationId: OTHER_ORG }), inboundSyncRule()), lambdaContext());
    const [newRule] = emulator.rules(OTHER_ORG, 'INBOUND');
    expect(moved).toEqual({ PhysicalResourceId: `${OTHER_ORG}/inbound/${newRule.RuleId}`, Data: { RuleId: newRule.RuleId, RuleName: 'scan-inbound' } });
    expect(emulator.rules(ORG, 'INBOUND')).toHaveLength(1); // not yet deleted

    const deleted = await handler(deleteEvent(INBOUND, created.PhysicalResourceId, inboundSyncRule()), lambdaContext());
    expect(deleted).toEqual({ PhysicalResourceId: created.PhysicalResourceId });
    expect(emulator.rules(ORG, 'INBOUND')).toEqual([]);
    expect(emulator.rules(OTHER_ORG, 'INBOUND')).toHaveLength(1);
  });

  test('a rule deleted outside CloudFormation is created again, with a new physical id', async () => {
    const created = await create();
    emulator.deleteRuleOutOfBand(ORG, 'INBOUND', created.Data!.RuleId);
    const updated = await handler(updateEvent(INBOUND, created.PhysicalResourceId, inboundSyncRule({ Description: 'back' }), inboundSyncRule()), lambdaContext());
    const [rule] = emulator.rules(ORG, 'INBOUND');
    expect(rule.Description).toBe('back');
    expect(updated.PhysicalResourceId).toBe(`${ORG}/inbound/${rule.RuleId}`);
    expect(updated.PhysicalResourceId).not.toBe(created.PhysicalResourceId);
  });

  test('a physical id that is not one of ours (a failed create) is answered with a create', async () => {
    const marker = 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED';
    const updated = await handler(updateEvent(OUTBOUND, marker, outboundAsyncRule(), {}), lambdaContext());
    const [rule] = emulator.rules(ORG, 'OUTBOUND');
    expect(updated.PhysicalResourceId).toBe(`${ORG}/outbound/${rule.RuleId}`);
  });
});

describe('Delete', () => {
  test('deletes the rule and keeps the physical id', async () => {
    const created = await create(OUTBOUND, outboundAsyncRule());
    expect(await handler(deleteEvent(OUTBOUND, created.PhysicalResourceId, outboundAsyncRule()), lambdaContext())).toEqual({ PhysicalResourceId: created.PhysicalResourceId });
    expect(emulator.rules(ORG, 'OUTBOUND')).toEqual([]);
  });

  test('a rule that is already gone is a success', async () => {
    const id = `${ORG}/inbound/no-such-rule`;
    expect(await handler(deleteEvent(INBOUND, id, inboundSyncRule()), lambdaContext())).toEqual({ PhysicalResourceId: id });
    expect(emulator.requests.map((r) => r.errorType)).toEqual(['ResourceNotFoundException']);
  });

  test('an organization that is gone is a success', async () => {
    const id = 'm-00000000000000000000000000000000/outbound/r-1';
    expect(await handler(deleteEvent(OUTBOUND, id, outboundAsyncRule()), lambdaContext())).toEqual({ PhysicalResourceId: id });
    expect(emulator.requests.map((r) => r.errorType)).toEqual(['OrganizationNotFoundException']);
  });

  test('an organization that is gone is a success when the service names it EntityNotFoundException too', async () => {
    // The flow-rule operations are not in the published model: both names are read as "no such organization".
    emulator.injectFault({ kind: 'service-error', errorType: 'EntityNotFoundException', message: 'Organization not found' });
    const id = `${ORG}/outbound/r-1`;
    expect(await handler(deleteEvent(OUTBOUND, id, outboundAsyncRule()), lambdaContext())).toEqual({ PhysicalResourceId: id });
    expect(emulator.requests.map((r) => r.errorType)).toEqual(['EntityNotFoundException']);
  });

  test('another service error on delete fails the resource', async () => {
    emulator.injectFault({ kind: 'service-error', errorType: 'InvalidParameterException', message: 'bad RuleId' });
    await expect(handler(deleteEvent(OUTBOUND, `${ORG}/outbound/r-1`, outboundAsyncRule()), lambdaContext()))
      .rejects.toThrow(/InvalidParameterException: bad RuleId/);
  });

  test('a physical id that is not ours is a success without a call', async () => {
    const id = 'something-else';
    expect(await handler(deleteEvent(INBOUND, id, {}), lambdaContext())).toEqual({ PhysicalResourceId: id });
    expect(emulator.requests).toEqual([]);
  });

  test('other errors fail the delete with the service message', async () => {
    const created = await create();
    emulator.injectFault({ kind: 'server-error', status: 503 }, { count: 5 });
    const e = await failure(handler(deleteEvent(INBOUND, created.PhysicalResourceId, inboundSyncRule()), lambdaContext()));
    expect(e.message).toBe(`Delete inbound flow rule ${created.Data!.RuleId} in ${ORG}: ServiceUnavailableException: Injected server error (after 5 attempts)`);
    expect(emulator.rules(ORG, 'INBOUND')).toHaveLength(1);
  });
});

describe('service limits and organization state: the Reason says what happened and what to do', () => {
  const PATTERN_QUOTA = 'but WorkMail allows at most 1,000 sender patterns per organization (a hard quota)';
  const PATTERN_REMEDY = 'remove sender patterns from this or other rules of the organization, or merge rules that take the same action '
    + '(a domain or a *.domain pattern covers many addresses); rules made outside this app (console, CLI, other apps) count too';
  const RULE_COUNT_REMEDY = 'delete email flow rules the organization no longer needs (in this or other stacks, or in the WorkMail console), '
    + 'or merge rules that take the same action';

  /** Rules made outside the stack: inbound a and b, outbound c and d, with `counts` sender patterns. */
  async function otherRules(counts = [250, 250, 250, 250]): Promise<void> {
    const workMail = createWorkMailClient();
    try {
      const client = new FlowRuleClient(workMail);
      const [a, b, c, d] = counts;
      await client.create('INBOUND', { ...inboundSyncRule({ Name: 'a', SenderPatterns: senderPatterns(a, 'a.example') }), ClientToken: 'a' });
      await client.create('INBOUND', { ...inboundSyncRule({ Name: 'b', SenderPatterns: senderPatterns(b, 'b.example') }), ClientToken: 'b' });
      await client.create('OUTBOUND', { ...outboundAsyncRule({ Name: 'c', SenderPatterns: senderPatterns(c, 'c.example') }), ClientToken: 'c' });
      await client.create('OUTBOUND', { ...outboundAsyncRule({ Name: 'd', SenderPatterns: senderPatterns(d, 'd.example') }), ClientToken: 'd' });
    } finally {
      workMail.destroy();
    }
  }

  test('Create past the sender-pattern quota: which quota, the rules counted, and what to do', async () => {
    await otherRules();
    const e = await failure(create());
    expect(e.message).toBe(`Create inbound flow rule "scan-inbound" in ${ORG}: LimitExceededException: With this inbound email flow rule, the email flow rules hold 1,001 sender patterns for organization ${ORG} (inbound and outbound rules together), ${PATTERN_QUOTA}`
      + ` — with this rule, the email flow rules hold 1,001 sender patterns for organization ${ORG} (inbound and outbound rules together), ${PATTERN_QUOTA}; `
      + 'sender patterns by rule: inbound flow rule "a" (250), inbound flow rule "b" (250), outbound flow rule "c" (250), outbound flow rule "d" (250), this inbound flow rule "scan-inbound" (1): '
      + PATTERN_REMEDY);
    expect(emulator.rules(ORG, 'INBOUND').map((r) => r.Name)).toEqual(['a', 'b']);
    // A quota is not throttling (the SDK would retry the name as such): one attempt, then the rules are listed.
    expect(emulator.requestsFor(OPERATIONS.INBOUND.create).filter((r) => r.errorType === 'LimitExceededException')).toHaveLength(1);
    expect(emulator.requestsFor(OPERATIONS.INBOUND.list)).toHaveLength(1);
    expect(emulator.requestsFor(OPERATIONS.OUTBOUND.list)).toHaveLength(1);
  });

  test('Update past the quota counts the rule with its new patterns, not its old ones', async () => {
    const created = await create(OUTBOUND, outboundAsyncRule({ Name: 'mine', SenderPatterns: ['x.example'] }));
    await otherRules([250, 250, 250, 249]);
    const rule = outboundAsyncRule({ Name: 'mine', SenderPatterns: ['x.example', 'y.example'] });
    const e = await failure(handler(updateEvent(OUTBOUND, created.PhysicalResourceId, rule, outboundAsyncRule({ Name: 'mine' })), lambdaContext()));
    expect(e.message).toMatch(new RegExp(`^Update outbound flow rule "mine" \\([^)]+\\) in ${ORG}: LimitExceededException: .* — with this rule, the email flow rules hold 1,001 sender patterns`));
    expect(e.message).toContain('outbound flow rule "d" (249), this outbound flow rule "mine" (2): remove sender patterns');
    expect(e.message).not.toContain('outbound flow rule "mine" (1)');
  });

  test('a limit that is not the sender-pattern quota is the number of rules', async () => {
    emulator.maxRulesPerOrganization = 4;
    try {
      await otherRules([1, 1, 1, 1]);
      const e = await failure(create());
      expect(e.message).toBe(`Create inbound flow rule "scan-inbound" in ${ORG}: LimitExceededException: Organization ${ORG} has 4 email flow rules (inbound and outbound together), the most it may have (4)`
        + ` — the organization has 4 other email flow rules, inbound and outbound, and their sender patterns are within WorkMail's quota, so the limit reached is the number of rules: ${RULE_COUNT_REMEDY}`);
    } finally {
      emulator.maxRulesPerOrganization = undefined;
    }
  });

  test('when the rules cannot be listed, the Reason names both limits and both remedies', async () => {
    emulator.maxRulesPerOrganization = 0;
    emulator.injectFault({ kind: 'server-error' }, { operation: OPERATIONS.INBOUND.list, count: 5 });
    try {
      const e = await failure(create());
      expect(e.message).toBe(`Create inbound flow rule "scan-inbound" in ${ORG}: LimitExceededException: Organization ${ORG} has 0 email flow rules (inbound and outbound together), the most it may have (0)`
        + " — WorkMail's quota of 1,000 sender patterns per organization (inbound and outbound rules together; this rule has 1) or its limit on the number of rules was reached"
        + ` (listing the rules to tell which failed: InternalServerException: Injected server error): ${PATTERN_REMEDY}; or ${RULE_COUNT_REMEDY}`);
    } finally {
      emulator.maxRulesPerOrganization = undefined;
    }
  });

  test('an organization that is not Active: Create, Update and Delete say so and what to do', async () => {
    const created = await create();
    emulator.setOrganizationState(ORG, 'Deleting');
    const remedy = `the organization is not active: wait until the organization is Active (aws workmail describe-organization --organization-id ${ORG}) and deploy again; `
      + 'if it is being deleted, its rules go with it: remove the rule from the stack, or give it RemovalPolicy.RETAIN to delete the stack';
    const notActive = `OrganizationStateException: Organization ${ORG} is not Active (state Deleting) — ${remedy}`;
    try {
      expect((await failure(create(OUTBOUND, outboundAsyncRule()))).message)
        .toBe(`Create outbound flow rule "count-outbound" in ${ORG}: ${notActive}`);
      expect((await failure(handler(updateEvent(INBOUND, created.PhysicalResourceId, inboundSyncRule({ Description: 'new' }), inboundSyncRule()), lambdaContext()))).message)
        .toMatch(new RegExp(`^Update inbound flow rule "scan-inbound" \\([^)]+\\) in ${ORG}: OrganizationStateException: .* — the organization is not active: wait until`));
      expect((await failure(handler(deleteEvent(INBOUND, created.PhysicalResourceId, inboundSyncRule()), lambdaContext()))).message)
        .toBe(`Delete inbound flow rule ${created.PhysicalResourceId.split('/')[2]} in ${ORG}: ${notActive}`);
    } finally {
      emulator.setOrganizationState(ORG, 'Active');
    }
  });

  test('other service errors get no advice', async () => {
    emulator.injectFault({ kind: 'server-error' }, { count: 5 });
    const e = await failure(create());
    expect(e.message).toMatch(/: InternalServerException: Injected server error \(after 5 attempts\)$/);
    expect(e.message).not.toContain(' — ');
  });
});

describe('retries and the deadline', () => {
  test('throttling is retried', async () => {
    emulator.injectFault({ kind: 'throttle' }, { count: 2, operation: OPERATIONS.INBOUND.create });
    const result = await create();
    expect(emulator.requestsFor(OPERATIONS.INBOUND.create).map((r) => r.errorType ?? r.status)).toEqual(['ThrottlingException', 'ThrottlingException', 200]);
    expect(emulator.rules(ORG, 'INBOUND').map((r) => r.RuleId)).toEqual([result.Data!.RuleId]);
  });

  test.each([500, 503] as const)('a %i answer is retried', async (status) => {
    const created = await create(OUTBOUND, outboundAsyncRule());
    emulator.injectFault({ kind: 'server-error', status }, { count: 2 });
    await handler(updateEvent(OUTBOUND, created.PhysicalResourceId, outboundAsyncRule({ Description: 'retried' }), outboundAsyncRule()), lambdaContext());
    expect(emulator.requestsFor(OPERATIONS.OUTBOUND.update).map((r) => r.status)).toEqual([status, status, 200]);
    expect(emulator.rules(ORG, 'OUTBOUND')[0].Description).toBe('retried');
  });

  test('a dropped connection is retried', async () => {
    emulator.injectFault({ kind: 'drop' });
    await create();
    expect(emulator.requests.map((r) => r.fault ?? 'none')).toEqual(['drop', 'none']);
    expect(emulator.rules(ORG, 'INBOUND')).toHaveLength(1);
  });

  test('an endpoint that never answers fails at the deadline, before the Lambda timeout', async () => {
    emulator.injectFault({ kind: 'slow', delayMs: 600_000 });
    const e = await failure(handler(createEvent(INBOUND, inboundSyncRule()), lambdaContext(RESPONSE_MARGIN_MS + 2_000)));
    expect(e.message).toMatch(new RegExp(
      `^Create inbound flow rule "scan-inbound" in ${ORG}: CreateInboundMailFlowRule gave up: no answer from Amazon WorkMail within \\d\\.\\d s `
      + `\\(the Lambda's remaining time less 10 s kept for the CloudFormation response\\), after 1 attempt; attempt 1 had no answer yet$`,
    ));
  });

  test('with less time left than the margin, the handler fails at once', async () => {
    const e = await failure(handler(deleteEvent(INBOUND, `${ORG}/inbound/r-1`, {}), lambdaContext(RESPONSE_MARGIN_MS - 1)));
    expect(e.message).toMatch(/^Delete inbound flow rule r-1 in m-[0-9a-f]{32}: DeleteInboundMailFlowRule gave up: no answer from Amazon WorkMail within 0\.0 s/);
  });
});
