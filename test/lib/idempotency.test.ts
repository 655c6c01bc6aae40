import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IdempotencyTable, WorkMailOrganization } from '../../lib';
import { ENV, MakeWorkMailFunction, ORG_ID, nagFindings, setup, WORKMAIL_FUNCTIONS } from './helpers';

const ITEM_ACTIONS = ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'];

/** The statements of every inline policy of the stack. */
function statements(template: Template): any[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

/** The actions of a statement, sorted, as a list. */
function actionsOf(statement: any): string[] {
  return [statement.Action].flat().sort();
}

describe.each(WORKMAIL_FUNCTIONS)('%s idempotencyTable', (_name, workMailFunction) => {
  test('is opt-in: no table, no grant, no environment variable, no idempotencyTable attribute', () => {
    const { stack, org } = setup();
    const fn = workMailFunction(stack, org);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::DynamoDB::Table', 0);
    expect(JSON.stringify(template.toJSON())).not.toContain('dynamodb:');
    expect(JSON.stringify(template.toJSON())).not.toContain('WORKMAIL_IDEMPOTENCY_TABLE_NAME');
    expect(fn.idempotencyTable).toBeUndefined();
  });

  test('create() makes the table Powertools expects: String key id, TTL on expiration, on demand, point-in-time recovery, deleted with the stack', () => {
    const { stack, org } = setup();
    const fn = workMailFunction(stack, org, 'Handler', { idempotencyTable: IdempotencyTable.create() });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: {
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      },
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
    });
    expect(fn.idempotencyTable).toBeInstanceOf(dynamodb.Table);
    expect(fn.idempotencyTable!.node.path).toBe('Stack/Handler/IdempotencyTable');
  });

  test('the function may GetItem, PutItem, UpdateItem and DeleteItem on the table ARN only, and gets the name in WORKMAIL_IDEMPOTENCY_TABLE_NAME', () => {
    const { stack, org } = setup();
    workMailFunction(stack, org, 'Handler', { environment: { OTHER: 'kept' }, idempotencyTable: IdempotencyTable.create() });
    const template = Template.fromStack(stack);
    const tableId = Object.keys(template.findResources('AWS::DynamoDB::Table'))[0];
    const dynamo = statements(template).filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
    expect(dynamo).toEqual([{ Effect: 'Allow', Action: expect.any(Array), Resource: { 'Fn::GetAtt': [tableId, 'Arn'] } }]);
    expect(actionsOf(dynamo[0])).toEqual(ITEM_ACTIONS);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { OTHER: 'kept', WORKMAIL_IDEMPOTENCY_TABLE_NAME: { Ref: tableId } } },
    });
  });

  test('create() options: removal policy and point-in-time recovery', () => {
    const { stack, org } = setup();
    workMailFunction(stack, org, 'Handler', { idempotencyTable: IdempotencyTable.create({ removalPolicy: RemovalPolicy.RETAIN, pointInTimeRecovery: false }) });
    Template.fromStack(stack).hasResource('AWS::DynamoDB::Table', {
      Properties: { PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false } },
      DeletionPolicy: 'Retain',
    });
  });

  test('one create() given to two functions makes a table for each', () => {
    const { stack, org } = setup();
    const idempotencyTable = IdempotencyTable.create();
    const a = workMailFunction(stack, org, 'A', { idempotencyTable });
    const b = workMailFunction(stack, org, 'B', { idempotencyTable });
    Template.fromStack(stack).resourceCountIs('AWS::DynamoDB::Table', 2);
    expect(a.idempotencyTable).not.toBe(b.idempotencyTable);
  });

  test('fromTable() uses a table of the app with the right shape (Table or TableV2), shared by two functions', () => {
    const { stack, org } = setup();
    const table = new dynamodb.Table(stack, 'Shared', {
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING }, timeToLiveAttribute: 'expiration',
    });
    const a = workMailFunction(stack, org, 'A', { idempotencyTable: IdempotencyTable.fromTable(table) });
    workMailFunction(stack, org, 'B', { idempotencyTable: IdempotencyTable.fromTable(table) });
    const v2 = new dynamodb.TableV2(stack, 'V2', {
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING }, timeToLiveAttribute: 'expiration',
    });
    workMailFunction(stack, org, 'C', { idempotencyTable: IdempotencyTable.fromTable(v2) });
    expect(a.idempotencyTable).toBe(table);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    const sharedId = stack.getLogicalId(table.node.defaultChild as dynamodb.CfnTable);
    const onShared = statements(template).filter((s) => JSON.stringify(s.Resource) === JSON.stringify({ 'Fn::GetAtt': [sharedId, 'Arn'] }));
    expect(onShared).toHaveLength(2);
    for (const s of onShared) expect(actionsOf(s)).toEqual(ITEM_ACTIONS);
  });

  test('fromTable() with an imported table of the same account and Region grants on its ARN', () => {
    const { stack, org } = setup();
    const table = dynamodb.Table.fromTableName(stack, 'Imported', 'idempotency');
    workMailFunction(stack, org, 'A', { idempotencyTable: IdempotencyTable.fromTable(table) });
    const template = Template.fromStack(stack);
    const dynamo = statements(template).filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
    expect(dynamo).toHaveLength(1);
    expect(JSON.stringify(dynamo[0].Resource)).toContain(':dynamodb:us-east-1:123456789012:table/idempotency');
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: { WORKMAIL_IDEMPOTENCY_TABLE_NAME: 'idempotency' } } });
  });

  test('a table encrypted with a customer managed key: the function may also use the key, for DynamoDB to encrypt and decrypt its items', () => {
    const { stack, org } = setup();
    const encryptionKey = new kms.Key(stack, 'Key');
    const table = new dynamodb.Table(stack, 'Encrypted', {
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING }, timeToLiveAttribute: 'expiration',
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED, encryptionKey,
    });
    workMailFunction(stack, org, 'A', { idempotencyTable: IdempotencyTable.fromTable(table) });
    const kmsStatements = statements(Template.fromStack(stack)).filter((s) => actionsOf(s).some((a) => a.startsWith('kms:')));
    expect(kmsStatements).toHaveLength(1);
    expect(actionsOf(kmsStatements[0])).toEqual(['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*']);
    expect(kmsStatements[0].Resource).toEqual({ 'Fn::GetAtt': [stack.getLogicalId(encryptionKey.node.defaultChild as kms.CfnKey), 'Arn'] });
  });

  test('a role the user gives gets the grant', () => {
    const { stack, org } = setup();
    const role = new iam.Role(stack, 'Given', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    workMailFunction(stack, org, 'A', { role, idempotencyTable: IdempotencyTable.create() });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Given') }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['dynamodb:PutItem']) })]) },
    });
  });

  test('passes cdk-nag AwsSolutionsChecks by default; without point-in-time recovery, AwsSolutions-DDB3 says so', () => {
    expect(nagFindingsOf(workMailFunction)).toEqual([]);
    expect(nagFindingsOf(workMailFunction, false).join('\n')).toMatch(/^AwsSolutions-DDB3/);
  });

  describe('synth-time errors', () => {
    test('a table in another Region', () => {
      const { stack, org } = setup();
      const table = dynamodb.Table.fromTableArn(stack, 'Far', 'arn:aws:dynamodb:eu-west-1:123456789012:table/idempotency');
      expect(() => workMailFunction(stack, org, 'A', { idempotencyTable: IdempotencyTable.fromTable(table) }))
        .toThrow('Stack/A: idempotencyTable is in Region eu-west-1, but the function is in us-east-1; the function finds the table by its name, in its own account and Region');
    });

    test('a table in another account', () => {
      const { stack, org } = setup();
      const table = dynamodb.Table.fromTableArn(stack, 'Far', 'arn:aws:dynamodb:us-east-1:210987654321:table/idempotency');
      expect(() => workMailFunction(stack, org, 'A', { idempotencyTable: IdempotencyTable.fromTable(table) }))
        .toThrow('Stack/A: idempotencyTable is in account 210987654321, but the function is in account 123456789012; the function finds the table by its name, in its own account and Region');
    });

    test('a table of another stack in another Region', () => {
      const { app, stack, org } = setup();
      const other = new Stack(app, 'Other', { env: { ...ENV, region: 'us-west-2' } });
      const table = new dynamodb.Table(other, 'T', { partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING }, timeToLiveAttribute: 'expiration' });
      expect(() => workMailFunction(stack, org, 'A', { idempotencyTable: IdempotencyTable.fromTable(table) }))
        .toThrow('idempotencyTable is in Region us-west-2, but the function is in us-east-1');
    });

    test('a partition key of another name or type', () => {
      const { stack, org } = setup();
      const byName = new dynamodb.Table(stack, 'ByName', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING }, timeToLiveAttribute: 'expiration' });
      expect(() => workMailFunction(stack, org, 'A', { idempotencyTable: IdempotencyTable.fromTable(byName) }))
        .toThrow("Stack/A: idempotencyTable has the partition key 'pk' of type S; Powertools' DynamoDBPersistenceLayer (with its default attribute names) needs a String partition key named 'id' (type S) and no sort key");
      const byType = new dynamodb.Table(stack, 'ByType', { partitionKey: { name: 'id', type: dynamodb.AttributeType.NUMBER }, timeToLiveAttribute: 'expiration' });
      expect(() => workMailFunction(stack, org, 'B', { idempotencyTable: IdempotencyTable.fromTable(byType) }))
        .toThrow("idempotencyTable has the partition key 'id' of type N;");
    });

    test('a sort key', () => {
      const { stack, org } = setup();
      const table = new dynamodb.TableV2(stack, 'Sorted', {
        partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING }, sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING }, timeToLiveAttribute: 'expiration',
      });
      expect(() => workMailFunction(stack, org, 'A', { idempotencyTable: IdempotencyTable.fromTable(table) }))
        .toThrow("Stack/A: idempotencyTable has the sort key 'sk'; Powertools' DynamoDBPersistenceLayer (with its default attribute names) needs a String partition key named 'id' and no sort key");
    });

    test('no TTL, or TTL on another attribute', () => {
      const { stack, org } = setup();
      const none = new dynamodb.Table(stack, 'NoTtl', { partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING } });
      expect(() => workMailFunction(stack, org, 'A', { idempotencyTable: IdempotencyTable.fromTable(none) }))
        .toThrow("Stack/A: idempotencyTable has no TTL attribute; set timeToLiveAttribute: 'expiration' (where Powertools writes each record's expiry) so that DynamoDB deletes expired records");
      const other = new dynamodb.Table(stack, 'OtherTtl', { partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING }, timeToLiveAttribute: 'ttl' });
      expect(() => workMailFunction(stack, org, 'B', { idempotencyTable: IdempotencyTable.fromTable(other) }))
        .toThrow("Stack/B: idempotencyTable has the TTL attribute 'ttl', but Powertools writes each record's expiry in 'expiration'; set timeToLiveAttribute: 'expiration'");
    });

    test('the environment variable also set by hand', () => {
      const { stack, org } = setup();
      expect(() => workMailFunction(stack, org, 'A', { environment: { WORKMAIL_IDEMPOTENCY_TABLE_NAME: 'mine' }, idempotencyTable: IdempotencyTable.create() }))
        .toThrow('Stack/A: environment sets WORKMAIL_IDEMPOTENCY_TABLE_NAME (to "mine"), which idempotencyTable sets to the table\'s name; remove it from environment');
    });

    test('nothing is checked that cannot be known: an imported table by name, a stack with no account or Region', () => {
      const { stack, org } = setup({});
      const table = dynamodb.Table.fromTableName(stack, 'Imported', 'idempotency');
      expect(() => workMailFunction(stack, org, 'A', { idempotencyTable: IdempotencyTable.fromTable(table) })).not.toThrow();
    });
  });
});

/** AwsSolutions findings on a stack with one function and its idempotency table. */
function nagFindingsOf(workMailFunction: MakeWorkMailFunction, pointInTimeRecovery?: boolean): string[] {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'nag-')) });
  const stack = new Stack(app, 'Stack', { env: ENV });
  const org = WorkMailOrganization.fromOrganizationId(stack, 'Org', ORG_ID);
  workMailFunction(stack, org, 'Handler', { idempotencyTable: IdempotencyTable.create({ pointInTimeRecovery }) });
  return nagFindings(app);
}
