import { handler } from '../../lambda/examples/subject-guard';

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
    expect(await handler(event())).toEqual({ actions: [{ action: { type: 'DEFAULT' }, allRecipients: true }] });
  });

  test('bounces inbound mail whose subject matches BLOCKED_SUBJECT, without regard to case', async () => {
    const blocking = withBlocked('\\blottery\\b');
    const answer = await blocking(event({ subject: 'You won the LOTTERY' }));
    expect(answer).toEqual({ actions: [{ action: { type: 'BOUNCE', parameters: { bounceMessage: expect.any(String) } }, allRecipients: true }] });
    expect(await blocking(event({ subject: 'lotteryless' }))).toEqual({ actions: [{ action: { type: 'DEFAULT' }, allRecipients: true }] });
  });

  test('treats a 2018-10-10 event without flowDirection as inbound', async () => {
    const { flowDirection: _, invocationId: __, ...old } = event({ summaryVersion: '2018-10-10' });
    expect(await withBlocked('numbers')(old)).toMatchObject({ actions: [{ action: { type: 'BOUNCE' } }] });
  });

  test('logs outbound mail and answers nothing (asynchronous rule)', async () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      expect(await handler(event({ flowDirection: 'OUTBOUND' }))).toBeUndefined();
      expect(JSON.parse(log.mock.calls[0][0])).toEqual({ metric: 'outbound-message', invocationId: '0'.repeat(40), recipients: 2, truncated: false });
    } finally {
      log.mockRestore();
    }
  });
});
