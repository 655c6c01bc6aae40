/**
 * Streaming MIME rewriting for WorkMail messages: `rewrite(input, ...transforms)` with `addDisclaimer`,
 * `tagSubject`, `setHeader`, `stripAttachments` and `compose`. See docs/mime.md.
 */
export { inspect, rewrite } from './rewrite';
export type { InspectedPart, InspectOptions, MimeInspection, RewriteStream } from './rewrite';
export { addDisclaimer, compose, isProtectedHeader, PROTECTED_HEADERS, setHeader, stripAttachments, tagSubject } from './transforms';
export type { AttachmentInfo, DisclaimerOptions, StripAttachmentsOptions } from './transforms';
export { MimeRewriteError } from './errors';
export type { MimeRewriteErrorCode } from './errors';
export type { MimePart, MimeTransform, PartDecision, RewriteReport, TransformRun } from './types';
export { HeaderBlock } from './headers';
