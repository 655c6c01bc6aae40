/**
 * How every floor reads and shows values it did not make: a value in an error message, a JSON object, an error's
 * name. Plain TypeScript with no dependency, like the rest of `lambda/rules`, so that the constructs, the provider
 * and the runtime share one copy.
 */

/**
 * A value as an error message shows it: its JSON form (a string in quotes, so that blanks and empty
 * strings can be seen), or `String(value)` where JSON has none (undefined, a function, a cycle, a BigInt).
 * With `maxLength`, a longer text is cut and ends with `...` (for values an attacker may have made large).
 */
export function show(value: unknown, maxLength?: number): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return maxLength !== undefined && text.length > maxLength ? `${text.slice(0, Math.max(0, maxLength - 3))}...` : text;
}

/** Whether `value` is a JSON-style object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The name an AWS service or SDK gives an error (`ThrottlingException`, `AccessDenied`): its `name` unless that is
 * the plain `Error`, else its `Code` (S3's XML errors); undefined when it has neither.
 */
export function errorName(error: unknown): string | undefined {
  const e = error as { name?: unknown; Code?: unknown } | null | undefined;
  if (typeof e?.name === 'string' && e.name !== 'Error') return e.name;
  return typeof e?.Code === 'string' ? e.Code : undefined;
}

/** The message of an error (its `code` when the message is empty, as for some network errors), or the value as a string. */
export function errorMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as Error & { code?: unknown }).code;
  return error.message || (typeof code === 'string' ? code : '');
}

/** `Name: message` of an error (the message alone for a plain `Error`, e.g. a network error). */
export function describeError(error: unknown): string {
  const name = error instanceof Error ? errorName(error) : undefined;
  return name ? `${name}: ${errorMessage(error)}` : errorMessage(error);
}
