/**
 * What the local endpoints add for `cdk-workmail-lambda doctor` and `export`: DescribeOrganization (published SDK
 * model) in every organization state, STS GetCallerIdentity, and the faults that play a caller without permission
 * and a service whose shape differs from the contract's. Through the real SDK clients.
 */
import { DescribeOrganizationCommand, WorkMailClient } from '@aws-sdk/client-workmail';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { FlowRuleClient, createWorkMailClient } from '../../lambda/flow-rule-provider/client';
import { OPERATIONS } from '../../lambda/rules/contract';
import { type LocalWorkMail, startLocalWorkMail } from '../../local';
import { setEnv } from './aws-env';
import { rawRequest, signedLookingHeaders } from './http';
import { ORG, OTHER_ORG, inboundSyncRule } from './sample-rules';

let local: LocalWorkMail;
let restore: () => void;
let workMail: WorkMailClient;
let rules: FlowRuleClient;

beforeAll(async () => {
  local = await startLocalWorkMail({ organizations: [ORG], organizationStates: { [OTHER_ORG]: 'Deleting' } });
  restore = setEnv({ ...local.env, AWS_PROFILE: undefined, AWS_ENDPOINT_URL: undefined, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' });
  workMail = createWorkMailClient({ maxAttempts: 1 });
  rules = new FlowRuleClient(workMail);
});
afterAll(async () => {
  workMail.destroy();
  restore();
  await local.close();
});
beforeEach(() => local.workMail.reset());

describe('DescribeOrganization', () => {
  test('answers as the SDK model says, Active or not', async () => {
    const active = await workMail.send(new DescribeOrganizationCommand({ OrganizationId: ORG }));
    expect(active).toMatchObject({
      OrganizationId: ORG, State: 'Active', Alias: 'local-01234567', ARN: `arn:aws:workmail:us-east-1:123456789012:organization/${ORG}`,
      DefaultMailDomain: 'local-01234567.awsapps.com', CompletedDate: expect.any(Date),
    });
    await expect(workMail.send(new DescribeOrganizationCommand({ OrganizationId: OTHER_ORG }))).resolves.toMatchObject({ State: 'Deleting' });
  });

  test('an unknown organization is OrganizationNotFoundException; a malformed id InvalidParameterException', async () => {
    await expect(workMail.send(new DescribeOrganizationCommand({ OrganizationId: `m-${'1'.repeat(32)}` })))
      .rejects.toMatchObject({ name: 'OrganizationNotFoundException', message: `Organization m-${'1'.repeat(32)} does not exist` });
    await expect(workMail.send(new DescribeOrganizationCommand({ OrganizationId: 'o-abc' }))).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });

  test('takes the faults scoped to it', async () => {
    local.workMail.injectFault({ kind: 'access-denied' }, { operation: 'DescribeOrganization' });
    await expect(workMail.send(new DescribeOrganizationCommand({ OrganizationId: ORG }))).rejects.toMatchObject({
      name: 'AccessDeniedException', message: expect.stringContaining(`not authorized to perform: workmail:DescribeOrganization on resource: arn:aws:workmail:us-east-1:123456789012:organization/${ORG}`),
    });
    await expect(workMail.send(new DescribeOrganizationCommand({ OrganizationId: ORG }))).resolves.toMatchObject({ State: 'Active' });
  });
});

describe('STS GetCallerIdentity', () => {
  test('answers the account the endpoints play, for the access key that signed', async () => {
    const sts = new STSClient({});
    try {
      await expect(sts.send(new GetCallerIdentityCommand({}))).resolves.toMatchObject({
        Account: '123456789012', Arn: `arn:aws:sts::123456789012:assumed-role/LocalWorkMail/${local.env.AWS_ACCESS_KEY_ID}`,
      });
    } finally {
      sts.destroy();
    }
  });

  test('an unsigned request and another action are refused as STS refuses them', async () => {
    const unsigned = await rawRequest(local.endpoints.sts, { body: 'Action=GetCallerIdentity&Version=2011-06-15' });
    expect([unsigned.status, unsigned.text]).toEqual([403, expect.stringContaining('<Code>MissingAuthenticationToken</Code>')]);
    const headers = { ...signedLookingHeaders('x'), authorization: signedLookingHeaders('x').authorization.replace('/workmail/', '/sts/') };
    const other = await rawRequest(local.endpoints.sts, { headers, body: 'Action=AssumeRole&Version=2011-06-15' });
    expect([other.status, other.text]).toEqual([400, expect.stringContaining('<Code>InvalidAction</Code>')]);
  });
});

describe('faults that play another shape or a missing permission', () => {
  const create = (name = 'scan-inbound') => rules.create('INBOUND', { ...inboundSyncRule({ Name: name }), ClientToken: name });

  test('unknown-operation: the type alone, nothing done', async () => {
    local.workMail.injectFault({ kind: 'unknown-operation' });
    await expect(create()).rejects.toMatchObject({ name: 'ContractMismatchError', mismatch: { kind: 'unknown-operation', answer: 'UnknownOperationException' } });
    expect(local.workMail.rules(ORG, 'INBOUND')).toEqual([]);
    expect(local.workMail.requests[0]).toMatchObject({ status: 400, errorType: 'com.amazon.coral.service#UnknownOperationException', fault: 'unknown-operation' });
  });

  test('require-member: ValidationException naming the member we did not send; a request that has it passes', async () => {
    local.workMail.injectFault({ kind: 'require-member', member: 'Priority' }, { count: 2 });
    await expect(create()).rejects.toMatchObject({
      mismatch: { kind: 'validation', answer: "ValidationException: 1 validation error detected: Value null at 'priority' failed to satisfy constraint: Member must not be null" },
    });
    local.workMail.clearFaults();
    local.workMail.injectFault({ kind: 'require-member', member: 'Name' });
    await expect(create()).resolves.toEqual({ RuleId: expect.any(String) });
  });

  test('rename-output: the request is carried out, the answer names RuleId and Rules otherwise', async () => {
    local.workMail.injectFault({ kind: 'rename-output' }, { count: 2 });
    await expect(create()).rejects.toMatchObject({ mismatch: { kind: 'missing-output', missing: ['RuleId'], answer: expect.stringMatching(/^\{"Id":"[0-9a-f-]{36}"\}$/) } });
    expect(local.workMail.rules(ORG, 'INBOUND')).toHaveLength(1);
    await expect(rules.listAll('INBOUND', ORG)).rejects.toMatchObject({ mismatch: { missing: ['Rules'], answer: expect.stringMatching(/^\{"Items":\[\{.*"Id":"/) } });
  });

  test('access-denied names the action and the organization', async () => {
    local.workMail.injectFault({ kind: 'access-denied' }, { operation: OPERATIONS.OUTBOUND.list });
    await expect(rules.listAll('OUTBOUND', ORG)).rejects.toMatchObject({
      name: 'AccessDeniedException', message: expect.stringContaining(`workmail:ListOutboundMailFlowRules on resource: arn:aws:workmail:us-east-1:123456789012:organization/${ORG}`),
    });
  });

  test('the control route takes the new kinds; bad ones are refused', async () => {
    const post = (body: object) => rawRequest(`${local.endpoints.workMail}/__emulator/faults`, { body: JSON.stringify(body) });
    expect((await post({ kind: 'require-member', member: 'Priority', operation: OPERATIONS.INBOUND.create })).json).toEqual({ pendingFaults: 1 });
    expect((await post({ kind: 'rename-output' })).json).toEqual({ pendingFaults: 2 });
    expect((await post({ kind: 'require-member', member: 'not a name' })).status).toBe(400);
    expect((await post({ kind: 'access-denied', operation: 'DescribeUser' })).json.message).toMatch(/^unknown operation DescribeUser; known: .*DescribeOrganization$/);
  });
});
