import {
  MessageContentError, MimeRewriteError, WorkMailConfigurationError, WorkMailEventError, WorkMailResponseError, WorkMailRuntimeError,
  isRetryableError, parseEvent,
} from '../../lambda/runtime';

describe('the runtime error family', () => {
  test('every error class shares the base class and says whether a retry helps', () => {
    const event: unknown = (() => { try { parseEvent({}); return undefined; } catch (e) { return e; } })();
    expect(event).toBeInstanceOf(WorkMailEventError);
    expect(event).toBeInstanceOf(WorkMailRuntimeError);
    expect((event as WorkMailEventError).retryable).toBe(false);
    expect(new WorkMailResponseError(['x'])).toMatchObject({ retryable: false, name: 'WorkMailResponseError' });
    expect(new WorkMailConfigurationError('MISSING_PACKAGE', 'install x')).toMatchObject({ retryable: false, code: 'MISSING_PACKAGE' });
    expect(new MimeRewriteError('NOT_MIME', 'x').retryable).toBe(false);
    expect(new MimeRewriteError('TRANSFORM', 'x').retryable).toBe(false);
    expect(new MimeRewriteError('INPUT', 'x', { cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) }).retryable).toBe(true);
    expect(new MimeRewriteError('INPUT', 'x', { cause: new WorkMailConfigurationError('INVALID_OPTION', 'y') }).retryable).toBe(false);
  });

  test('a message content error takes its retryable from its cause unless told', () => {
    const throttled = Object.assign(new Error('slow down'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
    expect(new MessageContentError('m', { code: 'ThrottlingException', messageId: 'a', cause: throttled }).retryable).toBe(true);
    expect(new MessageContentError('m', { code: 'AccessDenied', messageId: 'a', cause: { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } } }).retryable).toBe(false);
    expect(new MessageContentError('m', { code: 'X', messageId: 'a', cause: throttled, retryable: false }).retryable).toBe(false);
  });

  test.each([
    ['an SDK error the SDK marked retryable', { name: 'Weird', $retryable: { throttling: true } }, true],
    ['a 503', { name: 'Unknown', $metadata: { httpStatusCode: 503 } }, true],
    ['a 429', { name: 'Unknown', $metadata: { httpStatusCode: 429 } }, true],
    ['a throttling name', { name: 'TooManyRequestsException', $metadata: { httpStatusCode: 400 } }, true],
    ['a time-out', { name: 'TimeoutError' }, true],
    ['a reset connection', { name: 'Error', code: 'ECONNRESET' }, true],
    ['a validation error', { name: 'ValidationException', $metadata: { httpStatusCode: 400 } }, false],
    ['access denied', { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } }, false],
    ['a plain TypeError', new TypeError('x is not a function'), false],
    ['a string', 'boom', false],
    ['nothing', undefined, false],
  ])('isRetryableError: %s', (_, error, expected) => {
    expect(isRetryableError(error)).toBe(expected);
  });
});
