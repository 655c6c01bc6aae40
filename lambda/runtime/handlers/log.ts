/** The log line and address helpers of the ready-made handlers (no import: metricsHandler's bundle stays small). */

/** One structured log entry of a ready-made handler (written as one JSON line). */
export interface HandlerLogEntry {
  readonly level: 'info' | 'warn' | 'error';
  /** The factory that made the handler, e.g. `disclaimerHandler`. */
  readonly handler: string;
  /** What happened: `updated`, `unchanged`, `stripped`, `dropped`, `bounced`, `delivered`, `safe-response`, `deadline`, `not-counted`. */
  readonly outcome: string;
  readonly messageId?: string;
  readonly invocationId?: string;
  /** Why the safe response was given (for `safe-response`, `deadline`, `not-counted`). */
  readonly reason?: string;
  /** The error behind a safe response: its name, code and message. */
  readonly error?: { readonly name: string; readonly code?: string; readonly message: string };
  readonly [key: string]: unknown;
}

export function defaultLog(entry: HandlerLogEntry): void {
  console.log(JSON.stringify(entry));
}

/** The lower-case domain of an address; '' when it has none (e.g. the empty sender of a bounce). */
export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at === -1 ? '' : address.slice(at + 1).trim().toLowerCase();
}

/** An error as it is logged. */
export function loggedError(error: unknown): NonNullable<HandlerLogEntry['error']> {
  const e = error as { name?: unknown; code?: unknown; message?: unknown };
  return {
    name: typeof e?.name === 'string' ? e.name : 'Error',
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
    message: typeof e?.message === 'string' ? e.message : String(error),
  };
}
