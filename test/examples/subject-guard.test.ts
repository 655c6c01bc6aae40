import { handler, BOUNCE_MESSAGE } from '../../lambda/examples/subject-guard';
import { resolveDispositions, parseEvent } from '../../lambda/runtime';

const event = (over: Record<string, unknown> = {}) => ({
  summaryVersion: '2019-07-28',
  envelope: { mailFrom: { address: 'from@example.com' }, recipients: [{ address: 'a@example.org' }, { address: 'b@example.org' }] },
  subject: 'Quarterly numbers',
  messageId: '00000000-0000-0000-0000-000000000000',
  invocationId: '0'.repeat(40),
  flowDirection: 'INBOUND' as const,
  truncated: false,
  ...over,
});

/** A Lambda context with WorkMail's whole 15 s budget left. */
const context = { getRemainingTimeInMillis: () => 15_000 };
const fallbackAction = { type: 'DROP' } as const;

describe('example handler (subject-guard)', () => {
  // BLOCKED_SUBJECT is read when the module loads; jest loads it without one, so load a fresh copy with one.
  function withBlocked(pattern: string): typeof handler {
    let loaded: typeof handler | undefined;
    jest.isolateModules(() => {
      process.env.BLOCKED_SUBJECT = pattern;
      loaded = require('../../lambda/examples/subject-guard').handler;
      delete process.env.BLOCKED_SUBJECT;
    });
    return loaded!;
  }

  test('delivers inbound mail as usual when nothing is blocked', async () => {
    const answer = await handler(event(), context);
    expect(answer).toEqual({ actions: [{ action: { type: 'DEFAULT' }, allRecipients: true }] });
    expect(resolveDispositions(parseEvent(event()), answer, { fallbackAction })).toEqual({
      'a@example.org': { type: 'DEFAULT' }, 'b@example.org': { type: 'DEFAULT' },
    });
  });

  test('bounces inbound mail whose subject matches BLOCKED_SUBJECT, without regard to case', async () => {
    const blocking = withBlocked('\\blottery\\b');
    const lottery = event({ subject: 'You won the LOTTERY' });
    const answer = await blocking(lottery, context);
    expect(answer).toEqual({ actions: [{ action: { type: 'BOUNCE', parameters: { bounceMessage: BOUNCE_MESSAGE } }, allRecipients: true }] });
    const bounce = { type: 'BOUNCE', parameters: { bounceMessage: BOUNCE_MESSAGE } };
    expect(resolveDispositions(parseEvent(lottery), answer, { fallbackAction })).toEqual({ 'a@example.org': bounce, 'b@example.org': bounce });
    expect(await blocking(event({ subject: 'lotteryless' }), context)).toEqual({ actions: [{ action: { type: 'DEFAULT' }, allRecipients: true }] });
  });

  test('answers a 2018-10-10 event without flowDirection or invocationId (DEFAULT and BOUNCE are valid in both directions)', async () => {
    const { flowDirection: _, invocationId: __, ...old } = event({ summaryVersion: '2018-10-10' });
    const answer = await withBlocked('numbers')(old, context);
    expect(answer).toMatchObject({ actions: [{ action: { type: 'BOUNCE' }, allRecipients: true }] });
    expect(Object.values(resolveDispositions(parseEvent(old), answer, { fallbackAction })).map((a) => a.type)).toEqual(['BOUNCE', 'BOUNCE']);
  });

  test('logs outbound mail and answers nothing (asynchronous rule)', async () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      expect(await handler(event({ flowDirection: 'OUTBOUND' }), context)).toBeUndefined();
      expect(JSON.parse(log.mock.calls[0][0])).toEqual({ metric: 'outbound-message', invocationId: '0'.repeat(40), recipients: 2, truncated: false });
    } finally {
      log.mockRestore();
    }
  });

  test('rejects what is not a Run Lambda event, naming the field (WorkMail retries, then applies the fallback)', async () => {
    await expect(handler({ ...event(), envelope: { mailFrom: { address: 'x@example.com' } } }, context))
      .rejects.toThrow('envelope.recipients must be an array of { address } objects, got nothing (the field is missing)');
  });

  test('delivers as usual, instead of its own answer, when the Lambda context leaves no time for the handler', async () => {
    const blocking = withBlocked('numbers');
    expect(await blocking(event(), context)).toMatchObject({ actions: [{ action: { type: 'BOUNCE' } }] });
    expect(await blocking(event(), { getRemainingTimeInMillis: () => 500 })).toEqual({ actions: [{ action: { type: 'DEFAULT' }, allRecipients: true }] });
  });
});
