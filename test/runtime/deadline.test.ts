import { DEFAULT_DEADLINE_MARGIN_MS, withDeadline } from '../../lambda/runtime';

/** A fake Lambda context with `ms` milliseconds left. */
const contextWith = (ms: number) => ({ getRemainingTimeInMillis: () => ms });
const never = () => new Promise<string>(() => undefined);

describe('withDeadline', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  /** Whether `promise` has settled, without waiting for it. */
  async function settled(promise: Promise<unknown>): Promise<boolean> {
    let done = false;
    promise.then(() => { done = true; }, () => { done = true; });
    await jest.advanceTimersByTimeAsync(0);
    return done;
  }

  test("returns the handler's answer when it answers in time, and leaves no timer behind", async () => {
    const wrapped = withDeadline(async (event: { n: number }) => `answer ${event.n}`, { onTimeout: () => 'timeout' });
    await expect(wrapped({ n: 1 }, contextWith(60_000))).resolves.toBe('answer 1');
    expect(jest.getTimerCount()).toBe(0);
  });

  test("answers onTimeout(event) at WorkMail's 15 s budget minus the default 1 s margin when Lambda has more time", async () => {
    const onTimeout = jest.fn((event: { n: number }) => `timeout ${event.n}`);
    const answer = withDeadline(never, { onTimeout })({ n: 2 }, contextWith(60_000));
    await jest.advanceTimersByTimeAsync(15_000 - DEFAULT_DEADLINE_MARGIN_MS - 1);
    expect(await settled(answer)).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    await expect(answer).resolves.toBe('timeout 2');
    expect(onTimeout).toHaveBeenCalledWith({ n: 2 });
  });

  test("uses the Lambda context's remaining time when it is less than the budget", async () => {
    const answer = withDeadline(never, { onTimeout: () => 'timeout', marginMs: 200 })({}, contextWith(3_000));
    await jest.advanceTimersByTimeAsync(2_799);
    expect(await settled(answer)).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    await expect(answer).resolves.toBe('timeout');
  });

  test('takes a budget and a margin (a short budget for tests)', async () => {
    const answer = withDeadline(never, { onTimeout: () => 'timeout', budgetMs: 50, marginMs: 10 })({}, contextWith(900_000));
    await jest.advanceTimersByTimeAsync(39);
    expect(await settled(answer)).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    await expect(answer).resolves.toBe('timeout');
  });

  test('aborts the signal passed to the handler when time is up, and not before', async () => {
    let signal: AbortSignal | undefined;
    const answer = withDeadline((_e: unknown, _c, s) => { signal = s; return never(); }, { onTimeout: () => 'timeout', budgetMs: 100, marginMs: 0 })({}, contextWith(60_000));
    await jest.advanceTimersByTimeAsync(99);
    expect(signal!.aborted).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    await answer;
    expect(signal!.aborted).toBe(true);
    expect(signal!.reason).toEqual(new Error('withDeadline: no answer within 100 ms'));
  });

  test('passes the context to the handler', async () => {
    const context = { ...contextWith(60_000), awsRequestId: 'req-1' };
    const wrapped = withDeadline((_e: unknown, c: typeof context) => c.awsRequestId, { onTimeout: () => 'timeout' });
    await expect(wrapped({}, context)).resolves.toBe('req-1');
  });

  test('with no time left at all, answers onTimeout at once and does not run the handler', async () => {
    const handler = jest.fn(async () => 'answer');
    await expect(withDeadline(handler, { onTimeout: () => 'timeout' })({}, contextWith(DEFAULT_DEADLINE_MARGIN_MS))).resolves.toBe('timeout');
    await expect(withDeadline(handler, { onTimeout: () => 'timeout', marginMs: 0 })({}, contextWith(-5))).resolves.toBe('timeout');
    expect(handler).not.toHaveBeenCalled();
  });

  test('an error the handler throws in time is thrown as is (WorkMail retries), synchronous or not', async () => {
    const onTimeout = jest.fn(() => 'timeout');
    await expect(withDeadline(async (): Promise<string> => { throw new Error('boom'); }, { onTimeout })({}, contextWith(60_000))).rejects.toThrow('boom');
    await expect(withDeadline((): string => { throw new Error('sync boom'); }, { onTimeout })({}, contextWith(60_000))).rejects.toThrow('sync boom');
    expect(onTimeout).not.toHaveBeenCalled();
  });

  test('a handler that fails after the deadline does not change the answer', async () => {
    let fail: (e: Error) => void = () => undefined;
    const answer = withDeadline(() => new Promise<string>((_, reject) => { fail = reject; }), { onTimeout: () => 'timeout', budgetMs: 10, marginMs: 0 })({}, contextWith(60_000));
    await jest.advanceTimersByTimeAsync(10);
    await expect(answer).resolves.toBe('timeout');
    fail(new Error('late'));
    await jest.advanceTimersByTimeAsync(0);
  });

  test.each<[string, object, string]>([
    ['a negative margin', { marginMs: -1 }, 'withDeadline: marginMs must be a finite number of milliseconds >= 0, got -1'],
    ['an infinite budget', { budgetMs: Infinity }, 'withDeadline: budgetMs must be a finite number of milliseconds >= 0, got Infinity'],
    ['no onTimeout', { onTimeout: undefined }, 'withDeadline: onTimeout must be a function (event) => answer'],
  ])('rejects %s', (_, options, message) => {
    expect(() => withDeadline(never, { onTimeout: () => 'x', ...options } as any)).toThrow(message);
  });
});
