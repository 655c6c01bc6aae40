/**
 * The emulator through the REAL client (`lambda/flow-rule-provider/client.ts` on `@aws-sdk/client-workmail`):
 * every operation of both directions round-trips, which also pins the SDK internals the client relies on
 * (schema tuples, `Command.classBuilder()`, JSON 1.1 serde, error names, retries).
 */
import type { WorkMailClient } from '@aws-sdk/client-workmail';
import {
  DeadlineExceededError, FlowRuleClient, createWorkMailClient, type WorkMailClientOptions,
} from '../../lambda/flow-rule-provider/client';
import {
  OPERATIONS, REQUIRED_MEMBERS, operationSchema, type FlowDirection, type FlowRuleFields, type OperationKind,
} from '../../lambda/rules/contract';
import { FAKE_ACCESS_KEY_ID, useEmulatorEnv } from './aws-env';
import { rawRequest, signedLookingHeaders } from './http';
import { ACCOUNT, FUNCTION_ARN, ORG, OTHER_ORG, inboundSyncRule, outboundAsyncRule, senderPatterns } from './sample-rules';
import { WorkMailEmulator } from '../../local/endpoints/workmail';

const UNKNOWN_ORG = 'm-00000000000000000000000000000000';

let emulator: WorkMailEmulator;
let restoreEnv: () => void;
const clients: WorkMailClient[] = [];

/** A FlowRuleClient on a fresh WorkMailClient (destroyed after the suite). */
function flowRules(options: WorkMailClientOptions = {}, abortSignal?: AbortSignal): FlowRuleClient {
  const workMail = createWorkMailClient(options);
  clients.push(workMail);
  return new FlowRuleClient(workMail, { abortSignal });
}

/** The error `promise` rejects with. */
async function rejection(promise: Promise<unknown>): Promise<Error & { $metadata?: { attempts?: number; httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

beforeAll(async () => {
  emulator = await WorkMailEmulator.start({ organizations: [ORG, OTHER_ORG] });
  restoreEnv = useEmulatorEnv(emulator.endpoint);
});

afterAll(async () => {
  clients.forEach((c) => c.destroy());
  await emulator.stop();
  restoreEnv();
});

beforeEach(() => emulator.reset());

const SAMPLES: Record<FlowDirection, () => FlowRuleFields> = { INBOUND: inboundSyncRule, OUTBOUND: outboundAsyncRule };

describe.each(['INBOUND', 'OUTBOUND'] as FlowDirection[])('%s operations round-trip through the SDK', (direction) => {
  const ops = OPERATIONS[direction];

  test('create, describe, list, update, delete', async () => {
    const client = flowRules();
    const rule = SAMPLES[direction]();

    const { RuleId } = await client.create(direction, { ...rule, ClientToken: 'token-1' });
    expect(RuleId).toMatch(/\S+/);
    const { OrganizationId: _org, ...described } = rule;
    expect(await client.describe(direction, { OrganizationId: ORG, RuleId })).toEqual({ RuleId, ...described });
    expect(await client.list(direction, { OrganizationId: ORG })).toEqual({ Rules: [{ RuleId, ...described }] });

    const changed: FlowRuleFields = direction === 'INBOUND'
      ? { ...rule, Name: 'junk-newsletters', Description: 'Junk newsletters', SenderPatterns: ['news.example.com'], DestinationPatterns: ['staff@example.com'], Action: { Type: 'MOVE_TO_JUNK' } }
      : { ...rule, Name: 'relay', Description: 'Relay through the gateway', Action: { Type: 'ROUTE_TO_SMTP_GATEWAY', SmtpGatewayName: 'relay-1' } };
    await client.update(direction, { ...changed, RuleId });
    const { OrganizationId: _org2, ...describedChanged } = changed;
    expect(await client.describe(direction, { OrganizationId: ORG, RuleId })).toEqual({ RuleId, ...describedChanged });
    expect(emulator.rules(ORG, direction)).toEqual([{ RuleId, ClientToken: 'token-1', ...describedChanged }]);

    await client.delete(direction, { OrganizationId: ORG, RuleId });
    expect(emulator.rules(ORG, direction)).toEqual([]);
    expect((await rejection(client.describe(direction, { OrganizationId: ORG, RuleId }))).name).toBe('ResourceNotFoundException');

    // What went over the wire: one POST per operation, JSON 1.1, the operation in X-Amz-Target, SigV4 for workmail.
    expect(emulator.requests.map((r) => r.operation)).toEqual([ops.create, ops.describe, ops.list, ops.update, ops.describe, ops.delete, ops.describe]);
    for (const request of emulator.requests) {
      expect(request.method).toBe('POST');
      expect(request.headers['content-type']).toBe('application/x-amz-json-1.1');
      expect(request.headers['x-amz-target']).toBe(`WorkMailService.${request.operation}`);
      expect(request.headers.authorization).toMatch(new RegExp(`^AWS4-HMAC-SHA256 Credential=${FAKE_ACCESS_KEY_ID}/\\d{8}/us-east-1/workmail/aws4_request, SignedHeaders=.*x-amz-target.*, Signature=[0-9a-f]{64}$`));
    }
    expect(emulator.requestsFor(ops.create)[0].body).toEqual({ ClientToken: 'token-1', ...rule });
    expect(emulator.requestsFor(ops.delete)[0].body).toEqual({ OrganizationId: ORG, RuleId });
  });

  test('the rules of the other direction are separate', async () => {
    const client = flowRules();
    const other: FlowDirection = direction === 'INBOUND' ? 'OUTBOUND' : 'INBOUND';
    const { RuleId } = await client.create(direction, { ...SAMPLES[direction](), Name: 'shared-name', ClientToken: 't' });
    await client.create(other, { ...SAMPLES[other](), Name: 'shared-name', ClientToken: 't' });
    expect((await rejection(client.describe(other, { OrganizationId: ORG, RuleId }))).name).toBe('ResourceNotFoundException');
    expect(emulator.rules(ORG, direction)).toHaveLength(1);
    expect(emulator.rules(ORG, other)).toHaveLength(1);
  });
});

describe('error codes', () => {
  test('an unknown organization is OrganizationNotFoundException for every operation', async () => {
    const client = flowRules();
    const ref = { OrganizationId: UNKNOWN_ORG, RuleId: 'r' };
    const errors = await Promise.all([
      rejection(client.create('INBOUND', { ...inboundSyncRule({ OrganizationId: UNKNOWN_ORG }), ClientToken: 't' })),
      rejection(client.update('OUTBOUND', { ...outboundAsyncRule({ OrganizationId: UNKNOWN_ORG }), RuleId: 'r' })),
      rejection(client.delete('INBOUND', ref)),
      rejection(client.describe('OUTBOUND', ref)),
      rejection(client.list('INBOUND', { OrganizationId: UNKNOWN_ORG })),
    ]);
    for (const e of errors) {
      expect(e.name).toBe('OrganizationNotFoundException');
      expect(e.message).toContain(UNKNOWN_ORG);
      expect(e.$metadata?.httpStatusCode).toBe(400);
    }
  });

  test('an unknown rule is ResourceNotFoundException for update, delete and describe', async () => {
    const client = flowRules();
    const ref = { OrganizationId: ORG, RuleId: 'no-such-rule' };
    const errors = await Promise.all([
      rejection(client.update('INBOUND', { ...inboundSyncRule(), RuleId: 'no-such-rule' })),
      rejection(client.delete('OUTBOUND', ref)),
      rejection(client.describe('INBOUND', ref)),
    ]);
    for (const e of errors) {
      expect(e.name).toBe('ResourceNotFoundException');
      expect(e.message).toContain('no-such-rule');
    }
  });

  test('a name taken in the organization and direction is NameAvailabilityException, on create and on rename', async () => {
    const client = flowRules();
    await client.create('INBOUND', { ...inboundSyncRule({ Name: 'first' }), ClientToken: 'a' });
    const { RuleId } = await client.create('INBOUND', { ...inboundSyncRule({ Name: 'second' }), ClientToken: 'b' });

    const onCreate = await rejection(client.create('INBOUND', { ...inboundSyncRule({ Name: 'first' }), ClientToken: 'c' }));
    expect(onCreate.name).toBe('NameAvailabilityException');
    expect(onCreate.message).toContain('"first"');
    const onRename = await rejection(client.update('INBOUND', { ...inboundSyncRule({ Name: 'first' }), RuleId }));
    expect(onRename.name).toBe('NameAvailabilityException');

    // The same name in another organization is fine, and so is an update that keeps the rule's own name.
    await client.create('INBOUND', { ...inboundSyncRule({ Name: 'first', OrganizationId: OTHER_ORG }), ClientToken: 'd' });
    await client.update('INBOUND', { ...inboundSyncRule({ Name: 'second', Description: 'changed' }), RuleId });
    expect(emulator.rules(ORG, 'INBOUND').map((r) => r.Name)).toEqual(['first', 'second']);
  });

  test('an unknown operation is UnknownOperationException', async () => {
    const res = await rawRequest(emulator.endpoint, { headers: signedLookingHeaders('CreateSidewaysMailFlowRule'), body: '{}' });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ __type: 'UnknownOperationException', message: expect.stringContaining('WorkMailService.CreateSidewaysMailFlowRule') });
  });

  test('a request without a signature is refused with 403', async () => {
    const { authorization: _auth, ...unsigned } = signedLookingHeaders(OPERATIONS.INBOUND.list);
    const res = await rawRequest(emulator.endpoint, { headers: unsigned, body: JSON.stringify({ OrganizationId: ORG }) });
    expect(res.status).toBe(403);
    expect(res.json.__type).toBe('MissingAuthenticationTokenException');
    const notSigV4 = await rawRequest(emulator.endpoint, { headers: { ...unsigned, authorization: 'Bearer abc' }, body: JSON.stringify({ OrganizationId: ORG }) });
    expect(notSigV4.status).toBe(403);
    expect(notSigV4.json.__type).toBe('IncompleteSignatureException');
  });

  test('a request signed for another Region is refused with 403', async () => {
    const e = await rejection(flowRules({ region: 'eu-west-1' }).list('INBOUND', { OrganizationId: ORG }));
    expect(e.name).toBe('InvalidSignatureException');
    expect(e.$metadata?.httpStatusCode).toBe(403);
    expect(e.message).toContain("'us-east-1'");
  });

  test('only POST with the JSON 1.1 content type is served', async () => {
    const headers = signedLookingHeaders(OPERATIONS.INBOUND.list);
    const get = await rawRequest(emulator.endpoint, { method: 'GET', headers });
    expect(get.status).toBe(405);
    const wrongType = await rawRequest(emulator.endpoint, { headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ OrganizationId: ORG }) });
    expect(wrongType.status).toBe(400);
    expect(wrongType.json.__type).toBe('SerializationException');
    const notJson = await rawRequest(emulator.endpoint, { headers, body: 'OrganizationId=m-1' });
    expect(notJson.json.__type).toBe('SerializationException');
  });

  test('members the contract does not have, or of the wrong type, are SerializationException', async () => {
    const headers = signedLookingHeaders(OPERATIONS.INBOUND.create);
    const extra = await rawRequest(emulator.endpoint, { headers, body: JSON.stringify({ ...inboundSyncRule(), Priority: 1 }) });
    expect(extra.json).toEqual({ __type: 'SerializationException', message: expect.stringContaining('Priority is not a member of CreateMailFlowRuleRequest') });
    const rule = inboundSyncRule();
    const stringTimeout = { ...rule, Action: { ...rule.Action, Lambda: { ...rule.Action.Lambda!, RuleTimeoutInMinutes: '30' } } };
    const wrongType = await rawRequest(emulator.endpoint, { headers, body: JSON.stringify(stringTimeout) });
    expect(wrongType.json).toEqual({ __type: 'SerializationException', message: expect.stringContaining('Action.Lambda.RuleTimeoutInMinutes must be a number, got "30"') });
    expect(emulator.rules(ORG, 'INBOUND')).toEqual([]);
  });

  test('a missing required member is InvalidParameterException', async () => {
    const { Name: _name, ...noName } = inboundSyncRule();
    const res = await rawRequest(emulator.endpoint, { headers: signedLookingHeaders(OPERATIONS.INBOUND.create), body: JSON.stringify(noName) });
    expect(res.json).toEqual({ __type: 'InvalidParameterException', message: expect.stringContaining('missing required member(s) Name') });
  });

  test("the contract's required members are members of each operation's input schema", () => {
    for (const direction of ['INBOUND', 'OUTBOUND'] as FlowDirection[]) {
      for (const [kind, required] of Object.entries(REQUIRED_MEMBERS) as [OperationKind, readonly string[]][]) {
        const input = ((operationSchema(direction, kind) as unknown[])[4] as () => unknown[])();
        expect(input[4]).toEqual(expect.arrayContaining([...required]));
      }
    }
  });
});

/** Each rule of `lambda/rules` the emulator enforces, with a piece of the problem it must answer. */
const INVALID: [string, FlowDirection, (r: FlowRuleFields) => FlowRuleFields, string][] = [
  ['a malformed organization id', 'INBOUND', (r) => ({ ...r, OrganizationId: 'm-ABC' }), "OrganizationId must be 'm-' followed by 32 lowercase hexadecimal digits"],
  ['an empty name', 'INBOUND', (r) => ({ ...r, Name: '' }), 'Name must be 1 to 64 characters long, got "" (0 characters)'],
  ['a name of 65 characters', 'OUTBOUND', (r) => ({ ...r, Name: 'n'.repeat(65) }), 'Name must be 1 to 64 characters long'],
  ['a description of 257 characters', 'INBOUND', (r) => ({ ...r, Description: 'd'.repeat(257) }), 'Description must be at most 256 characters long, got 257 characters'],
  ['no sender pattern', 'OUTBOUND', (r) => ({ ...r, SenderPatterns: [] }), 'SenderPatterns must hold at least one pattern'],
  ['a sub-address pattern', 'OUTBOUND', (r) => ({ ...r, SenderPatterns: ['sales+eu@example.com'] }), `SenderPatterns has an invalid pattern "sales+eu@example.com": a pattern cannot contain '+'`],
  ['a wildcard in an address', 'OUTBOUND', (r) => ({ ...r, DestinationPatterns: ['*@example.com'] }), "DestinationPatterns has an invalid pattern \"*@example.com\": a wildcard '*' cannot be part of an address"],
  ['a wildcard inside a domain', 'OUTBOUND', (r) => ({ ...r, DestinationPatterns: ['mail.*.example.com'] }), "a wildcard is only allowed as '*' or a leading '*.'"],
  ['a pattern listed twice', 'OUTBOUND', (r) => ({ ...r, DestinationPatterns: ['Example.net', 'example.NET'] }), 'DestinationPatterns lists "example.NET" more than once'],
  ['251 sender patterns', 'OUTBOUND', (r) => ({ ...r, SenderPatterns: Array.from({ length: 251 }, (_, i) => `user${i}@example.com`) }), 'SenderPatterns holds 251 patterns; at most 250 are allowed'],
  ['an outbound action on an inbound rule', 'INBOUND', (r) => ({ ...r, Action: { Type: 'ROUTE_TO_SMTP_GATEWAY', SmtpGatewayName: 'relay' } }), 'Action.Type "ROUTE_TO_SMTP_GATEWAY" is not allowed as an action of an inbound rule'],
  ['an inbound action on an outbound rule', 'OUTBOUND', (r) => ({ ...r, Action: { Type: 'MOVE_TO_JUNK' } }), 'Action.Type "MOVE_TO_JUNK" is not allowed as an action of an outbound rule'],
  ['a bounce without a message', 'INBOUND', (r) => ({ ...r, DestinationPatterns: ['*'], Action: { Type: 'BOUNCE', BounceMessage: '  ' } }), 'Action.BounceMessage must be a non-empty bounce message'],
  ['a gateway route without a gateway', 'OUTBOUND', (r) => ({ ...r, Action: { Type: 'ROUTE_TO_SMTP_GATEWAY', SmtpGatewayName: 'relay 1' } }), 'Action.SmtpGatewayName must be the name of an SMTP gateway'],
  ['a bounce message on a drop', 'INBOUND', (r) => ({ ...r, Action: { Type: 'DROP', BounceMessage: 'no' } }), 'Action.BounceMessage is only allowed with Type BOUNCE, got Type "DROP"'],
  ['a gateway name on a bounce', 'OUTBOUND', (r) => ({ ...r, Action: { Type: 'BOUNCE', BounceMessage: 'no', SmtpGatewayName: 'relay' } }), 'Action.SmtpGatewayName is only allowed with Type ROUTE_TO_SMTP_GATEWAY'],
  ['a function on a drop', 'INBOUND', (r) => ({ ...r, Action: { Type: 'DROP', Lambda: { FunctionArn: FUNCTION_ARN, InvocationType: 'ASYNC' } } }), 'Action.Lambda is only allowed with Type RUN_LAMBDA'],
  ['Run Lambda without a function', 'INBOUND', (r) => ({ ...r, Action: { Type: 'RUN_LAMBDA' } }), 'Action.Lambda must describe the function to run for Type RUN_LAMBDA'],
  ['a function ARN that is not one', 'OUTBOUND', (r) => ({ ...r, Action: { Type: 'RUN_LAMBDA', Lambda: { FunctionArn: 'subject-guard', InvocationType: 'ASYNC' } } }), 'Action.Lambda.FunctionArn must be a Lambda function ARN'],
  ['a function in another Region', 'OUTBOUND', (r) => ({ ...r, Action: { Type: 'RUN_LAMBDA', Lambda: { FunctionArn: FUNCTION_ARN.replace('us-east-1', 'us-west-2'), InvocationType: 'ASYNC' } } }), 'names a function in Region us-west-2, but the organization is in us-east-1'],
  ['a function in another account', 'OUTBOUND', (r) => ({ ...r, Action: { Type: 'RUN_LAMBDA', Lambda: { FunctionArn: FUNCTION_ARN.replace(ACCOUNT, '210987654321'), InvocationType: 'ASYNC' } } }), `names a function in account 210987654321, but the organization is in account ${ACCOUNT}`],
  ['an unknown invocation type', 'OUTBOUND', (r) => ({ ...r, Action: { Type: 'RUN_LAMBDA', Lambda: { FunctionArn: FUNCTION_ARN, InvocationType: 'LATER' as 'SYNC' } } }), 'Action.Lambda.InvocationType must be SYNC or ASYNC, got "LATER"'],
  ['an asynchronous rule with a fallback', 'OUTBOUND', (r) => ({ ...r, Action: { Type: 'RUN_LAMBDA', Lambda: { FunctionArn: FUNCTION_ARN, InvocationType: 'ASYNC', FallbackAction: { Type: 'DEFAULT' } } } }), 'Action.Lambda.FallbackAction is only allowed with InvocationType SYNC'],
  ['an asynchronous rule with a timeout', 'OUTBOUND', (r) => ({ ...r, Action: { Type: 'RUN_LAMBDA', Lambda: { FunctionArn: FUNCTION_ARN, InvocationType: 'ASYNC', RuleTimeoutInMinutes: 5 } } }), 'Action.Lambda.RuleTimeoutInMinutes is only allowed with InvocationType SYNC'],
  ['a timeout of 241 minutes', 'INBOUND', (r) => withLambda(r, { RuleTimeoutInMinutes: 241 }), 'Action.Lambda.RuleTimeoutInMinutes must be a whole number of minutes from 0 to 240, got 241'],
  ['a timeout of -1 minutes', 'INBOUND', (r) => withLambda(r, { RuleTimeoutInMinutes: -1 }), 'must be a whole number of minutes from 0 to 240, got -1'],
  ['a timeout of 1.5 minutes', 'INBOUND', (r) => withLambda(r, { RuleTimeoutInMinutes: 1.5 }), 'must be a whole number of minutes from 0 to 240, got 1.5'],
  ['a Run Lambda fallback', 'INBOUND', (r) => withLambda(r, { FallbackAction: { Type: 'RUN_LAMBDA' } }), 'Action.Lambda.FallbackAction.Type "RUN_LAMBDA" is not allowed as a fallback action of an inbound rule (a fallback action cannot be another Run Lambda action)'],
  ['a fallback of the other direction', 'INBOUND', (r) => withLambda(r, { FallbackAction: { Type: 'ROUTE_TO_SMTP_GATEWAY', SmtpGatewayName: 'relay' } }), 'Action.Lambda.FallbackAction.Type "ROUTE_TO_SMTP_GATEWAY" is not allowed as a fallback action of an inbound rule'],
  ['a bounce fallback without a message', 'INBOUND', (r) => withLambda(r, { FallbackAction: { Type: 'BOUNCE' } }), 'Action.Lambda.FallbackAction.BounceMessage must be a non-empty bounce message'],
  ['a synchronous rule on some destinations', 'INBOUND', (r) => ({ ...r, DestinationPatterns: ['staff@example.com'] }), "DestinationPatterns must be exactly ['*'] for a synchronous Run Lambda rule"],
];

function withLambda(rule: FlowRuleFields, lambda: object): FlowRuleFields {
  return { ...rule, Action: { ...rule.Action, Lambda: { ...rule.Action.Lambda!, ...lambda } } };
}

describe('service limits and organization state', () => {
  test('past 1,000 sender patterns per organization, inbound and outbound together, create is LimitExceededException', async () => {
    const client = flowRules();
    await client.create('INBOUND', { ...inboundSyncRule({ Name: 'a', SenderPatterns: senderPatterns(250, 'a.example') }), ClientToken: 'a' });
    await client.create('INBOUND', { ...inboundSyncRule({ Name: 'b', SenderPatterns: senderPatterns(250, 'b.example') }), ClientToken: 'b' });
    await client.create('OUTBOUND', { ...outboundAsyncRule({ Name: 'c', SenderPatterns: senderPatterns(250, 'c.example') }), ClientToken: 'c' });
    // Another organization has its own count.
    await client.create('OUTBOUND', { ...outboundAsyncRule({ OrganizationId: OTHER_ORG, SenderPatterns: senderPatterns(250) }), ClientToken: 'o' });

    await client.create('OUTBOUND', { ...outboundAsyncRule({ Name: 'd', SenderPatterns: senderPatterns(250, 'd.example') }), ClientToken: 'd' });

    const over = await rejection(client.create('INBOUND', { ...inboundSyncRule({ Name: 'e', SenderPatterns: ['one.more.example'] }), ClientToken: 'e' }));
    expect(over.name).toBe('LimitExceededException');
    expect(over.message).toBe(`With this inbound email flow rule, the email flow rules hold 1,001 sender patterns for organization ${ORG} (inbound and outbound rules together), but WorkMail allows at most 1,000 sender patterns per organization (a hard quota)`);
    expect(emulator.rules(ORG, 'INBOUND').map((r) => r.Name)).toEqual(['a', 'b']);
  });

  test('update counts the new patterns in place of the old ones', async () => {
    const client = flowRules();
    const { RuleId } = await client.create('INBOUND', { ...inboundSyncRule({ Name: 'a', SenderPatterns: senderPatterns(250, 'a.example') }), ClientToken: 'a' });
    await client.create('OUTBOUND', { ...outboundAsyncRule({ Name: 'b', SenderPatterns: senderPatterns(250, 'b.example') }), ClientToken: 'b' });
    await client.create('OUTBOUND', { ...outboundAsyncRule({ Name: 'c', SenderPatterns: senderPatterns(250, 'c.example') }), ClientToken: 'c' });
    await client.create('OUTBOUND', { ...outboundAsyncRule({ Name: 'd', SenderPatterns: senderPatterns(249, 'd.example') }), ClientToken: 'd' });
    // 250 in place of 250: still 999.
    await client.update('INBOUND', { ...inboundSyncRule({ Name: 'a', SenderPatterns: senderPatterns(250, 'e.example') }), RuleId });
    const f = await client.create('OUTBOUND', { ...outboundAsyncRule({ Name: 'f', SenderPatterns: ['f.example'] }), ClientToken: 'f' });
    const over = await rejection(client.update('OUTBOUND', { ...outboundAsyncRule({ Name: 'f', SenderPatterns: ['f.example', 'g.example'] }), RuleId: f.RuleId }));
    expect(over.name).toBe('LimitExceededException');
    expect(over.message).toContain('With this outbound email flow rule, the email flow rules hold 1,001 sender patterns');
    expect(emulator.rules(ORG, 'OUTBOUND').find((r) => r.Name === 'f')?.SenderPatterns).toEqual(['f.example']);
    expect(emulator.rules(ORG, 'INBOUND')[0].SenderPatterns).toEqual(senderPatterns(250, 'e.example'));
  });

  test('maxRulesPerOrganization limits the rules of an organization, both directions together', async () => {
    const client = flowRules();
    emulator.maxRulesPerOrganization = 2;
    try {
      await client.create('INBOUND', { ...inboundSyncRule({ Name: 'a' }), ClientToken: 'a' });
      const { RuleId } = await client.create('OUTBOUND', { ...outboundAsyncRule({ Name: 'b' }), ClientToken: 'b' });
      const over = await rejection(client.create('OUTBOUND', { ...outboundAsyncRule({ Name: 'c' }), ClientToken: 'c' }));
      expect(over.name).toBe('LimitExceededException');
      expect(over.message).toBe(`Organization ${ORG} has 2 email flow rules (inbound and outbound together), the most it may have (2)`);
      // An update adds no rule; another organization has its own count; a deleted rule frees a place.
      await client.update('OUTBOUND', { ...outboundAsyncRule({ Name: 'b', Description: 'changed' }), RuleId });
      await client.create('OUTBOUND', { ...outboundAsyncRule({ OrganizationId: OTHER_ORG }), ClientToken: 'o' });
      await client.delete('OUTBOUND', { OrganizationId: ORG, RuleId });
      await client.create('OUTBOUND', { ...outboundAsyncRule({ Name: 'c' }), ClientToken: 'c' });
      expect(() => { emulator.maxRulesPerOrganization = -1; }).toThrow('maxRulesPerOrganization must be a whole number of rules (0 or more), got -1');
    } finally {
      emulator.maxRulesPerOrganization = undefined;
    }
  });

  test('an organization that is not Active is OrganizationStateException for every operation', async () => {
    const client = flowRules();
    const { RuleId } = await client.create('INBOUND', { ...inboundSyncRule(), ClientToken: 't' });
    emulator.setOrganizationState(ORG, 'Deleting');
    try {
      const ref = { OrganizationId: ORG, RuleId };
      const errors = await Promise.all([
        rejection(client.create('OUTBOUND', { ...outboundAsyncRule(), ClientToken: 'u' })),
        rejection(client.update('INBOUND', { ...inboundSyncRule(), RuleId })),
        rejection(client.delete('INBOUND', ref)),
        rejection(client.describe('INBOUND', ref)),
        rejection(client.list('OUTBOUND', { OrganizationId: ORG })),
      ]);
      for (const e of errors) {
        expect(e.name).toBe('OrganizationStateException');
        expect(e.message).toBe(`Organization ${ORG} is not Active (state Deleting)`);
      }
      // reset() keeps the state; the other organization is unaffected.
      emulator.reset();
      expect(emulator.organizationState(ORG)).toBe('Deleting');
      await client.list('INBOUND', { OrganizationId: OTHER_ORG });
    } finally {
      emulator.setOrganizationState(ORG, 'Active');
    }
    expect(await client.list('INBOUND', { OrganizationId: ORG })).toEqual({ Rules: [] });
    expect(() => emulator.setOrganizationState(UNKNOWN_ORG, 'Active')).toThrow(`no organization ${UNKNOWN_ORG}; add it first`);
    expect(() => emulator.setOrganizationState(ORG, 'not active')).toThrow('an organization state is a word such as Active or Deleting, got "not active"');
  });

  test('state and the rule limit can be set over HTTP for a standalone emulator', async () => {
    const client = flowRules();
    try {
      expect((await rawRequest(`${emulator.endpoint}/__emulator/organizations`, { body: JSON.stringify({ organizationId: OTHER_ORG, state: 'Impaired' }) })).status).toBe(200);
      expect((await rejection(client.list('INBOUND', { OrganizationId: OTHER_ORG }))).name).toBe('OrganizationStateException');
      const limits = await rawRequest(`${emulator.endpoint}/__emulator/limits`, { body: JSON.stringify({ maxRulesPerOrganization: 0 }) });
      expect(limits.json).toEqual({ maxRulesPerOrganization: 0 });
      expect((await rejection(client.create('INBOUND', { ...inboundSyncRule(), ClientToken: 't' }))).name).toBe('LimitExceededException');
      expect((await rawRequest(`${emulator.endpoint}/__emulator/limits`, { body: JSON.stringify({ maxRulesPerOrganization: null }) })).json)
        .toEqual({ maxRulesPerOrganization: null });
      await client.create('INBOUND', { ...inboundSyncRule(), ClientToken: 't' });
      expect((await rawRequest(`${emulator.endpoint}/__emulator/limits`, { body: JSON.stringify({ maxRulesPerOrganization: 'many' }) })).status).toBe(400);
    } finally {
      emulator.setOrganizationState(OTHER_ORG, 'Active');
      emulator.maxRulesPerOrganization = undefined;
    }
  });
});

describe('validation: InvalidParameterException with the problem', () => {
  test.each(INVALID)('%s', async (_title, direction, mutate, problem) => {
    const e = await rejection(flowRules().create(direction, { ...mutate(SAMPLES[direction]()), ClientToken: 't' }));
    expect(e.name).toBe('InvalidParameterException');
    expect(e.message).toContain(problem);
    expect(emulator.rules(ORG, direction)).toEqual([]);
  });

  test('update is checked the same way and leaves the rule as it was', async () => {
    const client = flowRules();
    const { RuleId } = await client.create('INBOUND', { ...inboundSyncRule(), ClientToken: 't' });
    const e = await rejection(client.update('INBOUND', { ...withLambda(inboundSyncRule(), { RuleTimeoutInMinutes: 300 }), RuleId }));
    expect(e.name).toBe('InvalidParameterException');
    expect(e.message).toContain('got 300');
    expect(emulator.rules(ORG, 'INBOUND')[0].Action.Lambda?.RuleTimeoutInMinutes).toBe(45);
  });

  test('every problem of a request is in the message', async () => {
    const e = await rejection(flowRules().create('INBOUND', { ...inboundSyncRule({ Name: '', SenderPatterns: [] }), ClientToken: 't' }));
    expect(e.message).toContain('Name must be');
    expect(e.message).toContain('SenderPatterns must hold');
  });

  test('the limits themselves are accepted', async () => {
    const client = flowRules();
    await client.create('INBOUND', { ...withLambda(inboundSyncRule({ Name: 'n'.repeat(64), Description: 'd'.repeat(256) }), { RuleTimeoutInMinutes: 240 }), ClientToken: 'a' });
    await client.create('INBOUND', { ...withLambda(inboundSyncRule({ Name: 'zero' }), { RuleTimeoutInMinutes: 0 }), ClientToken: 'b' });
    await client.create('OUTBOUND', { ...outboundAsyncRule({ SenderPatterns: Array.from({ length: 250 }, (_, i) => `user${i}@example.com`) }), ClientToken: 'c' });
    expect(emulator.rules(ORG, 'INBOUND')).toHaveLength(2);
    expect(emulator.rules(ORG, 'OUTBOUND')[0].SenderPatterns).toHaveLength(250);
  });
});

describe('ClientToken', () => {
  test('the same token creates one rule and answers the same RuleId', async () => {
    const client = flowRules();
    const first = await client.create('INBOUND', { ...inboundSyncRule(), ClientToken: 'same' });
    const second = await client.create('INBOUND', { ...inboundSyncRule(), ClientToken: 'same' });
    expect(second.RuleId).toBe(first.RuleId);
    expect(emulator.rules(ORG, 'INBOUND')).toHaveLength(1);
    // Another token with the same name is a second create, refused for the name.
    expect((await rejection(client.create('INBOUND', { ...inboundSyncRule(), ClientToken: 'other' }))).name).toBe('NameAvailabilityException');
  });

  test('the SDK fills in a token when the caller gives none', async () => {
    const { ClientToken: _t, ...noToken } = { ...inboundSyncRule(), ClientToken: '' };
    await flowRules().create('INBOUND', noToken as never);
    expect(emulator.requests[0].body).toEqual(expect.objectContaining({ ClientToken: expect.stringMatching(/^[0-9a-f-]{36}$/) }));
  });
});

describe('faults', () => {
  test('throttling is retried by the SDK', async () => {
    emulator.injectFault({ kind: 'throttle' }, { count: 2 });
    const { RuleId } = await flowRules().create('INBOUND', { ...inboundSyncRule(), ClientToken: 't' });
    expect(emulator.requests.map((r) => r.errorType ?? r.status)).toEqual(['ThrottlingException', 'ThrottlingException', 200]);
    expect(emulator.requests.map((r) => r.headers['amz-sdk-request'])).toEqual(['attempt=1; max=5', 'attempt=2; max=5', 'attempt=3; max=5']);
    expect(emulator.rules(ORG, 'INBOUND').map((r) => r.RuleId)).toEqual([RuleId]);
  });

  test.each([500, 503] as const)('a %i answer is retried by the SDK', async (status) => {
    emulator.injectFault({ kind: 'server-error', status });
    await flowRules().delete('OUTBOUND', { OrganizationId: ORG, RuleId: 'gone' }).catch(() => undefined);
    expect(emulator.requests.map((r) => r.status)).toEqual([status, 400]);
    expect(emulator.requests[1].errorType).toBe('ResourceNotFoundException');
  });

  test('a dropped connection is retried by the SDK', async () => {
    emulator.injectFault({ kind: 'drop' });
    const rules = await flowRules().list('OUTBOUND', { OrganizationId: ORG });
    expect(rules).toEqual({ Rules: [] });
    expect(emulator.requests.map((r) => [r.fault ?? 'none', r.status])).toEqual([['drop', 0], ['none', 200]]);
  });

  test('a slow answer fails the attempt at the request timeout; the retry with the same token makes no second rule', async () => {
    emulator.injectFault({ kind: 'slow', delayMs: 5_000 });
    const { RuleId } = await flowRules({ requestTimeoutMs: 300 }).create('INBOUND', { ...inboundSyncRule(), ClientToken: 'slow' });
    const creates = emulator.requestsFor(OPERATIONS.INBOUND.create);
    expect(creates.map((r) => r.fault ?? 'none')).toEqual(['slow', 'none']);
    expect(emulator.rules(ORG, 'INBOUND').map((r) => r.RuleId)).toEqual([RuleId]);
  });

  test('a fault can target one operation', async () => {
    emulator.injectFault({ kind: 'throttle' }, { operation: OPERATIONS.OUTBOUND.list });
    const client = flowRules();
    await client.list('INBOUND', { OrganizationId: ORG });
    expect(emulator.pendingFaults).toBe(1);
    await client.list('OUTBOUND', { OrganizationId: ORG });
    expect(emulator.pendingFaults).toBe(0);
    expect(emulator.requests.map((r) => [r.operation, r.errorType])).toStrictEqual([
      [OPERATIONS.INBOUND.list, undefined], [OPERATIONS.OUTBOUND.list, 'ThrottlingException'], [OPERATIONS.OUTBOUND.list, undefined],
    ]);
  });

  test('when the attempts run out the last error is thrown, with the attempt count', async () => {
    emulator.injectFault({ kind: 'throttle' }, { count: 3 });
    const e = await rejection(flowRules({ maxAttempts: 2 }).list('INBOUND', { OrganizationId: ORG }));
    expect(e.name).toBe('ThrottlingException');
    expect(e.message).toBe('Rate exceeded');
    expect(e.$metadata?.attempts).toBe(2);
  });

  test('faults can be injected over HTTP for a standalone emulator', async () => {
    const res = await rawRequest(`${emulator.endpoint}/__emulator/faults`, { body: JSON.stringify({ kind: 'server-error', status: 503, count: 1 }) });
    expect(res.json).toEqual({ pendingFaults: 1 });
    await flowRules().list('INBOUND', { OrganizationId: ORG });
    expect(emulator.requests.map((r) => r.status)).toEqual([503, 200]);
    const bad = await rawRequest(`${emulator.endpoint}/__emulator/faults`, { body: JSON.stringify({ kind: 'meteor' }) });
    expect(bad.status).toBe(400);
  });
});

describe('abort signal', () => {
  test('an abort ends a call that has no answer, saying how far it got', async () => {
    emulator.injectFault({ kind: 'slow', delayMs: 60_000 });
    const controller = new AbortController();
    const call = flowRules({}, controller.signal).create('INBOUND', { ...inboundSyncRule(), ClientToken: 't' });
    await waitFor(() => emulator.requests.length === 1);
    controller.abort(new Error('out of time'));
    const e = await rejection(call);
    expect(e).toBeInstanceOf(DeadlineExceededError);
    expect(e.message).toBe('CreateInboundMailFlowRule gave up: out of time, after 1 attempt; attempt 1 had no answer yet');
  });

  test('an abort between attempts names the last error', async () => {
    emulator.injectFault({ kind: 'throttle' }, { count: 10 });
    const controller = new AbortController();
    const call = flowRules({}, controller.signal).list('OUTBOUND', { OrganizationId: ORG });
    await waitFor(() => emulator.requests.length === 2);
    controller.abort(new Error('out of time'));
    const e = await rejection(call);
    expect(e).toBeInstanceOf(DeadlineExceededError);
    expect(e.message).toMatch(/^ListOutboundMailFlowRules gave up: out of time, after [23] attempts; last error: ThrottlingException: Rate exceeded/);
  });

  test('an aborted signal fails the call at once', async () => {
    const e = await rejection(flowRules({}, AbortSignal.abort(new Error('too late'))).list('INBOUND', { OrganizationId: ORG }));
    expect(e.message).toMatch(/^ListInboundMailFlowRules gave up: too late, after 0 attempts$/);
  });
});

describe('pagination', () => {
  test('List pages with MaxResults and NextToken; listAll follows the tokens', async () => {
    const client = flowRules();
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await client.create('OUTBOUND', { ...outboundAsyncRule({ Name: `rule-${i}` }), ClientToken: `t${i}` })).RuleId);

    const first = await client.list('OUTBOUND', { OrganizationId: ORG, MaxResults: 3 });
    expect(first.Rules.map((r) => r.RuleId)).toEqual(ids.slice(0, 3));
    expect(first.NextToken).toBeDefined();
    const second = await client.list('OUTBOUND', { OrganizationId: ORG, MaxResults: 3, NextToken: first.NextToken });
    expect(second.Rules.map((r) => r.RuleId)).toEqual(ids.slice(3, 6));
    const last = await client.list('OUTBOUND', { OrganizationId: ORG, MaxResults: 3, NextToken: second.NextToken });
    expect(last).toEqual({ Rules: [expect.objectContaining({ RuleId: ids[6], Name: 'rule-6' })] });

    expect((await client.listAll('OUTBOUND', ORG, 2)).map((r) => r.RuleId)).toEqual(ids);
    expect(emulator.requestsFor(OPERATIONS.OUTBOUND.list).slice(3).map((r) => (r.body as { NextToken?: string }).NextToken === undefined))
      .toEqual([true, false, false, false]);
  });

  test('a token of another list, or a page size out of range, is InvalidParameterException', async () => {
    const client = flowRules();
    for (let i = 0; i < 2; i++) await client.create('INBOUND', { ...inboundSyncRule({ Name: `rule-${i}` }), ClientToken: `t${i}` });
    const { NextToken } = await client.list('INBOUND', { OrganizationId: ORG, MaxResults: 1 });
    expect((await rejection(client.list('OUTBOUND', { OrganizationId: ORG, NextToken }))).name).toBe('InvalidParameterException');
    expect((await rejection(client.list('INBOUND', { OrganizationId: ORG, NextToken: 'garbage' }))).name).toBe('InvalidParameterException');
    expect((await rejection(client.list('INBOUND', { OrganizationId: ORG, MaxResults: 0 }))).message).toContain('MaxResults must be a whole number from 1 to 100');
    expect((await rejection(client.list('INBOUND', { OrganizationId: ORG, MaxResults: 101 }))).name).toBe('InvalidParameterException');
  });
});

describe('emulator state', () => {
  test('state() shows the rules of each organization and direction; reset() clears them', async () => {
    const client = flowRules();
    const { RuleId } = await client.create('OUTBOUND', { ...outboundAsyncRule({ OrganizationId: OTHER_ORG }), ClientToken: 't' });
    const state = emulator.state();
    expect(Object.keys(state).sort()).toEqual([ORG, OTHER_ORG].sort());
    expect(state[OTHER_ORG].OUTBOUND).toEqual([expect.objectContaining({ RuleId, Name: 'count-outbound', ClientToken: 't' })]);
    expect(state[ORG]).toEqual({ INBOUND: [], OUTBOUND: [] });
    expect((await rawRequest(`${emulator.endpoint}/__emulator/state`, { method: 'GET' })).json).toEqual(state);

    emulator.reset();
    expect(emulator.state()[OTHER_ORG].OUTBOUND).toEqual([]);
    expect(emulator.requests).toEqual([]);
  });

  test('organizations are registered explicitly', async () => {
    const client = flowRules();
    expect((await rejection(client.list('INBOUND', { OrganizationId: UNKNOWN_ORG }))).name).toBe('OrganizationNotFoundException');
    emulator.addOrganization(UNKNOWN_ORG);
    expect(await client.list('INBOUND', { OrganizationId: UNKNOWN_ORG })).toEqual({ Rules: [] });
    emulator.removeOrganization(UNKNOWN_ORG);
    expect(() => emulator.addOrganization('m-nope')).toThrow("must be 'm-' followed by 32 lowercase hexadecimal digits");
  });

  test('stop() ends held answers and open connections', async () => {
    const own = await WorkMailEmulator.start({ organizations: [ORG] });
    own.injectFault({ kind: 'slow', delayMs: 60_000 });
    const restore = useEmulatorEnv(own.endpoint);
    try {
      const call = rejection(flowRules({ maxAttempts: 1 }).list('INBOUND', { OrganizationId: ORG }));
      await waitFor(() => own.requests.length === 1);
      await own.stop();
      const e = await call;
      expect(e.name).not.toBe('DeadlineExceededError');
      expect((await rejection(rawRequest(own.endpoint))).message).toContain('ECONNREFUSED');
    } finally {
      restore();
    }
  });
});

/** Waits (without a time assertion) until `condition` holds. */
async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 10));
}
