/** What an answer says about the wire contract and the caller's permissions (lambda/rules/service-answers). */
import {
  accessDeniedText, contractMismatchText, ContractMismatchError, errorMismatch, errorText, isAccessDenied, outputMismatch,
} from '../../lambda/rules';

const error = (name: string, message: string) => Object.assign(new Error(message), { name });
const RULE = { RuleId: 'r-1', Name: 'n', SenderPatterns: ['*'], DestinationPatterns: ['*'], Action: { Type: 'DEFAULT' } };

describe('errorMismatch: the error answers that show another shape', () => {
  test.each([
    ['UnknownOperationException', 'UnknownError', 'unknown-operation', 'UnknownOperationException'],
    ['InvalidAction', 'Could not find operation', 'unknown-operation', 'InvalidAction: Could not find operation'],
    ['SerializationException', 'Unexpected field Priority', 'serialization', 'SerializationException: Unexpected field Priority'],
    ['ValidationException', "Value null at 'priority' failed to satisfy constraint: Member must not be null", 'validation',
      "ValidationException: Value null at 'priority' failed to satisfy constraint: Member must not be null"],
    ['InvalidParameterException', 'Priority is required', 'validation', 'InvalidParameterException: Priority is required'],
  ])('%s is a %s mismatch, quoted as it came back', (name, message, kind, answer) => {
    expect(errorMismatch('CreateInboundMailFlowRule', error(name, message))).toEqual({ operation: 'CreateInboundMailFlowRule', kind, answer });
  });

  test.each([
    ['InvalidParameterException', 'SenderPatterns has an invalid pattern'],
    ['NameAvailabilityException', 'taken'], ['ThrottlingException', 'slow down'], ['AccessDeniedException', 'no'],
  ])('%s (%s) says nothing about the shape', (name, message) => {
    expect(errorMismatch('CreateInboundMailFlowRule', error(name, message))).toBeUndefined();
  });

  test('a value that is not an error is no mismatch, and errorText never throws', () => {
    expect(errorMismatch('X', undefined)).toBeUndefined();
    expect(errorMismatch('X', 'text')).toBeUndefined();
    expect(errorText(undefined)).toBe('undefined');
    expect(errorText(error('E', 'x'.repeat(1000))).length).toBeLessThanOrEqual(400);
  });
});

describe('outputMismatch: the successful answers that lack a member we read', () => {
  test('a create without RuleId, quoting the body as received', () => {
    expect(outputMismatch('INBOUND', 'create', { Id: 'r-1' }, '{"Id":"r-1"}'))
      .toEqual({ operation: 'CreateInboundMailFlowRule', kind: 'missing-output', answer: '{"Id":"r-1"}', missing: ['RuleId'] });
    expect(outputMismatch('INBOUND', 'create', { RuleId: 'r-1' })).toBeUndefined();
  });

  test('a list without Rules, or with a rule that lacks members', () => {
    expect(outputMismatch('OUTBOUND', 'list', { Items: [] })?.missing).toEqual(['Rules']);
    expect(outputMismatch('OUTBOUND', 'list', { Rules: [RULE, { RuleId: 'r-2', Name: 'x' }] })?.missing)
      .toEqual(['Rules[1].SenderPatterns', 'Rules[1].DestinationPatterns', 'Rules[1].Action']);
    expect(outputMismatch('OUTBOUND', 'list', { Rules: [RULE], $metadata: {} })).toBeUndefined();
    expect(outputMismatch('OUTBOUND', 'list', { Rules: [] })).toBeUndefined();
  });

  test('a describe that lacks the rule\'s members; update and delete read nothing', () => {
    expect(outputMismatch('INBOUND', 'describe', { ...RULE, Action: {} })?.missing).toEqual(['Action']);
    expect(outputMismatch('INBOUND', 'describe', RULE)).toBeUndefined();
    expect(outputMismatch('INBOUND', 'update', {})).toBeUndefined();
    expect(outputMismatch('INBOUND', 'delete', {})).toBeUndefined();
  });
});

test('the text names the operation, what came back and where the assumption lives; the error carries it', () => {
  const mismatch = errorMismatch('ListOutboundMailFlowRules', error('UnknownOperationException', ''))!;
  const text = contractMismatchText(mismatch);
  expect(text).toBe('ListOutboundMailFlowRules does not answer in the shape this library assumes: the service does not know the operation; '
    + "the service answered UnknownOperationException; the shape is our assumption, kept in cdk-workmail-lambda's wire contract "
    + '(lambda/rules/contract.ts): please report this answer to cdk-workmail-lambda');
  const e = new ContractMismatchError(mismatch);
  expect([e.name, e.message, e.mismatch]).toEqual(['ContractMismatchError', text, mismatch]);
});

test('access denied: recognised by name, and the text names the IAM action', () => {
  expect(isAccessDenied(error('AccessDeniedException', 'no'))).toBe(true);
  expect(isAccessDenied(error('AccessDenied', 'no'))).toBe(true);
  expect(isAccessDenied(error('ThrottlingException', 'no'))).toBe(false);
  expect(accessDeniedText('ListInboundMailFlowRules', 'you', 'the organization m-1'))
    .toBe('you may not call ListInboundMailFlowRules: allow the IAM action workmail:ListInboundMailFlowRules on the organization m-1');
});
