/**
 * Idempotent WorkMail handlers with Powertools for AWS Lambda's idempotency utility
 * (`@aws-lambda-powertools/idempotency`), keyed on the event's `invocationId`.
 *
 * WorkMail invokes the function again with the same `invocationId` when an invocation failed, timed out
 * or gave an answer it could not use. This module holds no Powertools code and imports no package: it gives
 * the options and the table name to pass to Powertools, so that the rest of the runtime loads without it.
 * Powertools and `@aws-sdk/client-dynamodb` are the handler's own dependencies.
 */
import { IDEMPOTENCY_EVENT_KEY, IDEMPOTENCY_EXPIRY_SECONDS, IDEMPOTENCY_TABLE_ENV } from '../../rules/idempotency';
import { WorkMailConfigurationError } from '../errors';

export { IDEMPOTENCY_TABLE_ENV };

/** Options for Powertools' `IdempotencyConfig` (a subset of its `IdempotencyConfigOptions`). */
export interface WorkMailIdempotencyOptions {
  /** `'invocationId'`: the record's key is the hash of the event's invocation id, nothing else of the event. */
  readonly eventKeyJmesPath: string;
  /**
   * 21600 (6 hours): a record outlives every retry of its invocation (WorkMail retries a synchronous rule
   * for at most 240 minutes; Lambda keeps an asynchronous event for at most 6 hours). Powertools' own
   * default, 1 hour, is shorter.
   */
  readonly expiresAfterSeconds: number;
  /** `true`: an event without an `invocationId` is an error, not a silent run without idempotency. */
  readonly throwOnNoIdempotencyKey: boolean;
}

/**
 * The options of Powertools' `IdempotencyConfig` for a WorkMail handler:
 * `new IdempotencyConfig(idempotencyOptions())`, or `new IdempotencyConfig({ ...idempotencyOptions(), useLocalCache: true })`
 * to add or change one.
 */
export function idempotencyOptions(): WorkMailIdempotencyOptions {
  return {
    eventKeyJmesPath: IDEMPOTENCY_EVENT_KEY,
    expiresAfterSeconds: IDEMPOTENCY_EXPIRY_SECONDS,
    throwOnNoIdempotencyKey: true,
  };
}

/**
 * The name of the idempotency table, from the `WORKMAIL_IDEMPOTENCY_TABLE_NAME` environment variable that
 * `WorkMailFunction` sets when its `idempotencyTable` prop is given; throws when it is not set.
 *
 * @param env the environment to read (the process's by default)
 */
export function idempotencyTableName(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const name = env[IDEMPOTENCY_TABLE_ENV];
  if (!name) {
    throw new WorkMailConfigurationError('MISSING_SETTING', `${IDEMPOTENCY_TABLE_ENV} is not set: give the WorkMailFunction an idempotencyTable ` +
      '(IdempotencyTable.create() or IdempotencyTable.fromTable(table)), which passes the table name to the function');
  }
  return name;
}
