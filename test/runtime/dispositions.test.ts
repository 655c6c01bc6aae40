import * as fc from 'fast-check';
import {
  SyncResponse, WorkMailResponseError, checkResponse, parseEvent, resolveDispositions,
} from '../../lambda/runtime';
import type { WorkMailAction, WorkMailFlowDirection, WorkMailLambdaEvent } from '../../lambda/runtime';
import { fixture, rawEvent, recipients } from './helpers';

const inbound = parseEvent(fixture('seed-inbound-2018-10-10.json'));
const outbound = parseEvent(fixture('outbound-2019-07-28.json'));
const unknownDirection = parseEvent(fixture('no-direction-2018-10-10.json'));
const R1 = 'recipient1@example.com';
const R2 = 'recipient2@example.com';
const FALLBACK: WorkMailAction = { type: 'BOUNCE', parameters: { bounceMessage: 'fallback' } };
const fallbackAction = FALLBACK;

const everyone = (event: WorkMailLambdaEvent, action: WorkMailAction) =>
  Object.fromEntries(event.envelope.recipients.map((r) => [r.address, action]));

describe('resolveDispositions', () => {
  describe("the seed's examples", () => {
    test('remove specified recipients: DROP for the one named, DEFAULT for the rest', () => {
      const response = { actions: [{ action: { type: 'DEFAULT' }, allRecipients: true }, { action: { type: 'DROP' }, recipients: ['drop-recipient@example.com'] }] };
      expect(resolveDispositions(inbound, response, { fallbackAction })).toEqual({
        [R1]: { type: 'DEFAULT' }, [R2]: { type: 'DEFAULT' }, 'drop-recipient@example.com': { type: 'DROP' },
      });
    });

    test('bounce with a custom message: everyone', () => {
      const bounce = { type: 'BOUNCE', parameters: { bounceMessage: 'Email in breach of company policy.' } } as const;
      expect(resolveDispositions(inbound, { actions: [{ action: bounce, allRecipients: true }] }, { fallbackAction })).toEqual(everyone(inbound, bounce));
    });

    test('add recipients: the new one and the event’s own are delivered', () => {
      const response = { actions: [{ action: { type: 'DEFAULT' }, recipients: ['new-recipient@example.com'] }, { action: { type: 'DEFAULT' }, allRecipients: true }] };
      expect(resolveDispositions(inbound, response, { fallbackAction })).toEqual({
        [R1]: { type: 'DEFAULT' }, [R2]: { type: 'DEFAULT' }, 'new-recipient@example.com': { type: 'DEFAULT' },
      });
    });
  });

  test('recipients the response omits get the fallback action when no action has allRecipients', () => {
    const response = SyncResponse.forEvent(inbound).moveToJunk([R1]).build();
    expect(resolveDispositions(inbound, response, { fallbackAction })).toEqual({ [R1]: { type: 'MOVE_TO_JUNK' }, [R2]: FALLBACK });
  });

  test('addresses are matched without case; the event’s spelling names the recipient', () => {
    const response = { actions: [{ action: { type: 'DROP' }, recipients: ['RECIPIENT1@Example.COM'] }, { action: { type: 'DEFAULT' }, allRecipients: true }] };
    expect(resolveDispositions(inbound, response, { fallbackAction })).toEqual({ [R1]: { type: 'DROP' }, [R2]: { type: 'DEFAULT' } });
  });

  describe('more than 10 unique actions: the recipients of the 11th and later get the fallback', () => {
    const bounces = Array.from({ length: 11 }, (_, i) => ({ action: { type: 'BOUNCE', parameters: { bounceMessage: `reason ${i}` } }, recipients: [`user${i}@example.com`] }));

    test('recipients named by those actions', () => {
      const result = resolveDispositions(inbound, { actions: [...bounces, { action: { type: 'DEFAULT' }, allRecipients: true }] }, { fallbackAction });
      expect(result['user0@example.com']).toEqual({ type: 'BOUNCE', parameters: { bounceMessage: 'reason 0' } });
      expect(result['user9@example.com']).toEqual({ type: 'BOUNCE', parameters: { bounceMessage: 'reason 9' } });
      expect(result['user10@example.com']).toEqual(FALLBACK);
      // DEFAULT is the 12th unique action: its allRecipients does not apply either.
      expect(result[R1]).toEqual(FALLBACK);
      expect(checkResponse({ actions: bounces }, 'INBOUND').problems.map((p) => p.effect)).toEqual(['excess']);
    });

    test('an action repeated after the tenth unique one is still applied', () => {
      const result = resolveDispositions(inbound, { actions: [...bounces.slice(0, 10), { action: bounces[0].action, allRecipients: true }] }, { fallbackAction });
      expect(result[R1]).toEqual(bounces[0].action);
    });
  });

  describe('the fallback for everyone', () => {
    const fine = { action: { type: 'DEFAULT' }, allRecipients: true };
    test.each<[string, unknown]>([
      ["allRecipients the string 'true'", { actions: [{ action: { type: 'DROP' }, allRecipients: 'true' }] }],
      ['an unknown action type', { actions: [fine, { action: { type: 'QUARANTINE' }, recipients: [R1] }] }],
      ['recipients a string', { actions: [{ action: { type: 'DROP' }, recipients: R1 }] }],
      ['an action naming no recipient', { actions: [{ action: { type: 'DROP' } }] }],
      ['BOUNCE without a bounce message', { actions: [{ action: { type: 'BOUNCE' }, allRecipients: true }] }],
      ['a response over 256 KB', { actions: [{ action: { type: 'BOUNCE', parameters: { bounceMessage: 'x'.repeat(262_144) } }, allRecipients: true }] }],
      ['a malformed address', { actions: [fine, { action: { type: 'DROP' }, recipients: ['recipient1'] }] }],
      ['one recipient in two actions', { actions: [{ action: { type: 'DROP' }, recipients: [R1] }, { action: { type: 'DEFAULT' }, recipients: [R1] }] }],
      ['actions not an array', { actions: { action: { type: 'DEFAULT' } } }],
      ['a JSON string of a response', JSON.stringify({ actions: [fine] })],
      ['null', null],
      ['no answer or a timeout (undefined)', undefined],
      ['a handler that threw (an Error)', new Error('boom')],
      ['a response with a cycle (cannot be serialized)', (() => { const r: any = { actions: [fine] }; r.self = r; return r; })()],
    ])('%s', (_, response) => {
      expect(resolveDispositions(inbound, response, { fallbackAction })).toEqual(everyone(inbound, FALLBACK));
    });

    test('an inbound-only action in a response to an outbound event (treated as an invalid response)', () => {
      const response = { actions: [{ action: { type: 'DEFAULT' }, allRecipients: true }, { action: { type: 'MOVE_TO_JUNK' }, recipients: ['recipient1@example.net'] }] };
      expect(resolveDispositions(outbound, response, { fallbackAction })).toEqual(everyone(outbound, FALLBACK));
    });

    test('more than 500 recipients in a response to an outbound event', () => {
      const many = Array.from({ length: 501 }, (_, i) => `user${i}@example.com`);
      const response = { actions: [{ action: { type: 'DEFAULT' }, recipients: many }] };
      expect(resolveDispositions(outbound, response, { fallbackAction })).toEqual(everyone(outbound, FALLBACK));
      expect(Object.keys(resolveDispositions(inbound, response, { fallbackAction }))).toHaveLength(503);
    });

    test('an inbound-only action for an event of unknown direction, unless the direction is stated', () => {
      const response = { actions: [{ action: { type: 'BYPASS_SPAM_CHECK' }, allRecipients: true }] };
      expect(resolveDispositions(unknownDirection, response, { fallbackAction })).toEqual(everyone(unknownDirection, FALLBACK));
      expect(resolveDispositions(unknownDirection, response, { fallbackAction, direction: 'INBOUND' })).toEqual(everyone(unknownDirection, { type: 'BYPASS_SPAM_CHECK' }));
    });
  });

  test('a truncated event: the record holds the recipients the event lists', () => {
    const truncated = parseEvent(fixture('truncated-inbound.json'));
    const result = resolveDispositions(truncated, SyncResponse.forEvent(truncated).moveToJunk().build(), { fallbackAction });
    expect(Object.keys(result)).toEqual(['recipient1@example.com', 'recipient2@example.com', 'recipient3@example.com']);
  });

  test('a fallback action that is not valid itself is an error', () => {
    expect(() => resolveDispositions(inbound, undefined, { fallbackAction: { type: 'BOUNCE' } }))
      .toThrow(new WorkMailResponseError(['fallbackAction.parameters.bounceMessage must be a non-empty bounce message, got undefined (BOUNCE needs the text of the bounce message)']));
    expect(() => resolveDispositions(outbound, undefined, { fallbackAction: { type: 'MOVE_TO_JUNK' } }))
      .toThrow('fallbackAction.type MOVE_TO_JUNK is for inbound rules only; a response to an outbound event may use DEFAULT, DROP, BOUNCE');
    expect(() => resolveDispositions(inbound, undefined, { fallbackAction: { type: 'default' as any } }))
      .toThrow('fallbackAction.type must be one of DEFAULT, DROP, BOUNCE, MOVE_TO_JUNK, BYPASS_SPAM_CHECK, got "default"');
  });

  test('the actions returned are copies: changing one changes nothing else', () => {
    const result = resolveDispositions(inbound, undefined, { fallbackAction });
    (result[R1] as any).parameters.bounceMessage = 'changed';
    expect(result[R2]).toEqual(FALLBACK);
    expect(fallbackAction.parameters!.bounceMessage).toBe('fallback');
  });
});

describe('properties', () => {
  const pool = ['a@example.com', 'B@example.com', 'b@example.com', 'c@example.org', 'first.last+tag@example.net', 'd@sub.example.com', 'new@example.com'];
  const malformed = ['', 'nobody', 'x y@example.com', 'trailing@'];
  const addressList = fc.uniqueArray(fc.constantFrom(...pool), { maxLength: 4 });
  // Many addresses, so that long programs rarely name one recipient in two actions and reach the 10-action limit.
  const widePool = [...pool, ...Array.from({ length: 60 }, (_, i) => `user${i}@example.com`)];
  const wideList = fc.uniqueArray(fc.constantFrom(...widePool), { minLength: 1, maxLength: 3 });
  const directions = fc.constantFrom<WorkMailFlowDirection | undefined>('INBOUND', 'OUTBOUND', undefined);

  const eventArb = fc.record({ direction: directions, list: fc.uniqueArray(fc.constantFrom(...pool), { minLength: 1, maxLength: 5 }), truncated: fc.boolean() })
    .map(({ direction, list, truncated }) => parseEvent(rawEvent({
      envelope: { mailFrom: { address: 'from@example.com' }, recipients: recipients(...list) },
      flowDirection: direction, truncated,
    })));

  // Blank bounce texts and malformed addresses now and then; the 256 KB limit has its own unit tests (strings that
  // size, made on every run, keep a jest worker busy collecting garbage past its exit).
  type Op = { kind: 'defaultAction' | 'drop' | 'moveToJunk' | 'bypassSpamCheck' | 'bounce'; message: string; recipients?: string[] };
  const op: fc.Arbitrary<Op> = fc.record({
    kind: fc.constantFrom('defaultAction' as const, 'drop' as const, 'moveToJunk' as const, 'bypassSpamCheck' as const, 'bounce' as const),
    message: fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 1, max: 12 }).map((n) => `Policy ${n}`) }, { weight: 1, arbitrary: fc.constantFrom('', ' ') }),
    recipients: fc.option(fc.oneof({ weight: 19, arbitrary: wideList }, { weight: 1, arbitrary: fc.array(fc.constantFrom(...malformed), { minLength: 1, maxLength: 2 }) }), { nil: undefined, freq: 8 }),
  });

  function run(event: WorkMailLambdaEvent, stated: WorkMailFlowDirection | undefined, ops: Op[]) {
    const builder = SyncResponse.forEvent(event, { direction: stated });
    for (const o of ops) {
      if (o.kind === 'bounce') builder.bounce(o.message, o.recipients);
      else builder[o.kind](o.recipients);
    }
    return builder.build();
  }

  test('every response the builder returns passes the check resolveDispositions applies, and gets applied as built', () => {
    let built = 0;
    fc.assert(fc.property(eventArb, fc.boolean(), fc.array(op, { minLength: 1, maxLength: 16 }), (event, state, ops) => {
      const stated = state && !event.flowDirection ? 'INBOUND' : undefined;
      let response;
      try {
        response = run(event, stated, ops);
      } catch (e) {
        expect(e).toBeInstanceOf(WorkMailResponseError);
        return;
      }
      built++;
      const direction = stated ?? event.flowDirection;
      expect(checkResponse(response, direction)).toEqual({ problems: [], entries: expect.any(Array) });
      const result = resolveDispositions(event, response, { fallbackAction, direction: stated });
      // Each recipient the response names gets its action; no one is left to the fallback by a valid response with allRecipients.
      for (const entry of response.actions) {
        for (const address of entry.recipients ?? []) {
          const key = Object.keys(result).find((k) => k.toLowerCase() === address.toLowerCase())!;
          expect(result[key]).toEqual(entry.action);
        }
      }
      const rest = response.actions.find((a) => a.allRecipients);
      if (rest) expect(Object.values(result)).not.toContainEqual(FALLBACK);
    }), { numRuns: 1500 });
    // The property means something only when many programs build.
    expect(built).toBeGreaterThan(200);
  });

  test('the builder refuses exactly the programs with more than 10 unique actions, and what it returns passes the check', () => {
    let refused = 0;
    let accepted = 0;
    // Bounce texts 1..14, each call for a recipient of its own: the unique actions are the distinct texts.
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 14 }), { minLength: 1, maxLength: 30, size: 'max' }), (texts) => {
      const builder = SyncResponse.forEvent(inbound);
      texts.forEach((n, i) => builder.bounce(`Policy ${n}`, [`user${i}@example.com`]));
      const unique = new Set(texts).size;
      if (unique > 10) {
        refused++;
        expect(() => builder.build()).toThrow(`the response has ${unique} unique actions; WorkMail applies at most 10`);
      } else {
        expect(checkResponse(builder.build(), 'INBOUND').problems).toEqual([]);
        accepted++;
      }
    }), { numRuns: 500 });
    expect(refused).toBeGreaterThan(20);
    expect(accepted).toBeGreaterThan(20);
  });

  // Raw responses, valid or not: entries with random types, recipients, allRecipients of the wrong type...
  const rawEntry = fc.record({
    action: fc.oneof(
      fc.record({ type: fc.constantFrom('DEFAULT', 'DROP', 'MOVE_TO_JUNK', 'BYPASS_SPAM_CHECK') }),
      fc.record({ type: fc.constant('BOUNCE'), parameters: fc.record({ bounceMessage: fc.constantFrom('no', 'Policy', '') }) }),
      fc.record({ type: fc.constantFrom('QUARANTINE', 'default') }),
    ),
    recipients: fc.option(fc.oneof({ weight: 9, arbitrary: addressList }, { weight: 1, arbitrary: fc.constantFrom<unknown>('a@example.com', ['nobody']) }), { nil: undefined }),
    allRecipients: fc.option(fc.oneof({ weight: 9, arbitrary: fc.boolean() }, { weight: 1, arbitrary: fc.constantFrom<unknown>('true', 1) }), { nil: undefined }),
  }, { requiredKeys: ['action'] });
  const rawResponse = fc.oneof(
    { weight: 8, arbitrary: fc.record({ actions: fc.array(rawEntry, { maxLength: 13 }) }) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(undefined, null, new Error('threw'), 'DEFAULT', { actions: 'DEFAULT' }) },
    { weight: 1, arbitrary: fc.jsonValue() },
  );
  const bounceFallback = fc.constantFrom<WorkMailAction>({ type: 'DEFAULT' }, { type: 'DROP' }, FALLBACK);

  test('resolveDispositions gives every recipient exactly one final action', () => {
    fc.assert(fc.property(eventArb, rawResponse, bounceFallback, (event, response, fallback) => {
      const result = resolveDispositions(event, response, { fallbackAction: fallback });
      const keys = Object.keys(result).map((k) => k.toLowerCase());
      // One entry per recipient (without case), every recipient of the event among them.
      expect(new Set(keys).size).toBe(keys.length);
      for (const { address } of event.envelope.recipients) expect(keys).toContain(address.toLowerCase());
      const check = checkResponse(response, event.flowDirection);
      const applied = (check.entries ?? []).filter((e) => e.applied).map((e) => e.action);
      for (const [address, action] of Object.entries(result)) {
        // The final action is the fallback or one the response applies; an invalid response gives the fallback to all.
        expect([fallback, ...applied]).toContainEqual(action);
        if (!check.entries) expect(action).toEqual(fallback);
        // A recipient the response adds is there only if the response is valid and names it.
        if (!event.envelope.recipients.some((r) => r.address.toLowerCase() === address.toLowerCase())) {
          expect(check.entries?.some((e) => e.recipients.some((r) => r.toLowerCase() === address.toLowerCase()))).toBe(true);
        }
      }
    }), { numRuns: 2000 });
  });
});
