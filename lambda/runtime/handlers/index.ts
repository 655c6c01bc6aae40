/**
 * Ready-made WorkMail handlers: a few lines each for the user. See docs/handlers.md.
 */
export { disclaimerHandler } from './disclaimer';
export type { DisclaimerHandlerOptions } from './disclaimer';
export { subjectTagHandler } from './subject-tag';
export type { SubjectTagHandlerOptions } from './subject-tag';
export { attachmentFilterHandler, DEFAULT_ATTACHMENT_BOUNCE_MESSAGE } from './attachment-filter';
export type { AttachmentFilterAction, AttachmentFilterHandlerOptions, SignedAttachmentAction } from './attachment-filter';
export { metricsHandler, UNKNOWN_DIMENSION_VALUE } from './metrics';
export type { MessageMetricDimension, MetricsHandlerOptions } from './metrics';
export { DEFAULT_SAFE_ACTION, permanentFailure } from './common';
export type { SyncHandler, SyncHandlerOptions } from './common';
export type { HandlerLogEntry } from './log';
