/**
 * Answer before WorkMail gives up. WorkMail counts a synchronous invocation that has not answered within
 * 15 seconds as failed and retries it until the rule timeout, then applies the fallback action. A handler
 * wrapped with `withDeadline` answers `onTimeout(event)` instead, in time.
 */
import { SYNC_INVOCATION_TIMEOUT_SECONDS } from '../../rules/flow-rules';
import { WorkMailConfigurationError } from '../errors';

/** The part of the Lambda context `withDeadline` reads (the `Context` of `@types/aws-lambda` has it). */
export interface LambdaContextLike {
  getRemainingTimeInMillis(): number;
}

/** Options of `withDeadline`. */
export interface DeadlineOptions<E, R> {
  /** The answer when the handler has not answered in time (e.g. `defaultAction()` for everyone). */
  readonly onTimeout: (event: E) => R | Promise<R>;
  /**
   * Time kept back from the budget for the answer to travel back to WorkMail, in milliseconds.
   *
   * @default 1000
   */
  readonly marginMs?: number;
  /**
   * WorkMail's budget for a synchronous invocation, in milliseconds.
   *
   * @default 15000 (15 seconds)
   */
  readonly budgetMs?: number;
}

/** A handler `withDeadline` runs: the event, the Lambda context and a signal that aborts when time is up. */
export type DeadlineHandler<E, R, C extends LambdaContextLike = LambdaContextLike> = (event: E, context: C, signal: AbortSignal) => R | Promise<R>;

const TIMED_OUT: unique symbol = Symbol('timed out');

/** Default of `DeadlineOptions.marginMs`. */
export const DEFAULT_DEADLINE_MARGIN_MS = 1000;

/**
 * A Lambda handler `(event, context)` that runs `handler` for at most min(budget, the context's remaining
 * time) minus the margin, and answers `onTimeout(event)` when that runs out first (the signal passed to
 * `handler` then aborts, so that it can stop its work). With no time left at all, `handler` does not
 * run. An error the handler throws in time is thrown
 * as is: WorkMail retries the invocation.
 */
export function withDeadline<E, R, C extends LambdaContextLike = LambdaContextLike>(
  handler: DeadlineHandler<E, R, C>, options: DeadlineOptions<E, R>,
): (event: E, context: C) => Promise<R> {
  const margin = options.marginMs ?? DEFAULT_DEADLINE_MARGIN_MS;
  const budget = options.budgetMs ?? SYNC_INVOCATION_TIMEOUT_SECONDS * 1000;
  for (const [name, value] of [['marginMs', margin], ['budgetMs', budget]] as const) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new WorkMailConfigurationError('INVALID_OPTION', `withDeadline: ${name} must be a finite number of milliseconds >= 0, got ${String(value)}`);
    }
  }
  if (typeof options?.onTimeout !== 'function') throw new WorkMailConfigurationError('INVALID_OPTION', 'withDeadline: onTimeout must be a function (event) => answer');

  return async (event: E, context: C): Promise<R> => {
    const limit = Math.min(budget, context.getRemainingTimeInMillis()) - margin;
    // No time left at all: answer at once rather than start work that cannot finish.
    if (!(limit > 0)) return options.onTimeout(event);
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(() => resolve(TIMED_OUT), limit);
    });
    try {
      const outcome = await Promise.race([Promise.resolve().then(() => handler(event, context, controller.signal)), timedOut]);
      if (outcome !== TIMED_OUT) return outcome;
      controller.abort(new Error(`withDeadline: no answer within ${limit} ms`));
      return await options.onTimeout(event);
    } finally {
      clearTimeout(timer);
    }
  };
}
