/**
 * End to end: a WorkMail handler made idempotent with Powertools for AWS Lambda, through the real DynamoDB
 * client, against dynalite (a DynamoDB implementation from the npm registry) on 127.0.0.1, in a table made
 * from the one `WorkMailFunction` synthesizes and named by the variable it sets.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { CreateTableCommand, CreateTableCommandInput, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context } from 'aws-lambda';
import { IdempotencyTable, WorkMailFunction, WorkMailOrganization } from '../../lib';
import { IDEMPOTENCY_TABLE_ENV, idempotencyOptions, idempotencyTableName } from '../../lambda/runtime/invocation/idempotency';
import { FAKE_ACCESS_KEY_ID, setEnv } from '../local/aws-env';

// dynalite ships no types: the part of its API the test uses.
const dynalite: (options: { createTableMs: number; deleteTableMs: number; updateTableMs: number }) => Server = require('dynalite');

const TABLE_NAME = 'WorkMailIdempotencyTable';
const FUNCTION_NAME = 'WorkMailHandler';

interface Event { invocationId?: string; messageId: string; subject: string; envelope: { recipients: { address: string }[] } }

function event(invocationId: string | undefined, subject = 'Quarterly report'): Event {
  return { invocationId, messageId: `msg-${invocationId}`, subject, envelope: { recipients: [{ address: 'a@example.com' }] } };
}

function context(remainingMillis = 14_000): Context {
  return {
    functionName: FUNCTION_NAME, functionVersion: '$LATEST', invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${FUNCTION_NAME}`,
    memoryLimitInMB: '128', awsRequestId: 'request', logGroupName: 'group', logStreamName: 'stream', callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => remainingMillis, done: () => undefined, fail: () => undefined, succeed: () => undefined,
  };
}

/**
 * The table the construct synthesizes (key schema, attributes, billing), and the environment variable it
 * passes the table's name in: read from the template so that the test and the construct cannot drift.
 */
function synthesized(): { createTable: CreateTableCommandInput; envVar: string; ttlAttribute: string } {
  const stack = new Stack(new App(), 'Stack', { env: { account: '123456789012', region: 'us-east-1' } });
  new WorkMailFunction(stack, 'Handler', {
    organization: WorkMailOrganization.fromOrganizationId(stack, 'Org', 'm-0123456789abcdef0123456789abcdef'),
    runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('x'),
    idempotencyTable: IdempotencyTable.create(),
  });
  const template = Template.fromStack(stack);
  const [[tableId, table]] = Object.entries<any>(template.findResources('AWS::DynamoDB::Table'));
  const [fn] = Object.values<any>(template.findResources('AWS::Lambda::Function'));
  const variables: Record<string, unknown> = fn.Properties.Environment.Variables;
  const envVar = Object.keys(variables).find((k) => JSON.stringify(variables[k]) === JSON.stringify({ Ref: tableId }))!;
  const { KeySchema, AttributeDefinitions, BillingMode, TimeToLiveSpecification } = table.Properties;
  return {
    createTable: { TableName: TABLE_NAME, KeySchema, AttributeDefinitions, BillingMode },
    envVar,
    ttlAttribute: TimeToLiveSpecification.AttributeName,
  };
}

describe('idempotent WorkMail handler with Powertools, through the DynamoDB client, against dynalite', () => {
  let server: Server;
  let restoreEnv: () => void;
  let client: DynamoDBClient;
  let ttlAttribute: string;

  beforeAll(async () => {
    server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const table = synthesized();
    ttlAttribute = table.ttlAttribute;
    restoreEnv = setEnv({
      AWS_ACCESS_KEY_ID: FAKE_ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: 'emulator-secret-access-key',
      AWS_SESSION_TOKEN: undefined,
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${port}`,
      AWS_ENDPOINT_URL: undefined,
      AWS_PROFILE: undefined,
      AWS_CONFIG_FILE: `${__dirname}/no-such-aws-config`,
      AWS_SHARED_CREDENTIALS_FILE: `${__dirname}/no-such-aws-config`,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      AWS_LAMBDA_FUNCTION_NAME: FUNCTION_NAME,
      POWERTOOLS_IDEMPOTENCY_DISABLED: undefined,
      // what WorkMailFunction sets in the function's environment
      [table.envVar]: TABLE_NAME,
    });
    client = new DynamoDBClient({});
    await client.send(new CreateTableCommand(table.createTable));
  });

  afterAll(async () => {
    client?.destroy();
    restoreEnv?.();
    // the SDK clients keep their connections alive; close them so that the server stops at once
    const closed = new Promise((resolve) => server?.close(resolve));
    server?.closeAllConnections();
    await closed;
  });

  /** Records in the table, by idempotency key. */
  async function records(): Promise<Record<string, any>[]> {
    const { Items = [] } = await client.send(new ScanCommand({ TableName: TABLE_NAME, ConsistentRead: true }));
    return Items.map((item) => unmarshall(item));
  }

  /**
   * The handler as docs/idempotency.md writes it: each run "opens a ticket" (the side effect, counted here)
   * and bounces the message with the ticket number, so a replayed answer is told from a new one.
   */
  function idempotentHandler(options: { gate?: Promise<void>; fail?: boolean } = {}) {
    const tickets: string[] = [];
    const persistenceStore = new DynamoDBPersistenceLayer({ tableName: idempotencyTableName() });
    const handler = makeIdempotent(async (e: Event, _context: Context) => {
      tickets.push(e.messageId);
      const ticket = `T-${tickets.length}`;
      await options.gate;
      if (options.fail) throw new Error('the ticket system is down');
      return { actions: [{ action: { type: 'BOUNCE', parameters: { bounceMessage: `Held for review, ticket ${ticket}` } }, allRecipients: true }] };
    }, { persistenceStore, config: new IdempotencyConfig(idempotencyOptions()) });
    return { handler, tickets };
  }

  test('the construct passes the table name in the variable the runtime reads', () => {
    expect(synthesized().envVar).toBe(IDEMPOTENCY_TABLE_ENV);
    expect(idempotencyTableName()).toBe(TABLE_NAME);
  });

  test('a retry with the same invocationId returns the first answer and opens no second ticket; another invocationId runs again', async () => {
    const { handler, tickets } = idempotentHandler();
    const first = await handler(event('inv-retry-1'), context());
    expect(first.actions[0].action.parameters.bounceMessage).toBe('Held for review, ticket T-1');
    // WorkMail's retry of the same invocation (same invocationId, same event)
    expect(await handler(event('inv-retry-1'), context())).toEqual(first);
    // another handler instance (a new Lambda execution environment) reads the answer from the table
    const other = idempotentHandler();
    expect(await other.handler(event('inv-retry-1'), context())).toEqual(first);
    expect(other.tickets).toEqual([]);
    expect(tickets).toEqual(['msg-inv-retry-1']);

    const second = await handler(event('inv-retry-2'), context());
    expect(second.actions[0].action.parameters.bounceMessage).toBe('Held for review, ticket T-2');
    expect(tickets).toEqual(['msg-inv-retry-1', 'msg-inv-retry-2']);
  });

  test('the record is keyed on the invocationId alone, lasts 6 hours, and its expiry is in the attribute the table has TTL on', async () => {
    const { handler, tickets } = idempotentHandler();
    const before = Math.floor(Date.now() / 1000);
    const existing = new Set((await records()).map((r) => r.id));
    const first = await handler(event('inv-key-1', 'first subject'), context());
    // same invocationId, other fields changed: still a retry of the same invocation
    expect(await handler(event('inv-key-1', 'another subject'), context())).toEqual(first);
    expect(tickets).toHaveLength(1);

    const stored = (await records()).filter((r) => !existing.has(r.id));
    expect(stored).toHaveLength(1);
    expect(stored[0].data).toEqual(first);
    expect(stored[0].id).toMatch(new RegExp(`^${FUNCTION_NAME}#`));
    expect(stored[0].status).toBe('COMPLETED');
    expect(Object.keys(stored[0])).toContain(ttlAttribute);
    expect(stored[0][ttlAttribute]).toBeGreaterThanOrEqual(before + 6 * 3600);
    expect(stored[0][ttlAttribute]).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 6 * 3600);
  });

  test('after the record expires (6 hours), the same invocationId runs again', async () => {
    const { handler, tickets } = idempotentHandler();
    await handler(event('inv-expired'), context());
    const now = Date.now();
    const later = jest.spyOn(Date, 'now').mockReturnValue(now + (6 * 3600 + 1) * 1000);
    try {
      const again = await handler(event('inv-expired'), context());
      expect(again.actions[0].action.parameters.bounceMessage).toBe('Held for review, ticket T-2');
    } finally {
      later.mockRestore();
    }
    expect(tickets).toHaveLength(2);
  });

  test('a concurrent duplicate while the first is in flight fails with IdempotencyAlreadyInProgressError; a later retry gets the first answer', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => { open = resolve; });
    const { handler, tickets } = idempotentHandler({ gate });
    const inFlight = handler(event('inv-concurrent'), context());
    await waitFor(() => tickets.length === 1);

    await expect(handler(event('inv-concurrent'), context())).rejects.toMatchObject({ name: 'IdempotencyAlreadyInProgressError' });
    expect(tickets).toHaveLength(1);

    open();
    const first = await inFlight;
    expect(await handler(event('inv-concurrent'), context())).toEqual(first);
    expect(tickets).toHaveLength(1);
  });

  test('an attempt that ran out of time does not block the retry once its Lambda time is over', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => { open = resolve; });
    const stuck = idempotentHandler({ gate });
    // the first attempt had 200 ms left and never finished (Lambda stopped it)
    const abandoned = stuck.handler(event('inv-timeout'), context(200));
    await waitFor(() => stuck.tickets.length === 1);
    await expect(stuck.handler(event('inv-timeout'), context())).rejects.toMatchObject({ name: 'IdempotencyAlreadyInProgressError' });
    await new Promise((resolve) => setTimeout(resolve, 300));

    const retry = idempotentHandler();
    const answer = await retry.handler(event('inv-timeout'), context());
    expect(answer.actions[0].action.parameters.bounceMessage).toBe('Held for review, ticket T-1');
    expect(retry.tickets).toEqual(['msg-inv-timeout']);
    open();
    await abandoned;
  });

  test('a failed attempt stores nothing: the retry runs again', async () => {
    const failing = idempotentHandler({ fail: true });
    await expect(failing.handler(event('inv-failed'), context())).rejects.toThrow('the ticket system is down');
    const retry = idempotentHandler();
    expect((await retry.handler(event('inv-failed'), context())).actions[0].action.parameters.bounceMessage).toBe('Held for review, ticket T-1');
    expect(retry.tickets).toHaveLength(1);
  });

  test('an event without an invocationId is an error, not a silent run without idempotency', async () => {
    const { handler, tickets } = idempotentHandler();
    await expect(handler(event(undefined), context())).rejects.toMatchObject({
      name: 'IdempotencyPersistenceLayerError', cause: { name: 'IdempotencyKeyError' },
    });
    expect(tickets).toEqual([]);
  });
});

describe('idempotencyTableName', () => {
  test('names the variable and the prop when the variable is not set', () => {
    expect(() => idempotencyTableName({})).toThrow(
      'WORKMAIL_IDEMPOTENCY_TABLE_NAME is not set: give the WorkMailFunction an idempotencyTable (IdempotencyTable.create() or IdempotencyTable.fromTable(table)), which passes the table name to the function');
    expect(idempotencyTableName({ WORKMAIL_IDEMPOTENCY_TABLE_NAME: 'x-table' })).toBe('x-table');
  });

  test('idempotencyOptions keys on invocationId for 6 hours and refuses events without one', () => {
    expect(idempotencyOptions()).toEqual({ eventKeyJmesPath: 'invocationId', expiresAfterSeconds: 21600, throwOnNoIdempotencyKey: true });
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!condition()) throw new Error('condition not met in 5 s');
}
