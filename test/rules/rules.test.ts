import fc from 'fast-check';
import type { FlowRuleFields } from '../../lambda/rules/contract';
import {
  actionTypeProblem, fallbackActionTypes, flowRuleProblems, functionArnProblem, parseFunctionArn, patternListProblems,
  MAX_SENDER_PATTERNS_PER_ORGANIZATION, patternProblem, ruleTimeoutProblem, senderPatternQuotaProblem, senderPatternTotal, WORKMAIL_REGIONS,
} from '../../lambda/rules';

const ORG = 'm-0123456789abcdef0123456789abcdef';
const FN = 'arn:aws:lambda:us-east-1:123456789012:function:scan';
const valid: FlowRuleFields = {
  OrganizationId: ORG, Name: 'scan', SenderPatterns: ['*'], DestinationPatterns: ['*'],
  Action: { Type: 'RUN_LAMBDA', Lambda: { FunctionArn: FN, InvocationType: 'SYNC', RuleTimeoutInMinutes: 30, FallbackAction: { Type: 'DEFAULT' } } },
};

const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?$/);
const domain = fc.array(label, { minLength: 1, maxLength: 4 }).map((ls) => ls.join('.'));
const local = fc.stringMatching(/^[a-z0-9_'=-]{1,20}(\.[a-z0-9_-]{1,10})?$/);

describe('patterns', () => {
  test('every domain, subdomain wildcard and address built from valid parts is accepted', () => {
    fc.assert(fc.property(domain, local, (d, l) => {
      expect(patternProblem(d)).toBeUndefined();
      expect(patternProblem(`*.${d}`)).toBeUndefined();
      expect(patternProblem(`${l}@${d}`)).toBeUndefined();
    }));
  });

  test('any pattern with whitespace or a plus sign is rejected', () => {
    fc.assert(fc.property(domain, fc.constantFrom(' ', '\t', '\n', '+'), fc.nat(30), (d, bad, at) => {
      const i = at % (d.length + 1);
      expect(patternProblem(d.slice(0, i) + bad + d.slice(i))).toBeDefined();
    }));
  });

  test('a wildcard anywhere but a lone * or a leading *. is rejected', () => {
    fc.assert(fc.property(domain, fc.nat(30), (d, at) => {
      const i = 1 + (at % d.length);
      expect(patternProblem(d.slice(0, i) + '*' + d.slice(i))).toBeDefined();
    }));
    expect(patternProblem('*')).toBeUndefined();
    expect(patternProblem('**.example.com')).toBeDefined();
    expect(patternProblem('*.')).toBeDefined();
  });

  test('the checker never throws, whatever the input', () => {
    fc.assert(fc.property(fc.string(), (s) => {
      expect(() => patternProblem(s)).not.toThrow();
    }));
  });

  test('a label over 63 characters and a domain over 253 characters are rejected', () => {
    expect(patternProblem(`${'a'.repeat(64)}.com`)).toBeDefined();
    expect(patternProblem(Array.from({ length: 64 }, () => 'abc').join('.'))).toBeDefined();
  });

  test('lists: the limit applies only where given, duplicates compare without case', () => {
    const many = Array.from({ length: 300 }, (_, i) => `d${i}.example`);
    expect(patternListProblems('DestinationPatterns', many)).toEqual([]);
    expect(patternListProblems('SenderPatterns', many, 250)).toEqual(['SenderPatterns holds 300 patterns; at most 250 are allowed']);
    expect(patternListProblems('P', ['A.example', 'a.EXAMPLE'])).toEqual(['P lists "a.EXAMPLE" more than once; each pattern may appear once']);
    expect(patternListProblems('P', 'x' as any)).toEqual(['P must be a list of patterns, got "x"']);
  });
});

describe('rule timeout', () => {
  test('whole minutes from 0 to 240 pass; everything else fails with the range in the message', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 240 }), (m) => expect(ruleTimeoutProblem('t', m)).toBeUndefined()));
    fc.assert(fc.property(fc.oneof(fc.integer({ min: 241 }), fc.integer({ max: -1 }), fc.double({ noInteger: true })), (m) => {
      expect(ruleTimeoutProblem('t', m)).toMatch(/^t must be a whole number of minutes from 0 to 240, got /);
    }));
  });
});

describe('actions', () => {
  test('direction decides the action types; a fallback is never Run Lambda', () => {
    expect(actionTypeProblem('a', 'OUTBOUND', 'MOVE_TO_JUNK', false)).toMatch(/not allowed as an action of an outbound rule; allowed: DEFAULT, DROP, BOUNCE, ROUTE_TO_SMTP_GATEWAY, RUN_LAMBDA/);
    expect(actionTypeProblem('a', 'INBOUND', 'ROUTE_TO_SMTP_GATEWAY', false)).toBeDefined();
    expect(fallbackActionTypes('INBOUND')).not.toContain('RUN_LAMBDA');
    expect(fallbackActionTypes('OUTBOUND')).toEqual(['DEFAULT', 'DROP', 'BOUNCE', 'ROUTE_TO_SMTP_GATEWAY']);
  });

  test('function ARNs: parsed, and held to the organization Region and account', () => {
    expect(parseFunctionArn(`${FN}:live`)).toEqual({ partition: 'aws', region: 'us-east-1', account: '123456789012', functionName: 'scan' });
    expect(functionArnProblem('F', 'scan')).toMatch(/^F must be a Lambda function ARN/);
    expect(functionArnProblem('F', FN, { region: 'eu-west-1' })).toMatch(/names a function in Region us-east-1, but the organization is in eu-west-1/);
    expect(functionArnProblem('F', FN, { account: '000000000000' })).toMatch(/names a function in account 123456789012, but the organization is in account 000000000000/);
  });
});

describe('flowRuleProblems (what the provider and the emulator enforce)', () => {
  test('a valid rule has no problem', () => {
    expect(flowRuleProblems('INBOUND', valid, { region: 'us-east-1', account: '123456789012' })).toEqual([]);
  });

  test('every problem of a bad rule is listed, with wire field names', () => {
    const bad: any = {
      OrganizationId: 'org', Name: '', SenderPatterns: [], DestinationPatterns: ['x.example'],
      Action: { Type: 'RUN_LAMBDA', BounceMessage: 'x', Lambda: { FunctionArn: 'nope', InvocationType: 'SYNC', RuleTimeoutInMinutes: 999, FallbackAction: { Type: 'RUN_LAMBDA' } } },
    };
    const problems = flowRuleProblems('OUTBOUND', bad);
    expect(problems).toEqual([
      expect.stringMatching(/^OrganizationId must be 'm-'/),
      expect.stringMatching(/^Name must be 1 to 64 characters/),
      expect.stringMatching(/^SenderPatterns must hold at least one pattern/),
      expect.stringMatching(/^Action.BounceMessage is only allowed with Type BOUNCE/),
      expect.stringMatching(/^Action.Lambda.FunctionArn must be a Lambda function ARN/),
      expect.stringMatching(/^Action.Lambda.RuleTimeoutInMinutes must be a whole number of minutes from 0 to 240, got 999/),
      expect.stringMatching(/^Action.Lambda.FallbackAction.Type "RUN_LAMBDA" is not allowed as a fallback action of an outbound rule/),
      expect.stringMatching(/^DestinationPatterns must be exactly \['\*'\] for a synchronous Run Lambda rule/),
    ]);
  });

  test('an asynchronous action cannot carry a fallback or a timeout', () => {
    const rule = { ...valid, Action: { Type: 'RUN_LAMBDA' as const, Lambda: { FunctionArn: FN, InvocationType: 'ASYNC' as const, RuleTimeoutInMinutes: 5, FallbackAction: { Type: 'DROP' as const } } } };
    expect(flowRuleProblems('INBOUND', rule)).toEqual([
      'Action.Lambda.FallbackAction is only allowed with InvocationType SYNC (an asynchronous Run Lambda action has no fallback action and no rule timeout), got {"Type":"DROP"}',
      'Action.Lambda.RuleTimeoutInMinutes is only allowed with InvocationType SYNC (an asynchronous Run Lambda action has no fallback action and no rule timeout), got 5',
    ]);
  });

  test('a missing action and a missing Lambda part are reported, not thrown', () => {
    expect(flowRuleProblems('INBOUND', { ...valid, Action: undefined as any })).toEqual(['Action must be an action object with a Type, got undefined']);
    expect(flowRuleProblems('INBOUND', { ...valid, Action: { Type: 'RUN_LAMBDA' } })).toEqual([
      'Action.Lambda must describe the function to run for Type RUN_LAMBDA, got undefined',
    ]);
  });

  test('WorkMail Regions', () => {
    expect(WORKMAIL_REGIONS).toEqual(['us-east-1', 'us-west-2', 'eu-west-1']);
  });
});

describe('sender patterns per organization', () => {
  test('up to 1,000 is no problem; one more names the total, the quota and the rules, largest first', () => {
    expect(MAX_SENDER_PATTERNS_PER_ORGANIZATION).toBe(1000);
    expect(senderPatternQuotaProblem(ORG, 'the rules', [{ rule: 'a', count: 500 }, { rule: 'b', count: 500 }])).toBeUndefined();
    expect(senderPatternQuotaProblem(ORG, 'the rules', [{ rule: 'a', count: 1 }, { rule: 'b', count: 1000 }])).toBe(
      `the rules hold 1,001 sender patterns for organization ${ORG} (inbound and outbound rules together), but WorkMail allows at most 1,000 sender patterns per organization (a hard quota); sender patterns by rule: b (1,000), a (1)`);
  });

  test('the rule list can be left out', () => {
    expect(senderPatternQuotaProblem(ORG, 'x', [{ rule: 'a', count: 1001 }], false)).toBe(
      `x hold 1,001 sender patterns for organization ${ORG} (inbound and outbound rules together), but WorkMail allows at most 1,000 sender patterns per organization (a hard quota)`);
  });

  test('the total counts every entry', () => {
    expect(senderPatternTotal([{ rule: 'a', count: 3 }, { rule: 'b', count: 4 }])).toBe(7);
    expect(senderPatternTotal([])).toBe(0);
  });
});
