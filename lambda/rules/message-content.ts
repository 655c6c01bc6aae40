/**
 * The service rules of Amazon WorkMail Message Flow (GetRawMessageContent / PutRawMessageContent), in one
 * place: the runtime checks its arguments with them before calling the service, the constructs use the
 * names and ARNs, and the local Message Flow endpoint rejects what the service rejects with them.
 *
 * Plain TypeScript with no dependency (no aws-cdk-lib, no SDK).
 */
import { environmentProblem, type KnownEnvironment } from './environment';
import { show } from './values';

/** Environment variable through which `grantWriteMessageContent()` hands the bucket name to the function. */
export const MESSAGE_CONTENT_BUCKET_ENV = 'WORKMAIL_MESSAGE_CONTENT_BUCKET';

/**
 * Key prefix under which `putRawMessage()` stores updated messages by default, and on which the constructs
 * grant `s3:PutObject` (function) and `s3:GetObject` (WorkMail).
 */
export const MESSAGE_CONTENT_KEY_PREFIX = 'messages/';

/** A message id, as in the event's `messageId`: 1 to 120 of `[a-z0-9-]`. */
export const MESSAGE_ID_PATTERN = /^[a-z0-9-]{1,120}$/;

/** S3Reference.bucket: 3 to 63 characters, `^[a-z0-9][a-z0-9-]*` (no dots, unlike S3 itself). */
export const S3_REFERENCE_BUCKET_PATTERN = /^[a-z0-9][a-z0-9-]{2,62}$/;

/** S3Reference.key: 1 to 1024 of `[a-zA-Z0-9-/]`. */
export const S3_REFERENCE_KEY_PATTERN = /^[a-zA-Z0-9\-/]{1,1024}$/;

/** RFC 5321 4.5.3.1.6: a line of text is at most 1000 octets, its CRLF included. */
export const MAX_LINE_OCTETS = 1000;

/** The same limit without the CRLF: at most 998 octets of text on a line (RFC 5322 2.1.1). */
export const MAX_LINE_TEXT_OCTETS = MAX_LINE_OCTETS - 2;

/** Header fields a message must carry (RFC 5322 3.6: the origination date and the originator). */
export const REQUIRED_HEADERS: readonly string[] = ['date', 'from'];

/** A message id must be what WorkMail puts in the event's `messageId`. */
export function messageIdProblem(field: string, messageId: string): string | undefined {
  if (typeof messageId !== 'string' || !MESSAGE_ID_PATTERN.test(messageId)) {
    return `${field} must be 1 to 120 characters of a-z, 0-9 and '-' (the event's messageId), got ${show(messageId)}`;
  }
  return undefined;
}

/** A bucket WorkMail can read an updated message from. */
export function s3ReferenceBucketProblem(field: string, bucket: string): string | undefined {
  if (typeof bucket !== 'string' || !S3_REFERENCE_BUCKET_PATTERN.test(bucket)) {
    return `${field} must be a bucket name of 3 to 63 characters of a-z, 0-9 and '-', starting with a letter or digit (WorkMail accepts no dots), got ${show(bucket)}`;
  }
  return undefined;
}

/** A key WorkMail can read an updated message from. */
export function s3ReferenceKeyProblem(field: string, key: string): string | undefined {
  if (typeof key !== 'string' || !S3_REFERENCE_KEY_PATTERN.test(key)) {
    return `${field} must be 1 to 1024 characters of a-z, A-Z, 0-9, '-' and '/', got ${show(key)}`;
  }
  return undefined;
}

/** A key prefix: the same characters as a key, and short enough to leave room for `<messageId>/<uuid>`. */
export function keyPrefixProblem(field: string, prefix: string): string | undefined {
  const room = 1024 - 120 - 1 - 36;
  if (typeof prefix !== 'string' || !/^[a-zA-Z0-9\-/]*$/.test(prefix) || prefix.length > room) {
    return `${field} must be at most ${room} characters of a-z, A-Z, 0-9, '-' and '/', got ${show(prefix)}`;
  }
  return undefined;
}

/**
 * Why WorkMail would reject `mime` as the new content of a message, or undefined. Checks what can be
 * checked without a full MIME parser: a header section of well-formed fields, the required fields, and
 * the line length limit.
 */
export function rawMessageProblem(mime: Buffer): string | undefined {
  let start = 0;
  let lineNumber = 0;
  let inHeaders = true;
  const seen = new Set<string>();
  while (start < mime.length) {
    lineNumber++;
    const lf = mime.indexOf(0x0a, start);
    const end = lf === -1 ? mime.length : lf + 1;
    if (end - start > MAX_LINE_OCTETS) {
      return `line ${lineNumber} is ${end - start} octets long; RFC 5321 allows at most ${MAX_LINE_OCTETS} including CRLF (encode long lines, e.g. quoted-printable or base64)`;
    }
    if (inHeaders) {
      const line = mime.subarray(start, lf === -1 ? end : (lf > start && mime[lf - 1] === 0x0d ? lf - 1 : lf)).toString('latin1');
      if (line === '') {
        inHeaders = false;
      } else if (/^[ \t]/.test(line)) {
        if (lineNumber === 1) return 'the message starts with a folded line; it must start with a header field';
      } else {
        const match = /^([\x21-\x39\x3b-\x7e]+):/.exec(line);
        if (!match) return `line ${lineNumber} is not a header field (name: value) and no empty line ends the header section before it; the content is not a MIME message`;
        seen.add(match[1].toLowerCase());
      }
    }
    start = end;
  }
  if (lineNumber === 0) return 'the message is empty';
  const missing = REQUIRED_HEADERS.filter((name) => !seen.has(name));
  if (missing.length > 0) return `the message has no ${missing.map((m) => m[0].toUpperCase() + m.slice(1)).join(' or ')} header field; a message must carry the required header fields`;
  return undefined;
}

/**
 * The bucket of updated content must be in the organization's account and Region: WorkMail reads it only
 * there (InvalidContentLocation otherwise). Values not known (undefined) are not compared.
 */
export function contentBucketEnvironmentProblem(field: string, bucket: KnownEnvironment, organization: KnownEnvironment): string | undefined {
  return environmentProblem(`${field} is`, bucket, { name: 'the organization', ...organization },
    "WorkMail reads updated message content only from a bucket in the organization's account and Region");
}
