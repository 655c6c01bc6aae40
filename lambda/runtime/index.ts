/**
 * `cdk-workmail-lambda/runtime`: typed events, a checked response builder, WorkMail's handling of the
 * answer offline, and a deadline, for the code of a Run Lambda function; message content, idempotency
 * options, streaming MIME transforms and ready-made handlers. No aws-cdk-lib. The MIME libraries and the AWS
 * SDK clients are loaded on first use (docs/runtime.md).
 */
export { WorkMailRuntimeError, WorkMailConfigurationError, isRetryableError } from './errors';
export type { WorkMailRuntimeErrorOptions, WorkMailConfigurationErrorCode } from './errors';
export { parseEvent, WorkMailEventError } from './invocation/event';
export type { WorkMailLambdaEvent, WorkMailAddress, WorkMailFlowDirection } from './invocation/event';
export { SyncResponse } from './invocation/response';
export type { SyncResponseOptions } from './invocation/response';
export { checkResponse, WorkMailResponseError } from './invocation/validate';
export type {
  WorkMailAction, WorkMailActionType, WorkMailResponseAction, WorkMailSyncResponse, ResponseCheck, ResponseProblem,
  ResponseProblemEffect, CheckedEntry,
} from './invocation/validate';
export { resolveDispositions } from './invocation/dispositions';
export type { ResolveDispositionsOptions } from './invocation/dispositions';
export { withDeadline, DEFAULT_DEADLINE_MARGIN_MS } from './invocation/deadline';
export type { DeadlineHandler, DeadlineOptions, LambdaContextLike } from './invocation/deadline';
export { MAX_OUTBOUND_RESPONSE_RECIPIENTS, MAX_RESPONSE_BYTES, MAX_RESPONSE_UNIQUE_ACTIONS } from '../rules/responses';
export { SYNC_INVOCATION_TIMEOUT_SECONDS } from '../rules/flow-rules';
export { idempotencyOptions, idempotencyTableName } from './invocation/idempotency';
export * from './mime';
export * from './message-content';
export * from './handlers';
