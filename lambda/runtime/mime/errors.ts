/** Why a rewrite stopped. */
export type MimeRewriteErrorCode =
  /** The input does not start with a header block: it is not a MIME message. */
  | 'NOT_MIME'
  /** The input stream failed (for example the S3 or Message Flow read broke off). */
  | 'INPUT'
  /** A transform's own callback threw (for example a `stripAttachments` `when`). */
  | 'TRANSFORM';

/**
 * The only error a rewrite stream emits. A handler catches it and returns its safe response; the
 * message says what was wrong. Structural defects that can be carried through unchanged (a missing final
 * boundary, a truncated part, a malformed boundary line) are NOT errors: see `RewriteReport.warnings`.
 */
export class MimeRewriteError extends Error {
  public readonly code: MimeRewriteErrorCode;

  constructor(code: MimeRewriteErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MimeRewriteError';
    this.code = code;
  }
}
