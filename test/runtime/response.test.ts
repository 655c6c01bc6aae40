import {
  MAX_RESPONSE_BYTES, SyncResponse, WorkMailResponseError, parseEvent,
} from '../../lambda/runtime';
import type { WorkMailLambdaEvent } from '../../lambda/runtime';
import { fixture, rawEvent, recipients } from './helpers';

const inbound = parseEvent(fixture('seed-inbound-2018-10-10.json'));
const outbound = parseEvent(fixture('outbound-2019-07-28.json'));
const unknownDirection = parseEvent(fixture('no-direction-2018-10-10.json'));

function buildError(build: () => unknown): WorkMailResponseError {
  try {
    build();
  } catch (e) {
    if (e instanceof WorkMailResponseError) return e;
    throw e;
  }
  throw new Error('build() returned a response');
}

const addresses = (n: number, domain = 'example.com') => Array.from({ length: n }, (_, i) => `user${i}@${domain}`);

describe('SyncResponse', () => {
  test("builds the seed's 'remove specified recipients' example", () => {
    expect(SyncResponse.forEvent(inbound).defaultAction().drop(['drop-recipient@example.com']).build()).toEqual({
      actions: [{ action: { type: 'DEFAULT' }, allRecipients: true }, { action: { type: 'DROP' }, recipients: ['drop-recipient@example.com'] }],
    });
  });

  test("builds the seed's 'bounce with a custom message' example; allRecipients is the boolean true", () => {
    const response = SyncResponse.forEvent(outbound).bounce('Email in breach of company policy.').build();
    expect(response).toEqual({ actions: [{ action: { type: 'BOUNCE', parameters: { bounceMessage: 'Email in breach of company policy.' } }, allRecipients: true }] });
    expect(JSON.stringify(response)).toContain('"allRecipients":true');
  });

  test('each inbound action type, recipients merged per action, duplicates (without case) named once, an empty list adds nothing', () => {
    const response = SyncResponse.forEvent(inbound)
      .moveToJunk(['a@example.com'])
      .bypassSpamCheck(['b@example.com'])
      .moveToJunk(['c@example.com', 'A@example.com'])
      .drop([])
      .defaultAction()
      .build();
    expect(response.actions).toEqual([
      { action: { type: 'MOVE_TO_JUNK' }, recipients: ['a@example.com', 'c@example.com'] },
      { action: { type: 'BYPASS_SPAM_CHECK' }, recipients: ['b@example.com'] },
      { action: { type: 'DEFAULT' }, allRecipients: true },
    ]);
  });

  test('an action for some recipients and for all the others is one entry', () => {
    expect(SyncResponse.forEvent(inbound).defaultAction(['new-recipient@example.com']).defaultAction().build()).toEqual({
      actions: [{ action: { type: 'DEFAULT' }, recipients: ['new-recipient@example.com'], allRecipients: true }],
    });
  });

  test('build() returns a fresh response each time, not the builder state', () => {
    const builder = SyncResponse.forEvent(inbound).drop(['a@example.com']);
    const first = builder.build();
    builder.drop(['b@example.com']);
    expect(first.actions[0].recipients).toEqual(['a@example.com']);
    expect(builder.build().actions[0].recipients).toEqual(['a@example.com', 'b@example.com']);
  });

  describe('throws WorkMailResponseError instead of what WorkMail would reject', () => {
    test('an inbound-only action on an outbound event', () => {
      expect(buildError(() => SyncResponse.forEvent(outbound).moveToJunk().build()).message)
        .toBe('actions[0].action.type MOVE_TO_JUNK is for inbound rules only; a response to an outbound event may use DEFAULT, DROP, BOUNCE');
      expect(buildError(() => SyncResponse.forEvent(outbound).defaultAction().bypassSpamCheck(['a@example.com']).build()).message)
        .toBe('actions[1].action.type BYPASS_SPAM_CHECK is for inbound rules only; a response to an outbound event may use DEFAULT, DROP, BOUNCE');
    });

    test('an inbound-only action on an event of unknown direction, unless the handler states the direction', () => {
      expect(buildError(() => SyncResponse.forEvent(unknownDirection).bypassSpamCheck().build()).message)
        .toBe('actions[0].action.type BYPASS_SPAM_CHECK is for inbound rules only, and the event has no flowDirection; state the direction (the direction option) or use DEFAULT, DROP, BOUNCE');
      expect(SyncResponse.forEvent(unknownDirection).defaultAction().drop(['a@example.com']).bounce('no', ['b@example.com']).build().actions).toHaveLength(3);
      expect(SyncResponse.forEvent(unknownDirection, { direction: 'INBOUND' }).bypassSpamCheck().build())
        .toEqual({ actions: [{ action: { type: 'BYPASS_SPAM_CHECK' }, allRecipients: true }] });
    });

    test('a stated direction that contradicts the event', () => {
      expect(buildError(() => SyncResponse.forEvent(outbound, { direction: 'INBOUND' })).message)
        .toBe("direction INBOUND was given, but the event's flowDirection is OUTBOUND");
      expect(buildError(() => SyncResponse.forEvent(inbound, { direction: 'inbound' as any })).message)
        .toBe(`direction must be 'INBOUND' or 'OUTBOUND', got "inbound"`);
    });

    test('more than 10 unique actions (10 pass; bounces with different texts are different actions)', () => {
      const builder = SyncResponse.forEvent(inbound).defaultAction();
      for (let i = 1; i < 10; i++) builder.bounce(`reason ${i}`, [`user${i}@example.com`]);
      expect(builder.build().actions).toHaveLength(10);
      builder.bounce('reason 1', ['more@example.com']);
      expect(builder.build().actions).toHaveLength(10);
      builder.drop(['user10@example.com']);
      expect(buildError(() => builder.build()).message).toBe(
        'the response has 11 unique actions; WorkMail applies at most 10 and gives the recipients of the others the fallback action (actions[10] DROP)');
    });

    test('more than 500 recipients on an outbound event (500 pass; an inbound event has no such limit)', () => {
      expect(SyncResponse.forEvent(outbound).drop(addresses(500)).build().actions[0].recipients).toHaveLength(500);
      expect(buildError(() => SyncResponse.forEvent(outbound).drop(addresses(300)).defaultAction(addresses(201, 'example.org')).build()).message)
        .toBe('the response names 501 recipients; a response to an outbound event may name at most 500');
      expect(SyncResponse.forEvent(inbound).drop(addresses(501)).build().actions[0].recipients).toHaveLength(501);
    });

    test('a serialized size over 256 KB', () => {
      const message = 'x'.repeat(MAX_RESPONSE_BYTES);
      const error = buildError(() => SyncResponse.forEvent(inbound).bounce(message).build());
      expect(error.message).toMatch(/^the response is 262\d{3} bytes of JSON; WorkMail accepts at most 262144 bytes \(256 KB\)$/);
      // Bytes, not characters: 100 000 three-byte characters are 300 000 bytes.
      expect(buildError(() => SyncResponse.forEvent(inbound).bounce('€'.repeat(100_000)).build()).message).toMatch(/^the response is 3000\d\d bytes/);
    });

    test('an empty or blank bounce message', () => {
      for (const blank of ['', '   \n']) {
        expect(buildError(() => SyncResponse.forEvent(inbound).bounce(blank).build()).message).toBe(
          `actions[0].action.parameters.bounceMessage must be a non-empty bounce message, got ${JSON.stringify(blank)} (BOUNCE needs the text of the bounce message)`);
      }
    });

    test.each(['not-an-address', 'a b@example.com', 'user@', '@example.com', 'user@-example.com', `${'x'.repeat(65)}@example.com`])(
      'a malformed address: %s', (address) => {
        expect(buildError(() => SyncResponse.forEvent(inbound).defaultAction().drop(['ok@example.com', address]).build()).message).toBe(
          `actions[1].recipients[1] must be an email address (local-part@domain, at most 254 characters), got ${JSON.stringify(address)}`);
      });

    test('addresses with sub-addresses and unusual but valid characters pass', () => {
      expect(() => SyncResponse.forEvent(inbound).drop(["first.last+tag@example.com", "o'hara@sub.example.co.uk"]).build()).not.toThrow();
    });

    test('one recipient in two actions (compared without case)', () => {
      expect(buildError(() => SyncResponse.forEvent(inbound).drop(['a@example.com']).bounce('Go away', ['A@Example.com']).build()).message).toBe(
        'recipient A@Example.com is in two actions (actions[0] DROP and actions[1] BOUNCE "Go away"); each recipient may have one action');
    });

    test('all the other recipients in two actions', () => {
      expect(buildError(() => SyncResponse.forEvent(inbound).defaultAction().drop().build()).message).toBe(
        'allRecipients is true on two actions (actions[0] DEFAULT and actions[1] DROP); the recipients no action names may have one action');
    });

    test('no action at all', () => {
      expect(buildError(() => SyncResponse.forEvent(inbound).drop([]).build()).message).toBe(
        'the response has no action: every recipient would get the fallback action; call defaultAction() to deliver as usual');
    });

    test('several problems at once are all listed', () => {
      const error = buildError(() => SyncResponse.forEvent(outbound).moveToJunk().bounce('', ['bad']).build());
      expect(error.problems).toHaveLength(3);
      expect(error.message).toMatch(/^3 problems: actions\[0\]\.action\.type MOVE_TO_JUNK is for inbound rules only/);
    });
  });

  test('a truncated event gets the same checks; allRecipients covers the recipients it does not list', () => {
    const truncated: WorkMailLambdaEvent = parseEvent(rawEvent({ truncated: true, envelope: { mailFrom: { address: 'a@example.com' }, recipients: recipients('b@example.com') } }));
    expect(SyncResponse.forEvent(truncated).moveToJunk().build()).toEqual({ actions: [{ action: { type: 'MOVE_TO_JUNK' }, allRecipients: true }] });
  });
});
