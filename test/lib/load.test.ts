/**
 * What `require('cdk-workmail-lambda')` loads: the compiled lib/index.js (scripts/lazy-index.mjs) loads each
 * module on the first use of one of its exports, so an app that never stores updated messages nor keeps
 * idempotency records never loads aws-cdk-lib's aws-s3 or aws-dynamodb. Each case runs in a fresh Node
 * process on the build products (`npm run build`, which `npm test` runs first); the time it saves is in
 * `npm run bench` ("Library load"), not here.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

const LIB = path.join(__dirname, '..', '..', 'lib', 'index.js');

/** Runs `body` (CommonJS, `lib` is the package's main export) in a fresh process; returns what it prints as JSON. */
function run(body: string): any {
  const script = `
    const lib = require(${JSON.stringify(LIB)});
    const loaded = () => [...new Set(Object.keys(require.cache).filter((f) => f.includes('/aws-cdk-lib/'))
      .map((f) => f.replace(/.*\\/aws-cdk-lib\\//, '').split('/')[0]))].sort();
    ${body}`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }).trim().split('\n').pop()!);
}

const STACK = `
  const { App, Stack } = require('aws-cdk-lib');
  const lambda = require('aws-cdk-lib/aws-lambda');
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: { account: '123456789012', region: 'us-east-1' } });
  const org = lib.WorkMailOrganization.fromOrganizationId(stack, 'Org', 'm-0123456789abcdef0123456789abcdef');
  const props = { organization: org, runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('x') };
  const fn = new lib.WorkMailFunction(stack, 'Handler', props);
  fn.addInboundRule('Guard', { synchronous: true, fallbackAction: lib.InboundAction.DEFAULT });
  fn.addOutboundRule('Count');
  fn.grantReadMessageContent();
  lib.MessageContent.grantRead(new lambda.Function(stack, 'Plain', { ...props, organization: undefined }), org);
  app.synth();`;

test('require() alone loads no module of aws-cdk-lib', () => {
  expect(run('console.log(JSON.stringify(loaded()));')).toEqual([]);
});

test('an app with functions, rules and read grants loads neither aws-s3 nor aws-dynamodb; the write grant and the idempotency table load them', () => {
  const result = run(`${STACK}
    const before = loaded();
    fn.grantWriteMessageContent();
    const afterWrite = loaded();
    new lib.WorkMailFunction(stack, 'Idempotent', { ...props, idempotencyTable: lib.IdempotencyTable.create() });
    console.log(JSON.stringify({ before, afterWrite, afterTable: loaded() }));`);
  expect(result.before).toEqual(expect.arrayContaining(['aws-lambda', 'aws-iam', 'aws-logs']));
  expect(result.before).not.toContain('aws-s3');
  expect(result.before).not.toContain('aws-dynamodb');
  expect(result.afterWrite).toContain('aws-s3');
  expect(result.afterWrite).not.toContain('aws-dynamodb');
  expect(result.afterTable).toContain('aws-dynamodb');
});

test('every export is there by require() and by an ES module import, with the same names', () => {
  const required = run('console.log(JSON.stringify(Object.keys(lib).sort()));');
  const script = `import * as m from ${JSON.stringify(LIB)};
    import { WorkMailFunction, MessageContentBucket } from ${JSON.stringify(LIB)};
    if (typeof WorkMailFunction !== 'function' || typeof MessageContentBucket !== 'function') throw new Error('named import missing');
    console.log(JSON.stringify(Object.keys(m).filter((k) => !['default', 'module.exports', '__esModule'].includes(k)).sort()));`;
  const imported = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }).trim());
  expect(required).toEqual(expect.arrayContaining(['WorkMailFunction', 'InboundFlowRule', 'MessageContentBucket', 'IdempotencyTable']));
  expect(imported).toEqual(required);
});
