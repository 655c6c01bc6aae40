import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { describeMessageContent } from './message-content-cases';

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
