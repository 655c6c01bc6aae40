import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { BUCKET, MIME, captured, describeMessageContent, read } from './message-content-cases';

describeMessageContent('built-in');

describe('cold start', () => {
  test('loading the module loads neither SDK client; they load on the first call', () => {
    const root = path.join(__dirname, '..', '..');
    const script = `
      const loaded = () => Object.keys(require.cache).filter((f) => /@aws-sdk[\\\\/]client-(s3|workmailmessageflow)[\\\\/]/.test(f)).length > 0;
      const m = require('./lambda/runtime/message-content/index.ts');
      const before = loaded();
      m.getRawMessage('bad id').catch(() => undefined); // refused before any client is needed
      const afterRefused = loaded();
      m.getRawMessage('0000').catch(() => undefined);
      console.log(JSON.stringify({ before, afterRefused, afterCall: loaded() }));
      process.exit(0);`;
    const out = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
      cwd: root, encoding: 'utf8', env: { ...process.env, AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_WORKMAILMESSAGEFLOW: 'http://127.0.0.1:9' },
    });
    expect(JSON.parse(out.trim().split('\n').at(-1)!)).toEqual({ before: false, afterRefused: false, afterCall: true });
  });
});

describe('without the AWS SDK packages (as where they are not installed or not bundled)', () => {
  /** The module loaded afresh, with `missing` failing to load as Node fails on a package that is not there. */
  async function withoutPackages<T>(missing: string[], run: (m: typeof import('../../lambda/runtime/message-content')) => Promise<T>): Promise<T> {
    let result: T;
    await jest.isolateModulesAsync(async () => {
      for (const name of missing) {
        jest.doMock(name, () => {
          throw Object.assign(new Error(`Cannot find module '${name}'`), { code: 'MODULE_NOT_FOUND' });
        });
      }
      result = await run(require('../../lambda/runtime/message-content'));
    });
    for (const name of missing) jest.dontMock(name);
    return result!;
  }
  const BOTH = ['@aws-sdk/client-workmailmessageflow', '@aws-sdk/client-s3'];
  const stored = () => Readable.from([Buffer.from(MIME)]);

  test('a test double is sent plain commands (the SDK command class name and input), and works', async () => {
    const sent: { name: string; input: unknown }[] = [];
    const fake = { send: async (command: any) => (sent.push({ name: command.constructor.name, input: command.input }), { messageContent: stored() }) };
    const { text, location } = await withoutPackages(BOTH, async (m) => ({
      text: await read(await m.getRawMessage('m-1', { messageFlowClient: fake })),
      location: await m.putRawMessage('m-1', MIME, { bucket: BUCKET, messageFlowClient: fake, s3Client: fake }),
    }));
    expect(text).toBe(MIME);
    expect(sent).toEqual([
      { name: 'GetRawMessageContentCommand', input: { messageId: 'm-1' } },
      { name: 'PutObjectCommand', input: { Bucket: BUCKET, Key: location.key, Body: Buffer.from(MIME), ContentType: 'message/rfc822' } },
      { name: 'PutRawMessageContentCommand', input: { messageId: 'm-1', content: { s3Reference: { bucket: BUCKET, key: location.key } } } },
    ]);
  });

  test('the default client: WorkMailConfigurationError MISSING_PACKAGE naming the package, not retryable, before any request', async () => {
    const error = await withoutPackages(BOTH, (m) => captured(m.getRawMessage('m-2')));
    expect(error).toMatchObject({ name: 'WorkMailConfigurationError', code: 'MISSING_PACKAGE', retryable: false });
    expect(error.message).toBe("cannot load @aws-sdk/client-workmailmessageflow (Cannot find module '@aws-sdk/client-workmailmessageflow'), " +
      "which getRawMessage/putRawMessage need to call WorkMail Message Flow and S3. Lambda's Node.js runtimes (nodejs18.x and later) include it: " +
      'leave it external when bundling (NodejsFunction does for those runtimes; esbuild: --external:@aws-sdk/*) so that it is loaded from the runtime, ' +
      'or install it in the project that is bundled or run (npm install @aws-sdk/client-workmailmessageflow). ' +
      'A client passed in (messageFlowClient, s3Client) that is not an AWS SDK client needs no package.');
    expect(error.cause).toMatchObject({ code: 'MODULE_NOT_FOUND' });
  });

  test('an AWS SDK client passed in needs its package: MISSING_PACKAGE rather than a command it cannot serialize', async () => {
    const send = jest.fn();
    const sdkLike = { send, middlewareStack: { resolve: () => undefined } };
    const error = await withoutPackages(BOTH, (m) => captured(m.getRawMessage('m-3', { messageFlowClient: sdkLike })));
    expect(error).toMatchObject({ code: 'MISSING_PACKAGE', message: expect.stringContaining('cannot load @aws-sdk/client-workmailmessageflow') });
    expect(send).not.toHaveBeenCalled();
  });

  test('putRawMessage uploads nothing when the Message Flow package is missing: both are loaded before any request', async () => {
    const s3Send = jest.fn(async () => ({}));
    const error = await withoutPackages(['@aws-sdk/client-workmailmessageflow'], (m) => captured(m.putRawMessage('m-4', MIME, { bucket: BUCKET, s3Client: { send: s3Send } })));
    expect(error).toMatchObject({ code: 'MISSING_PACKAGE', message: expect.stringContaining('npm install @aws-sdk/client-workmailmessageflow') });
    expect(s3Send).not.toHaveBeenCalled();
  });

  test('a package that loads later is used: a failed load is not remembered', async () => {
    await jest.isolateModulesAsync(async () => {
      let present = false;
      const real = jest.requireActual('@aws-sdk/client-workmailmessageflow');
      jest.doMock('@aws-sdk/client-workmailmessageflow', () => {
        if (!present) throw Object.assign(new Error("Cannot find module '@aws-sdk/client-workmailmessageflow'"), { code: 'MODULE_NOT_FOUND' });
        return real;
      });
      const m = require('../../lambda/runtime/message-content');
      const send = jest.fn(async () => ({ messageContent: stored() }));
      await expect(m.getRawMessage('m-5')).rejects.toMatchObject({ code: 'MISSING_PACKAGE' });
      present = true;
      expect(await read(await m.getRawMessage('m-5', { messageFlowClient: { send } }))).toBe(MIME);
      expect(send.mock.calls.map(([c]: any[]) => c instanceof real.GetRawMessageContentCommand)).toEqual([true]);
    });
    jest.dontMock('@aws-sdk/client-workmailmessageflow');
  });
});
