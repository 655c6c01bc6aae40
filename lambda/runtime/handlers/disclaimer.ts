import { addDisclaimer } from '../mime/disclaimer';
import type { SignedDisclaimerMode } from '../mime/disclaimer';
import { deliver, syncHandler, withOptions } from './common';
import type { SyncHandler, SyncHandlerOptions } from './common';

/** Options of `disclaimerHandler`. At least one of `text` and `html` is required. */
export interface DisclaimerHandlerOptions extends SyncHandlerOptions {
  /** Appended (after an empty line) to the first text/plain body part. @default no text disclaimer */
  readonly text?: string;
  /** Inserted at the real end of the first text/html body part, before its last `</body>` (HTML, not escaped). @default no HTML disclaimer */
  readonly html?: string;
  /**
   * Signed or encrypted mail: `leave` it unchanged (logged as `left`), or `wrap` a message signed or
   * encrypted as a whole in a multipart/mixed with the disclaimer first (the signature stays valid).
   * @default 'leave'
   */
  readonly signed?: SignedDisclaimerMode;
}

/**
 * A synchronous handler that adds a disclaimer to the message's first text and HTML body parts
 * (`addDisclaimer`), puts the message back, and answers DEFAULT for every recipient. Safe under WorkMail's
 * retry: a message that already ends with the disclaimer (the first attempt's put) is not changed again.
 * The function needs grantReadMessageContent() and grantWriteMessageContent().
 *
 * @throws WorkMailConfigurationError (`INVALID_OPTION`) at once when neither `text` nor `html` is given, or
 *   `safeAction` is not a valid answer
 */
export function disclaimerHandler(options: DisclaimerHandlerOptions): SyncHandler {
  // Made now, so that a handler without a disclaimer fails when it is created, not on every message.
  const transform = withOptions('disclaimerHandler', () => addDisclaimer({ text: options.text, html: options.html, ...(options.signed ? { signed: options.signed } : {}) }));
  return syncHandler('disclaimerHandler', options, async (event, tools) => {
    const { changes, warnings, left } = await tools.rewriteMessage([transform]);
    tools.log({ level: 'info', outcome: changes.length ? 'updated' : 'unchanged', changes, ...(left.length ? { left } : {}), ...(warnings.length ? { warnings } : {}) });
    return deliver(event);
  });
}
