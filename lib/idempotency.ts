import { Arn, ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import {
  environmentProblem, IDEMPOTENCY_KEY_ATTRIBUTE, IDEMPOTENCY_TTL_ATTRIBUTE, idempotencyTableProblems, type TableShape,
} from '../lambda/rules';
import { check } from './private/errors';
import { known, knownEnvironment } from './private/tokens';

/**
 * Options of the idempotency table that `IdempotencyTable.create()` makes.
 */
export interface IdempotencyTableOptions {
  /**
   * What happens to the table when it leaves the stack. Its records only matter while WorkMail may retry
   * an invocation (6 hours at most), so nothing is lost by deleting it.
   *
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Whether to turn on point-in-time recovery. On by default because it costs next to nothing on a table that
   * holds at most 6 hours of small records, and compliance checks (cdk-nag AwsSolutions-DDB3, AWS Config's
   * dynamodb-pitr-enabled) ask for it on every table; restoring this table has little use (a restored record
   * whose retries are over has expired, and Powertools ignores it), so turning it off loses nothing.
   *
   * @default true
   */
  readonly pointInTimeRecovery?: boolean;
}

/**
 * The DynamoDB table in which a `WorkMailFunction` keeps Powertools for AWS Lambda's idempotency records.
 *
 * Pass `IdempotencyTable.create()` for a new table (one per function), or `IdempotencyTable.fromTable()`
 * for a table of your own, as the `idempotencyTable` prop of `WorkMailFunction`. Either way the function may
 * read and write the table's items (GetItem, PutItem, UpdateItem, DeleteItem, nothing more) and gets its name
 * in the `WORKMAIL_IDEMPOTENCY_TABLE_NAME` environment variable.
 *
 * @example
 * import { RemovalPolicy } from 'aws-cdk-lib';
 * import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
 * import * as lambda from 'aws-cdk-lib/aws-lambda';
 * import { IdempotencyTable, WorkMailFunction, type IWorkMailOrganization } from 'cdk-workmail-lambda';
 *
 * declare const organization: IWorkMailOrganization;
 * declare const sharedTable: dynamodb.ITable;
 *
 * // A table of its own, kept when the stack is deleted.
 * new WorkMailFunction(this, 'Handler', {
 *   organization,
 *   runtime: lambda.Runtime.NODEJS_24_X,
 *   handler: 'index.handler',
 *   code: lambda.Code.fromAsset('dist/handler'),
 *   idempotencyTable: IdempotencyTable.create({ removalPolicy: RemovalPolicy.RETAIN }),
 * });
 *
 * // A table shared by several functions.
 * new WorkMailFunction(this, 'Other', {
 *   organization,
 *   runtime: lambda.Runtime.NODEJS_24_X,
 *   handler: 'index.handler',
 *   code: lambda.Code.fromAsset('dist/other'),
 *   idempotencyTable: IdempotencyTable.fromTable(sharedTable),
 * });
 */
export abstract class IdempotencyTable {
  /**
   * A new table made for the function: String partition key `id`, TTL on `expiration` (the names
   * Powertools' `DynamoDBPersistenceLayer` uses by default), on-demand billing, point-in-time recovery, encrypted with an AWS owned key.
   *
   * @param options removal policy and point-in-time recovery
   */
  public static create(options: IdempotencyTableOptions = {}): IdempotencyTable {
    return new NewIdempotencyTable(options);
  }

  /**
   * A table of your own, for example one shared by several functions (Powertools prefixes each key with
   * the function's name, so they do not collide).
   *
   * It must be in the function's account and Region, have a String partition key `id`, no sort key, and TTL
   * on `expiration`; what can be known of a table defined in the app is checked at synth time (an imported
   * table's key schema cannot be, so check it yourself). When it is encrypted with a customer managed key,
   * the function may also use the key.
   *
   * @param table the table
   */
  public static fromTable(table: dynamodb.ITable): IdempotencyTable {
    return new GivenIdempotencyTable(table);
  }

  /**
   * The table for a function: made under `scope` (the function), or the given table once checked against it.
   *
   * @param scope the function that keeps its idempotency records in the table
   */
  public abstract bind(scope: Construct): dynamodb.ITable;
}

class NewIdempotencyTable extends IdempotencyTable {
  constructor(private readonly options: IdempotencyTableOptions) {
    super();
  }

  public bind(scope: Construct): dynamodb.ITable {
    const pointInTimeRecovery = this.options.pointInTimeRecovery ?? true;
    return new dynamodb.Table(scope, 'IdempotencyTable', {
      partitionKey: { name: IDEMPOTENCY_KEY_ATTRIBUTE, type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: IDEMPOTENCY_TTL_ATTRIBUTE,
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: pointInTimeRecovery },
      removalPolicy: this.options.removalPolicy ?? RemovalPolicy.DESTROY,
    });
  }
}

class GivenIdempotencyTable extends IdempotencyTable {
  constructor(private readonly table: dynamodb.ITable) {
    super();
  }

  public bind(scope: Construct): dynamodb.ITable {
    const table = this.table;
    // An import by ARN keeps the stack's env: its ARN tells where the table is.
    const arn = known(table.tableArn) === undefined ? undefined : Arn.split(table.tableArn, ArnFormat.SLASH_RESOURCE_NAME);
    const where = {
      region: (arn && known(arn.region ?? '')) || known(table.env.region),
      account: (arn && known(arn.account ?? '')) || known(table.env.account),
    };
    check(scope,
      environmentProblem('idempotencyTable is', where, { name: 'the function', ...knownEnvironment(Stack.of(scope)) },
        'the function finds the table by its name, in its own account and Region'),
      ...idempotencyTableProblems('idempotencyTable', shapeOf(table)));
    return table;
  }
}

type KeySchema = { attributeName: string; keyType: string }[];
type AttributeDefinitions = { attributeName: string; attributeType: string }[];

/** The key schema and TTL of a table defined in the app (Table or TableV2); nothing for an imported one. */
function shapeOf(table: dynamodb.ITable): TableShape {
  const cfn = table.node.defaultChild;
  if (!(cfn instanceof dynamodb.CfnTable) && !(cfn instanceof dynamodb.CfnGlobalTable)) return {};
  const stack = Stack.of(cfn);
  const resolved = <T>(value: unknown): T | undefined => {
    const plain = stack.resolve(value);
    return plain === undefined || containsIntrinsic(plain) ? undefined : plain as T;
  };
  const keySchema = resolved<KeySchema>(cfn.keySchema);
  const attributes = resolved<AttributeDefinitions>(cfn.attributeDefinitions);
  const ttl = stack.resolve(cfn.timeToLiveSpecification);
  const typeOf = (name: string) => attributes?.find((a) => a.attributeName === name)?.attributeType ?? 'unknown';
  const key = (keyType: string) => keySchema?.find((k) => k.keyType === keyType);
  const hash = key('HASH');
  const range = key('RANGE');
  return {
    partitionKey: hash && { name: hash.attributeName, type: typeOf(hash.attributeName) },
    sortKey: keySchema ? (range ? { name: range.attributeName, type: typeOf(range.attributeName) } : null) : undefined,
    ttlAttribute: ttl === undefined || ttl.enabled === false
      ? null
      : (typeof ttl.attributeName === 'string' && ttl.enabled === true ? ttl.attributeName : undefined),
  };
}

/** A resolved CloudFormation value that still holds `Ref`/`Fn::*` cannot be compared at synth time. */
function containsIntrinsic(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(containsIntrinsic);
  if (value && typeof value === 'object') {
    return Object.entries(value).some(([k, v]) => k === 'Ref' || k.startsWith('Fn::') || containsIntrinsic(v));
  }
  return false;
}
