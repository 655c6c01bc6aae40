/**
 * `cdk-workmail-lambda/runtime`: typed events, a checked response builder, WorkMail's handling of the
 * answer offline, and a deadline, for the code of a Run Lambda function; message content, idempotency
 * options, streaming MIME transforms and ready-made handlers. No aws-cdk-lib. The MIME libraries and the AWS
 * SDK clients are loaded on first use (docs/runtime.md).
 */
export { WorkMailRuntimeError, WorkMailConfigurationError, isRetryableError } from './errors';
export type { WorkMailRuntimeErrorOptions, WorkMailConfigurationErrorCode } from './errors';
export { parseEvent, WorkMailEventError } from './event';
export type { WorkMailLambdaEvent, WorkMailAddress, WorkMailFlowDirection } from './event';
export { SyncResponse } from './response';
export type { SyncResponseOptions } from './response';
export { checkResponse, WorkMailResponseError } from './validate';
export type {
  WorkMailAction, WorkMailActionType, WorkMailResponseAction, WorkMailSyncResponse, ResponseCheck, ResponseProblem,
  ResponseProblemEffect, CheckedEntry,
} from './validate';
export { resolveDispositions } from './dispositions';
export type { ResolveDispositionsOptions } from './dispositions';
export { withDeadline, DEFAULT_DEADLINE_MARGIN_MS } from './deadline';
export type { DeadlineHandler, DeadlineOptions, LambdaContextLike } from './deadline';
export {
  MAX_OUTBOUND_RESPONSE_RECIPIENTS, MAX_RESPONSE_BYTES, MAX_RESPONSE_UNIQUE_ACTIONS, SYNC_INVOCATION_TIMEOUT_SECONDS,
} from '../rules';
export { idempotencyOptions, idempotencyTableName } from './idempotency';
export * from './mime';
export * from './message-content';
export * from './handlers';
