/**
 * The one error family of `cdk-workmail-lambda/runtime`. Every error class the runtime exports extends
 * `WorkMailRuntimeError` and says, in `retryable`, whether a later attempt of the same invocation can
 * succeed. It is decided where the error is made, from what failed, never from message text: a handler
 * (or a user's own code) throws a retryable error so that WorkMail retries, and answers safely otherwise.
 */

/** What every runtime error is constructed with. */
export interface WorkMailRuntimeErrorOptions {
  /** True only when a later attempt can succeed: throttling, 5xx, network failures, time-outs. */
  readonly retryable: boolean;
  /** The error this one was made from. @default none */
  readonly cause?: unknown;
}

/** Base class of every error `cdk-workmail-lambda/runtime` throws or rejects with. */
export class WorkMailRuntimeError extends Error {
  /**
   * True when retrying the same invocation later can succeed (throttling, a 5xx answer, a network failure, a
   * time-out); false when the same input will fail again (malformed input, configuration, a refusal).
   */
  public readonly retryable: boolean;

  constructor(message: string, options: WorkMailRuntimeErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    // Set literally in each class, not from the constructor's name, which a minifying bundler renames.
    this.name = 'WorkMailRuntimeError';
    this.retryable = options.retryable;
  }
}

/**
 * A mistake in how the function or a runtime call is set up (a missing bucket, a bad option, a package the
 * function does not have): never retryable, the code or the deployment must change. `code` names the kind.
 */
export class WorkMailConfigurationError extends WorkMailRuntimeError {
  /** What is wrong: `INVALID_OPTION`, `MISSING_SETTING` or `MISSING_PACKAGE`. */
  public readonly code: WorkMailConfigurationErrorCode;

  constructor(code: WorkMailConfigurationErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, { retryable: false, cause: options.cause });
    this.name = 'WorkMailConfigurationError';
    this.code = code;
  }
}

/** Kinds of `WorkMailConfigurationError`. */
export type WorkMailConfigurationErrorCode =
  /** An option or argument has a value the function does not accept. */
  | 'INVALID_OPTION'
  /** A setting the call needs is absent (an environment variable the construct sets, for example). */
  | 'MISSING_SETTING'
  /** A package the call needs cannot be loaded in the function's environment. */
  | 'MISSING_PACKAGE';

// Error names the AWS SDK and its services use for throttling and passing server-side failures.
const TRANSIENT_NAMES = new Set([
  'ThrottlingException', 'Throttling', 'ThrottledException', 'TooManyRequestsException', 'RequestLimitExceeded',
  'RequestThrottled', 'RequestThrottledException', 'SlowDown', 'ProvisionedThroughputExceededException',
  'BandwidthLimitExceeded', 'PriorRequestNotComplete', 'TransactionInProgressException', 'EC2ThrottledException',
  'TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'InternalError', 'InternalFailure',
  'InternalServerError', 'InternalServerException', 'ServiceUnavailable', 'ServiceUnavailableException',
]);
// Node.js socket and DNS failures: the network, not the request.
const NETWORK_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH',
  'ENETDOWN', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * Whether a later attempt can fix `error`: the one classification of errors that reach a handler unwrapped.
 * A runtime error answers with its own `retryable`; an AWS SDK error is retryable when the SDK marked it so
 * (`$retryable`), when its HTTP status is 429 or 5xx, or when its name is a throttling or passing server
 * failure; a Node.js network error (`ECONNRESET`, `ETIMEDOUT`, ...) is retryable. Anything else is not.
 */
export function isRetryableError(error: unknown): boolean {
  if (error instanceof WorkMailRuntimeError) return error.retryable;
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: unknown; code?: unknown; $retryable?: unknown; $metadata?: { httpStatusCode?: unknown } };
  if (e.$retryable !== undefined && e.$retryable !== null && e.$retryable !== false) return true;
  const status = e.$metadata?.httpStatusCode;
  if (typeof status === 'number' && (status === 429 || status >= 500)) return true;
  if (typeof e.name === 'string' && TRANSIENT_NAMES.has(e.name)) return true;
  return typeof e.code === 'string' && NETWORK_CODES.has(e.code);
}
