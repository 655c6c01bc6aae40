/** Pattern matching and precedence of email flow rules: one test per rule of the guide and per reading. */
import * as fc from 'fast-check';
import {
  ACTION_PRECEDENCE, type MatchableRule, READINGS, RuleMatcher, compareSpecificity, patternMatches, patternSpecificity, shadowingRule,
} from '../../lambda/rules/precedence';
import { patternProblem } from '../../lambda/rules';

function rule(name: string, actionType: string, senderPatterns: string[] = ['*'], destinationPatterns: string[] = ['*'], synchronous?: boolean): MatchableRule {
  return { name, actionType, senderPatterns, destinationPatterns, synchronous };
}

const names = (list: readonly { rule: MatchableRule }[]) => list.map((m) => m.rule.name);

describe('patterns (guide: "Sender and recipient patterns")', () => {
  test.each([
    ['mailbox@example.com', 'mailbox@example.com', true],
    ['mailbox@example.com', 'other@example.com', false],
    ['example.com', 'anyone@example.com', true],
    ['example.com', 'anyone@sub.example.com', false],
    ['*.example.com', 'anyone@example.com', true],
    ['*.example.com', 'anyone@a.b.example.com', true],
    ['*.example.com', 'anyone@badexample.com', false],
    ['*.example.com', 'anyone@example.com.evil.org', false],
    ['*', 'anyone@anywhere.example', true],
  ])('%s matches %s: %s', (pattern, address, expected) => {
    expect(patternMatches(pattern, address)).toBe(expected);
  });

  test('an address is more specific than a domain, a domain than a wildcard domain, a wildcard domain than *', () => {
    const order = ['*', '*.example.com', 'example.com', 'a@example.com'].map(patternSpecificity);
    for (let i = 1; i < order.length; i++) expect(compareSpecificity(order[i], order[i - 1])).toBeGreaterThan(0);
  });

  test('a pattern matches exactly the addresses its form names (property: wildcard domain = the domain or a subdomain)', () => {
    const label = fc.stringMatching(/^[a-z0-9]{1,8}$/);
    fc.assert(fc.property(fc.array(label, { minLength: 1, maxLength: 4 }), fc.array(label, { minLength: 1, maxLength: 4 }), label, (pat, addr, local) => {
      const patternDomain = pat.join('.');
      const addressDomain = addr.join('.');
      expect(patternProblem(`*.${patternDomain}`)).toBeUndefined();
      const address = `${local}@${addressDomain}`;
      expect(patternMatches(patternDomain, address)).toBe(addressDomain === patternDomain);
      expect(patternMatches(`*.${patternDomain}`, address)).toBe(addressDomain === patternDomain || addressDomain.endsWith(`.${patternDomain}`));
      expect(patternMatches(`${local}@${patternDomain}`, address)).toBe(addressDomain === patternDomain);
    }));
  });
});

describe('inbound (guide: Sender first, From when there is no Sender or it matches no rule)', () => {
  const matcher = new RuleMatcher('INBOUND', [
    rule('by-sender', 'DROP', ['boss@example.org']),
    rule('by-from', 'BOUNCE', ['list@example.net']),
  ]);

  test('the Sender address is matched first', () => {
    const s = matcher.select({ recipient: 'a@example.com', sender: 'boss@example.org', from: 'list@example.net' });
    expect(names(s.winners)).toEqual(['by-sender']);
    expect(s.matches.map((m) => m.matchedOn)).toEqual(['Sender']);
  });

  test('the From address is matched when the Sender matches no rule', () => {
    const s = matcher.select({ recipient: 'a@example.com', sender: 'nobody@example.org', from: 'list@example.net' });
    expect(names(s.winners)).toEqual(['by-from']);
    expect(s.winners[0].matchedOn).toBe('From');
  });

  test('the From address is matched when there is no Sender', () => {
    expect(names(matcher.select({ recipient: 'a@example.com', from: 'list@example.net' }).winners)).toEqual(['by-from']);
  });

  test('a rule applies only to recipients its destination patterns match', () => {
    const m = new RuleMatcher('INBOUND', [rule('sales-only', 'DROP', ['*'], ['sales@example.com'])]);
    expect(names(m.select({ recipient: 'sales@example.com', from: 'x@y.org' }).winners)).toEqual(['sales-only']);
    expect(m.select({ recipient: 'hr@example.com', from: 'x@y.org' }).winners).toEqual([]);
  });
});

describe('outbound (guide: the recipient and either the Sender or From address)', () => {
  test('either header may match; each recipient on its own', () => {
    const m = new RuleMatcher('OUTBOUND', [rule('to-partner', 'BOUNCE', ['sales@example.com'], ['partner.example'])]);
    expect(names(m.select({ recipient: 'x@partner.example', sender: 'assistant@example.com', from: 'sales@example.com' }).winners)).toEqual(['to-partner']);
    expect(m.select({ recipient: 'x@other.example', from: 'sales@example.com' }).winners).toEqual([]);
  });

  test('a match on From while a Sender is present depends on a reading', () => {
    const m = new RuleMatcher('OUTBOUND', [rule('r', 'DROP', ['sales@example.com'])]);
    const s = m.select({ recipient: 'x@y.example', sender: 'assistant@example.com', from: 'sales@example.com' });
    expect(s.readings).toContain('outbound-sender-or-from');
  });
});

describe('precedence (guide: the most specific rule, then the most restrictive action)', () => {
  test('a rule for a specific address takes precedence over a rule for an entire domain', () => {
    const m = new RuleMatcher('INBOUND', [rule('domain', 'DROP', ['example.org']), rule('address', 'DEFAULT', ['friend@example.org'])]);
    const s = m.select({ recipient: 'a@example.com', from: 'friend@example.org' });
    expect(names(s.winners)).toEqual(['address']);
    expect(s.losers.map((l) => [l.match.rule.name, l.reason])).toEqual([['domain', 'less-specific-sender']]);
  });

  test.each(ACTION_PRECEDENCE.INBOUND.slice(0, -1).map((type, i) => [type, ACTION_PRECEDENCE.INBOUND[i + 1]]))(
    'inbound: on equal specificity %s takes precedence over %s (the order of the guide\'s list)', (stronger, weaker) => {
      const m = new RuleMatcher('INBOUND', [rule('weaker', weaker), rule('stronger', stronger)]);
      const s = m.select({ recipient: 'a@example.com', from: 'x@y.org' });
      expect(names(s.winners)).toEqual(['stronger']);
      expect(s.losers[0].reason).toBe('less-restrictive-action');
    });

  test('outbound: Drop over Bounce (the guide\'s example); Default after Drop and Bounce is a reading, reported when it decides', () => {
    const m = new RuleMatcher('OUTBOUND', [rule('drop', 'DROP'), rule('bounce', 'BOUNCE')]);
    expect(names(m.select({ recipient: 'a@b.example', from: 'x@example.com' }).winners)).toEqual(['drop']);
    const d = new RuleMatcher('OUTBOUND', [rule('default', 'DEFAULT'), rule('bounce', 'BOUNCE')]);
    const s = d.select({ recipient: 'a@b.example', from: 'x@example.com' });
    expect(names(s.winners)).toEqual(['bounce']);
    expect(s.readings).toEqual(['outbound-action-order']);
  });

  test('a Run Lambda rule loses to an equally specific rule of any other action', () => {
    for (const direction of ['INBOUND', 'OUTBOUND'] as const) {
      for (const type of ACTION_PRECEDENCE[direction].filter((t) => t !== 'RUN_LAMBDA')) {
        const m = new RuleMatcher(direction, [rule('lambda', 'RUN_LAMBDA', ['*'], ['*'], true), rule('other', type)]);
        expect(names(m.select({ recipient: 'a@b.example', from: 'x@example.com' }).winners)).toEqual(['other']);
      }
    }
  });

  test('equally specific Run Lambda rules all apply (a reading), synchronous first, then by name', () => {
    const m = new RuleMatcher('INBOUND', [
      rule('zeta', 'RUN_LAMBDA', ['*'], ['*'], true), rule('count', 'RUN_LAMBDA', ['*'], ['*'], false), rule('alpha', 'RUN_LAMBDA', ['*'], ['*'], true),
    ]);
    const s = m.select({ recipient: 'a@b.example', from: 'x@example.com' });
    expect(names(s.winners)).toEqual(['alpha', 'zeta', 'count']);
    expect(s.readings).toEqual(['run-lambda-ties']);
  });

  test('an asynchronous Run Lambda rule beside a winner of another action does not run (a reading)', () => {
    const m = new RuleMatcher('OUTBOUND', [rule('count', 'RUN_LAMBDA', ['*'], ['*'], false), rule('block', 'DROP', ['example.com'])]);
    const s = m.select({ recipient: 'a@blocked.example', from: 'x@example.com' });
    expect(names(s.winners)).toEqual(['block']);
    expect(s.readings).toEqual(['async-only-when-winning']);
  });

  test('destination specificity decides only between equally specific sender patterns (a reading)', () => {
    const m = new RuleMatcher('INBOUND', [rule('any-recipient', 'DROP', ['example.org']), rule('one-recipient', 'DEFAULT', ['example.org'], ['ceo@example.com'])]);
    const s = m.select({ recipient: 'ceo@example.com', from: 'x@example.org' });
    expect(names(s.winners)).toEqual(['one-recipient']);
    expect(s.readings).toEqual(['sender-specificity-first']);
    const bySender = new RuleMatcher('INBOUND', [rule('domain-sender', 'DROP', ['example.org']), rule('any-sender', 'DEFAULT', ['*'], ['ceo@example.com'])]);
    expect(names(bySender.select({ recipient: 'ceo@example.com', from: 'x@example.org' }).winners)).toEqual(['domain-sender']);
  });

  test('a deeper wildcard domain is the more specific (a reading)', () => {
    const m = new RuleMatcher('INBOUND', [rule('broad', 'DROP', ['*.example.org']), rule('narrow', 'DEFAULT', ['*.eu.example.org'])]);
    const s = m.select({ recipient: 'a@example.com', from: 'x@mail.eu.example.org' });
    expect(names(s.winners)).toEqual(['narrow']);
    expect(s.readings).toEqual(['wildcard-depth']);
  });

  test('matching ignores case, and says so when it mattered', () => {
    const m = new RuleMatcher('INBOUND', [rule('r', 'DROP', ['Boss@Example.org'])]);
    const s = m.select({ recipient: 'a@example.com', from: 'boss@example.org' });
    expect(names(s.winners)).toEqual(['r']);
    expect(s.readings).toEqual(['case-insensitive']);
    expect(new RuleMatcher('INBOUND', [rule('r', 'DROP', ['boss@example.org'])]).select({ recipient: 'a@example.com', from: 'boss@example.org' }).readings).toEqual([]);
  });

  test('no rule matches: no winner, nothing read', () => {
    const s = new RuleMatcher('INBOUND', [rule('r', 'DROP', ['example.org'])]).select({ recipient: 'a@example.com', from: 'x@example.net' });
    expect(s).toEqual({ matches: [], winners: [], losers: [], readings: [] });
  });

  test('every reading has its text', () => {
    for (const text of Object.values(READINGS)) expect(text.length).toBeGreaterThan(40);
  });
});

describe('shadowingRule (the synth warning)', () => {
  const lambda = rule('scan', 'RUN_LAMBDA', ['*'], ['*'], true);

  test('a non-Lambda rule with the same patterns shadows a Run Lambda rule', () => {
    expect(shadowingRule(lambda, [lambda, rule('deliver', 'DEFAULT')])?.name).toBe('deliver');
  });

  test('a non-Lambda rule whose patterns include every pattern of the Run Lambda rule shadows it (compared without case)', () => {
    const narrow = rule('scan', 'RUN_LAMBDA', ['Example.org'], ['*']);
    expect(shadowingRule(narrow, [rule('drop', 'DROP', ['example.org', 'example.net'], ['*'])])?.name).toBe('drop');
  });

  test('a rule with more specific or fewer patterns, another Run Lambda rule, or a non-Lambda rule itself: no shadow', () => {
    expect(shadowingRule(lambda, [rule('specific', 'DROP', ['a@example.org'])])).toBeUndefined();
    expect(shadowingRule(lambda, [rule('other-lambda', 'RUN_LAMBDA')])).toBeUndefined();
    expect(shadowingRule(rule('x', 'DROP'), [rule('y', 'DEFAULT')])).toBeUndefined();
    expect(shadowingRule(rule('scan', 'RUN_LAMBDA', ['a.example', 'b.example']), [rule('drop', 'DROP', ['a.example'])])).toBeUndefined();
  });

  test('a shadowing rule found by shadowingRule does win every message the Run Lambda rule matches (property)', () => {
    const pattern = fc.constantFrom('*', 'example.org', '*.example.org', 'a@example.org', 'example.net', 'b@example.net');
    const address = fc.constantFrom('a@example.org', 'b@sub.example.org', 'b@example.net', 'c@elsewhere.example');
    fc.assert(fc.property(fc.uniqueArray(pattern, { minLength: 1, maxLength: 3 }), fc.uniqueArray(pattern, { minLength: 1, maxLength: 4 }),
      fc.constantFrom('DROP', 'BOUNCE', 'DEFAULT', 'MOVE_TO_JUNK', 'BYPASS_SPAM_CHECK'), address, address, (lambdaPatterns, otherPatterns, type, from, to) => {
        const l = rule('l', 'RUN_LAMBDA', lambdaPatterns, ['*'], true);
        const other = rule('o', type, otherPatterns, ['*']);
        const shadow = shadowingRule(l, [other]);
        const selection = new RuleMatcher('INBOUND', [l, other]).select({ recipient: to, from });
        if (shadow && selection.matches.some((m) => m.rule === l)) expect(names(selection.winners)).toEqual(['o']);
      }));
  });
});
