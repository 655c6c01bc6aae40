/**
 * Streaming MIME rewriting for WorkMail messages: `rewrite(input, ...transforms)` with `addDisclaimer`,
 * `tagSubject`, `setHeader`, `stripAttachments` and `compose`, and `inspect` to read without changing.
 * See docs/mime.md.
 */
export { rewrite } from './rewrite';
export type { RewriteStream } from './rewrite';
export { inspect } from './inspect';
export type { InspectedPart, InspectOptions, MimeInspection } from './inspect';
export { compose } from './compose';
export { addDisclaimer } from './disclaimer';
export type { DisclaimerOptions, SignedDisclaimerMode } from './disclaimer';
export { isProtectedHeader, PROTECTED_HEADERS, setHeader, stripAttachments, tagSubject } from './transforms';
export type { AttachmentInfo, SignedStripMode, StripAttachmentsOptions } from './transforms';
export { MIME_LIMITS } from './scan-sink';
export { MimeRewriteError } from './errors';
export type { MimeRewriteErrorCode } from './errors';
export type { MessageDecision, MimePart, MimeProtection, MimeTransform, PartDecision, RewriteReport, TransformRun } from './types';
export { HeaderBlock } from './headers';
