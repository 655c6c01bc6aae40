import { tagSubject } from '../mime/transforms';
import { deliver, syncHandler, withOptions } from './common';
import type { SyncHandler, SyncHandlerOptions } from './common';

/** Options of `subjectTagHandler`. */
export interface SubjectTagHandlerOptions extends SyncHandlerOptions {
  /** The tag put in front of the Subject, e.g. `[EXTERNAL]` (RFC 2047-encoded when not ASCII; never twice). */
  readonly prefix: string;
}

/**
 * A synchronous handler that prefixes the Subject (`tagSubject`) and puts the message back, then answers
 * DEFAULT for every recipient. A Subject that already carries the tag is not uploaded again. With
 * `internalDomains`, only mail from other domains is tagged.
 * The function needs grantReadMessageContent() and grantWriteMessageContent().
 *
 * @throws WorkMailConfigurationError (`INVALID_OPTION`) at once for an empty or multi-line prefix, or a
 *   `safeAction` that is not a valid answer
 */
export function subjectTagHandler(options: SubjectTagHandlerOptions): SyncHandler {
  const transform = withOptions('subjectTagHandler', () => tagSubject(options.prefix));
  return syncHandler('subjectTagHandler', options, async (event, tools) => {
    const { changes, warnings } = await tools.rewriteMessage([transform]);
    tools.log({ level: 'info', outcome: changes.length ? 'updated' : 'unchanged', changes, ...(warnings.length ? { warnings } : {}) });
    return deliver(event);
  });
}
