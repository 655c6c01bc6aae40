import * as fc from 'fast-check';
import { parseEvent, WorkMailEventError } from '../../lambda/runtime';
import { fixture, fixtureNames, rawEvent, recipients } from './helpers';

function errorOf(input: unknown): WorkMailEventError {
  try {
    parseEvent(input);
  } catch (e) {
    if (e instanceof WorkMailEventError) return e;
    throw e;
  }
  throw new Error('parseEvent accepted the input');
}

describe('parseEvent', () => {
  test.each(fixtureNames())('parses the event file %s made from the seed', (name) => {
    const event = parseEvent(fixture(name));
    expect(['2018-10-10', '2019-07-28']).toContain(event.summaryVersion);
    expect(event.envelope.recipients.length).toBeGreaterThan(0);
    expect(typeof event.messageId).toBe('string');
  });

  test("returns the seed's example event field for field", () => {
    expect(parseEvent(fixture('seed-inbound-2018-10-10.json'))).toEqual({
      summaryVersion: '2018-10-10',
      envelope: { mailFrom: { address: 'from@example.com' }, recipients: recipients('recipient1@example.com', 'recipient2@example.com') },
      sender: { address: 'sender@example.com' },
      subject: 'Hello From Amazon WorkMail!',
      messageId: '00000000-0000-0000-0000-000000000000',
      invocationId: '00000000000000000000000000000000',
      flowDirection: 'INBOUND',
      truncated: false,
    });
  });

  test('an older event without flowDirection or invocationId parses with both unknown', () => {
    const event = parseEvent(fixture('no-direction-2018-10-10.json'));
    expect(event.flowDirection).toBeUndefined();
    expect(event.invocationId).toBeUndefined();
    expect('flowDirection' in event).toBe(false);
  });

  test('a truncated event parses and says so', () => {
    const event = parseEvent(fixture('truncated-inbound.json'));
    expect(event.truncated).toBe(true);
    expect(event.envelope.recipients).toHaveLength(3);
  });

  test('unknown extra fields are accepted and left out; an empty mailFrom (a bounce) is accepted', () => {
    const event = parseEvent(fixture('bounce-with-extra-fields.json'));
    expect(event.envelope.mailFrom.address).toBe('');
    expect(event).not.toHaveProperty('futureField');
    expect(event.envelope.recipients).toEqual(recipients('recipient1@example.com'));
    expect(parseEvent(rawEvent({ sender: null })).sender).toBeUndefined();
  });

  test('accepts both summary versions and no other', () => {
    expect(parseEvent(rawEvent({ summaryVersion: '2019-07-28' })).summaryVersion).toBe('2019-07-28');
    expect(errorOf(rawEvent({ summaryVersion: '2020-01-01' })).message)
      .toBe('Not a WorkMail Run Lambda event: summaryVersion must be one of 2018-10-10, 2019-07-28, got string "2020-01-01"');
  });

  test.each<[string, unknown, string, string]>([
    ['not an object', 'hello', 'event', 'event must be a JSON object, got string "hello"'],
    ['null', null, 'event', 'event must be a JSON object, got null'],
    ['an array', [1, 2], 'event', 'event must be a JSON object, got an array of 2'],
    ['no envelope', rawEvent({ envelope: undefined }), 'envelope', 'envelope must be an object with mailFrom and recipients, got nothing (the field is missing)'],
    ['mailFrom a string', rawEvent({ envelope: { mailFrom: 'a@example.com', recipients: [] } }), 'envelope.mailFrom', 'envelope.mailFrom must be an object with an address, got string "a@example.com"'],
    ['recipients missing', rawEvent({ envelope: { mailFrom: { address: 'a@example.com' } } }), 'envelope.recipients', 'envelope.recipients must be an array of { address } objects, got nothing (the field is missing)'],
    ['a recipient address a number', rawEvent({ envelope: { mailFrom: { address: 'a@example.com' }, recipients: [{ address: 'b@example.com' }, { address: 42 }] } }),
      'envelope.recipients[1].address', 'envelope.recipients[1].address must be a string, got number 42'],
    ['sender without address', rawEvent({ sender: {} }), 'sender.address', 'sender.address must be a string, got nothing (the field is missing)'],
    ['subject missing', rawEvent({ subject: undefined }), 'subject', 'subject must be a string, got nothing (the field is missing)'],
    ['messageId an object', rawEvent({ messageId: { id: 1 } }), 'messageId', 'messageId must be a string, got an object'],
    ['invocationId a number', rawEvent({ invocationId: 7 }), 'invocationId', 'invocationId must be a string when present, got number 7'],
    ['flowDirection lower case', rawEvent({ flowDirection: 'inbound' }), 'flowDirection', `flowDirection must be 'INBOUND' or 'OUTBOUND' when present, got string "inbound"`],
    ["truncated the string 'false'", rawEvent({ truncated: 'false' }), 'truncated', 'truncated must be a boolean, got string "false"'],
    ['a long subject', rawEvent({ subject: 'x'.repeat(500), summaryVersion: 9 }), 'summaryVersion', 'summaryVersion must be a string, got number 9'],
  ])('rejects %s, naming the field path and what was found', (_, input, path, message) => {
    const error = errorOf(input);
    expect(error.path).toBe(path);
    expect(error.message).toBe(`Not a WorkMail Run Lambda event: ${message}`);
    expect(error.name).toBe('WorkMailEventError');
  });

  test('cuts a long value short in the message', () => {
    expect(errorOf(rawEvent({ flowDirection: 'y'.repeat(200) })).message).toMatch(/got string "y{50,}\.\.\.$/);
  });

  test('reads own fields only: a "__proto__" key from JSON.parse is not the prototype', () => {
    const input = JSON.parse('{"__proto__": {"summaryVersion": "2018-10-10"}}');
    expect(errorOf(input).message).toBe('Not a WorkMail Run Lambda event: summaryVersion must be a string, got nothing (the field is missing)');
  });

  describe('properties', () => {
    test('arbitrary JSON never makes it throw anything but WorkMailEventError', () => {
      fc.assert(fc.property(fc.jsonValue(), (value) => {
        try {
          parseEvent(value);
        } catch (e) {
          return e instanceof WorkMailEventError;
        }
        return true;
      }), { numRuns: 2000 });
    });

    // Arbitrary JSON rarely gets past the first field: replace one field of a valid event at any depth instead.
    const paths = [['summaryVersion'], ['envelope'], ['envelope', 'mailFrom'], ['envelope', 'mailFrom', 'address'], ['envelope', 'recipients'],
      ['envelope', 'recipients', 0], ['envelope', 'recipients', 0, 'address'], ['sender'], ['sender', 'address'], ['subject'], ['messageId'],
      ['invocationId'], ['flowDirection'], ['truncated'], ['extra']];
    test('a valid event with any one field replaced by arbitrary JSON parses or throws WorkMailEventError naming that field', () => {
      fc.assert(fc.property(fc.constantFrom(...paths), fc.oneof(fc.jsonValue(), fc.constant(undefined)), (path, value) => {
        const input = structuredClone(rawEvent()) as any;
        let target = input;
        for (const key of path.slice(0, -1)) target = target[key];
        target[path[path.length - 1]] = value;
        try {
          parseEvent(input);
          return true;
        } catch (e) {
          return e instanceof WorkMailEventError && e.path.replace(/\[(\d+)\]/g, '.$1').startsWith(path.slice(0, 1).join('.'));
        }
      }), { numRuns: 2000 });
    });

    test('valid events of any shape parse to what they hold', () => {
      const address = fc.emailAddress();
      const event = fc.record({
        summaryVersion: fc.constantFrom('2018-10-10', '2019-07-28'),
        envelope: fc.record({ mailFrom: fc.record({ address }), recipients: fc.array(fc.record({ address }), { minLength: 1, maxLength: 20 }) }),
        sender: fc.option(fc.record({ address }), { nil: undefined }),
        subject: fc.string({ maxLength: 256 }),
        messageId: fc.uuid(),
        invocationId: fc.option(fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 32, maxLength: 40 }), { nil: undefined }),
        flowDirection: fc.option(fc.constantFrom('INBOUND' as const, 'OUTBOUND' as const), { nil: undefined }),
        truncated: fc.boolean(),
      }, { requiredKeys: ['summaryVersion', 'envelope', 'subject', 'messageId', 'truncated'] });
      fc.assert(fc.property(event, (e) => {
        const parsed = parseEvent(JSON.parse(JSON.stringify(e)));
        expect(parsed).toEqual(JSON.parse(JSON.stringify(e)));
      }), { numRuns: 500 });
    });
  });
});
