import { WorkMailRuntimeError, isRetryableError } from '../errors';

/** Why a rewrite stopped. */
export type MimeRewriteErrorCode =
  /** The input does not start with a header block: it is not a MIME message. */
  | 'NOT_MIME'
  /** The input stream failed (for example the S3 or Message Flow read broke off). */
  | 'INPUT'
  /** A transform's own callback threw (for example a `stripAttachments` `when`). */
  | 'TRANSFORM'
  /** The structure is deeper or wider than `MIME_LIMITS` allows (nesting, parts, header block, boundary). */
  | 'LIMIT'
  /** A header the rewrite would write cannot be written safely (a line break in it, a line too long to fold). */
  | 'HEADER'
  /**
   * A transform changed the message, but signed or encrypted content in it breaks WorkMail's line rules
   * and cannot be re-encoded without breaking its signature: the new message could not be put back.
   */
  | 'SIGNED';

/**
 * The only error a rewrite stream emits. A handler catches it and returns its safe response; the
 * message says what was wrong. Structural defects that can be carried through unchanged (a missing final
 * boundary, a truncated part, a malformed boundary line) are NOT errors: see `RewriteReport.warnings`.
 */
export class MimeRewriteError extends WorkMailRuntimeError {
  public readonly code: MimeRewriteErrorCode;

  constructor(code: MimeRewriteErrorCode, message: string, options?: { cause?: unknown }) {
    // Only a broken read can go better next time, and only when what broke it can (a throttled or dropped read):
    // every other code is about the message itself, which a retry reads again unchanged.
    super(message, { retryable: code === 'INPUT' && (options?.cause === undefined || isRetryableError(options.cause)), cause: options?.cause });
    this.name = 'MimeRewriteError';
    this.code = code;
  }
}
