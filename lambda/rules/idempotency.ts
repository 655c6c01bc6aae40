/**
 * What the idempotency table (made by `WorkMailFunction`'s `idempotencyTable` prop) and the handler
 * (configured by `idempotencyOptions()` of the runtime) must agree on, in one place.
 *
 * Plain TypeScript with no dependency: the constructs use it to build and check the table, the runtime
 * helper to configure Powertools for AWS Lambda's idempotency utility.
 */
import { RULE_TIMEOUT_MINUTES } from './flow-rules';

/** The environment variable in which `WorkMailFunction` passes the idempotency table's name to the handler. */
export const IDEMPOTENCY_TABLE_ENV = 'WORKMAIL_IDEMPOTENCY_TABLE_NAME';

/** The partition key (a string) that Powertools' `DynamoDBPersistenceLayer` writes by default. */
export const IDEMPOTENCY_KEY_ATTRIBUTE = 'id';

/**
 * The attribute in which Powertools' `DynamoDBPersistenceLayer` writes a record's expiry (epoch seconds)
 * by default; the table's TTL attribute, so that DynamoDB deletes expired records.
 */
export const IDEMPOTENCY_TTL_ATTRIBUTE = 'expiration';

/** The event field that WorkMail keeps the same when it invokes the function again for the same message. */
export const IDEMPOTENCY_EVENT_KEY = 'invocationId';

/** Lambda keeps an asynchronous invocation's event (and retries it) for at most 6 hours. */
export const LAMBDA_ASYNC_MAX_EVENT_AGE_SECONDS = 6 * 60 * 60;

/**
 * How long an idempotency record must last: the longest time WorkMail (or Lambda, for an asynchronous
 * rule) may invoke the function again with the same `invocationId`. A synchronous rule retries for at
 * most 240 minutes (its rule timeout); an asynchronous invocation lives at most 6 hours in Lambda's queue.
 * Powertools' own default (1 hour) is shorter than either.
 */
export const IDEMPOTENCY_EXPIRY_SECONDS = Math.max(RULE_TIMEOUT_MINUTES.max * 60, LAMBDA_ASYNC_MAX_EVENT_AGE_SECONDS);

/** The DynamoDB actions Powertools' `DynamoDBPersistenceLayer` calls, and no other. */
export const IDEMPOTENCY_TABLE_ACTIONS: readonly string[] = [
  'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem',
];

/** The key schema and TTL attribute of a table, as far as they are known (undefined: not known). */
export interface TableShape {
  readonly partitionKey?: { readonly name: string; readonly type: string };
  readonly sortKey?: { readonly name: string; readonly type: string } | null;
  /** The TTL attribute, `null` when TTL is known to be off. */
  readonly ttlAttribute?: string | null;
}

/** Why a table cannot hold Powertools' idempotency records as `idempotencyOptions()` configures them. */
export function idempotencyTableProblems(field: string, table: TableShape): string[] {
  const problems: string[] = [];
  const want = `Powertools' DynamoDBPersistenceLayer (with its default attribute names) needs a String partition key named '${IDEMPOTENCY_KEY_ATTRIBUTE}'`;
  const { partitionKey, sortKey, ttlAttribute } = table;
  if (partitionKey && (partitionKey.name !== IDEMPOTENCY_KEY_ATTRIBUTE || partitionKey.type !== 'S')) {
    problems.push(`${field} has the partition key '${partitionKey.name}' of type ${partitionKey.type}; ${want} (type S) and no sort key`);
  }
  if (sortKey) {
    problems.push(`${field} has the sort key '${sortKey.name}'; ${want} and no sort key`);
  }
  if (ttlAttribute === null) {
    problems.push(`${field} has no TTL attribute; set timeToLiveAttribute: '${IDEMPOTENCY_TTL_ATTRIBUTE}' (where Powertools writes each record's expiry) so that DynamoDB deletes expired records`);
  } else if (ttlAttribute !== undefined && ttlAttribute !== IDEMPOTENCY_TTL_ATTRIBUTE) {
    problems.push(`${field} has the TTL attribute '${ttlAttribute}', but Powertools writes each record's expiry in '${IDEMPOTENCY_TTL_ATTRIBUTE}'; set timeToLiveAttribute: '${IDEMPOTENCY_TTL_ATTRIBUTE}'`);
  }
  return problems;
}
