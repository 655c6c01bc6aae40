/**
 * `cdk-workmail-lambda/testing` and the `cdk-workmail-lambda` command from the packed tarball, in a scratch project
 * that installed it: the jest example of docs/testing.md run as it is, and `simulate` on a stack synthesized with the
 * installed package. Also the size budget: what ships for users' machines adds at most 1 MB and no dependency.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT, cleanEnv, pack, project } from './packed';

/** The runtime dependencies of the package, exactly; a test-only package (s3rver, dynalite, jest…) must never be one. */
const DEPENDENCIES = ['iconv-lite', 'libbase64', 'libmime', 'libqp'];
/** What the package may grow by for what `cdk-workmail-lambda/testing` and the command add (local/). */
const BUDGET_BYTES = 1_000_000;

let tmp: string;
let tarball: string;
let files: { path: string; size: number }[];
let consumer: string;
let installed: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-workmail-testing-'));
  ({ tarball, files } = pack(tmp));
  consumer = path.join(tmp, 'consumer');
  installed = project(consumer, tarball, [
    'aws-cdk-lib', 'constructs', '@aws-sdk/client-s3', '@aws-sdk/client-workmailmessageflow', ...DEPENDENCIES,
  ]);
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

test(`local/ (the testing entry point and the command) weighs under ${BUDGET_BYTES.toLocaleString('en-US')} bytes, and the dependencies are only the runtime's`, () => {
  const local = files.filter((f) => f.path.startsWith('local/'));
  expect(local.map((f) => f.path)).toEqual(expect.arrayContaining(['local/index.js', 'local/index.d.ts', 'local/cli/main.js', 'local/simulation/worker.js']));
  expect(local.reduce((sum, f) => sum + f.size, 0)).toBeLessThan(BUDGET_BYTES);
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  expect(Object.keys(pkg.dependencies).sort()).toEqual(DEPENDENCIES);
  expect(pkg.bin).toEqual({ 'cdk-workmail-lambda': 'local/cli/main.js' });
  expect(fs.readFileSync(path.join(installed, pkg.bin['cdk-workmail-lambda']), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
});

test('the jest example of docs/testing.md passes, as it is, in a project that installed the tarball', () => {
  const docs = fs.readFileSync(path.join(ROOT, 'docs', 'testing.md'), 'utf8');
  const block = /## A jest test you can paste[\s\S]*?```js\n([\s\S]*?)```/.exec(docs)?.[1];
  expect(block).toContain("require('cdk-workmail-lambda/testing')");
  fs.writeFileSync(path.join(consumer, 'external-tag.test.js'), block!);
  fs.writeFileSync(path.join(consumer, 'jest.config.js'), "module.exports = { testEnvironment: 'node', transform: {} };\n");
  const run = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), '--ci', '--colors=false'], {
    cwd: consumer, env: { ...cleanEnv(), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }, encoding: 'utf8', timeout: 120_000,
  });
  expect(`${run.stdout}${run.stderr}`).toMatch(/Tests: +2 passed, 2 total/);
  expect(run.status).toBe(0);
});

test('`cdk-workmail-lambda simulate` from the installed package runs a stack synthesized with it; no process is left', () => {
  fs.writeFileSync(path.join(consumer, 'app.js'), `
    const { App, Stack } = require('aws-cdk-lib');
    const lambda = require('aws-cdk-lib/aws-lambda');
    const { InboundAction, WorkMailFunction, WorkMailOrganization } = require('cdk-workmail-lambda');
    const app = new App({ outdir: 'cdk.out' });
    const stack = new Stack(app, 'Consumer', { env: { account: '123456789012', region: 'us-east-1' } });
    const organization = WorkMailOrganization.fromOrganizationId(stack, 'Org', 'm-0123456789abcdef0123456789abcdef');
    const fn = new WorkMailFunction(stack, 'Guard', {
      organization, runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler',
      code: lambda.Code.fromInline(\`exports.handler = async (event) => ({ actions: [{ action: /spam/i.test(event.subject)
        ? { type: 'BOUNCE', parameters: { bounceMessage: 'no spam' } } : { type: 'DEFAULT' }, allRecipients: true }] });\`),
    });
    fn.addInboundRule('Scan', { synchronous: true, ruleName: 'guard' });
    app.synth();
  `);
  execFileSync(process.execPath, ['app.js'], { cwd: consumer, env: cleanEnv() });
  const bin = path.join(installed, 'local', 'cli', 'main.js');
  const run = spawnSync(process.execPath, [bin, 'simulate', '--app', 'cdk.out', '--direction', 'inbound', '--to', 'a@example.com', '--from', 'x@outside.example',
    '--subject', 'Spam offer', '--json'], { cwd: consumer, env: cleanEnv(), encoding: 'utf8', timeout: 60_000 });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  const simulation = JSON.parse(run.stdout);
  expect(simulation.recipients['a@example.com']).toEqual(expect.objectContaining({ action: { type: 'BOUNCE', bounceMessage: 'no spam' }, ruleName: 'guard', decidedBy: 'function' }));
  expect(simulation.invocations[0].event.subject).toBe('Spam offer');
  const left = fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((pid) => {
    try {
      return fs.readlinkSync(`/proc/${pid}/cwd`).startsWith(consumer);
    } catch {
      return false;
    }
  });
  expect(left).toEqual([]);
});
