/**
 * The ES module build of `cdk-workmail-lambda/runtime` (esm/, the package's `module` export condition) lets a
 * bundler leave out what a handler does not import: a handler that only answers does not carry the MIME
 * rewriting and its libraries, and one that rewrites gets them and works. Runs after `npm run build`.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';

const ROOT = path.join(__dirname, '..', '..');
const ESM_INDEX = path.join(ROOT, 'esm', 'lambda', 'runtime', 'index.js');

let consumer: string;

/** Bundles a handler the way NodejsFunction does (esbuild, CommonJS output), resolving the package by its exports. */
function bundle(contents: string): string {
  const result = buildSync({
    stdin: { contents, resolveDir: consumer, loader: 'js' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

beforeAll(() => {
  if (!fs.existsSync(ESM_INDEX)) throw new Error(`${ESM_INDEX} is missing: run \`npm run build\` (npm test does it in pretest)`);
  // A consumer project whose node_modules/cdk-workmail-lambda is this package: resolved through its exports
  // map with esbuild's default conditions, as a user's NodejsFunction would.
  consumer = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-workmail-esm-consumer-'));
  fs.mkdirSync(path.join(consumer, 'node_modules'));
  fs.symlinkSync(ROOT, path.join(consumer, 'node_modules', 'cdk-workmail-lambda'), 'dir');
});

afterAll(() => {
  if (consumer) fs.rmSync(consumer, { recursive: true, force: true });
});

test('esbuild resolves cdk-workmail-lambda/runtime to the ES module build', () => {
  const code = bundle("export { parseEvent } from 'cdk-workmail-lambda/runtime';");
  expect(code).toContain('esm/lambda/runtime/invocation/event.js');
  expect(code).not.toContain('lambda/runtime/invocation/event.js"');
});

test('a handler that parses and answers carries neither the MIME rewriting nor its libraries', () => {
  const code = bundle(`
    import { parseEvent, SyncResponse, withDeadline } from 'cdk-workmail-lambda/runtime';
    export const handler = withDeadline(async (input) => SyncResponse.forEvent(parseEvent(input)).defaultAction().build(),
      { onTimeout: () => ({ actions: [] }) });`);
  expect(code).toContain('esm/lambda/runtime/invocation/response.js');
  for (const left of ['node_modules/libmime', 'node_modules/iconv-lite', 'node_modules/libqp', 'node_modules/libbase64', 'runtime/mime/rewrite.js']) {
    expect(code).not.toContain(left);
  }
});

test('a handler that rewrites gets the libraries bundled, loaded on first use, and works without node_modules', () => {
  const code = bundle(`
    import { rewrite, tagSubject } from 'cdk-workmail-lambda/runtime';
    export async function run(mime) {
      const chunks = [];
      for await (const chunk of rewrite(mime, tagSubject('[EXT]'))) chunks.push(chunk);
      return Buffer.concat(chunks).toString('utf8');
    }`);
  expect(code).toContain('node_modules/libmime');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-workmail-esm-'));
  try {
    fs.writeFileSync(path.join(dir, 'handler.js'), code);
    const out = execFileSync(process.execPath, ['-e', `
      require('./handler.js').run('Subject: caf\\u00e9 order\\r\\nContent-Type: text/plain\\r\\n\\r\\nbody\\r\\n')
        .then((s) => process.stdout.write(s));`], { cwd: dir, encoding: 'utf8' });
    expect(out).toMatch(/^Subject: =\?UTF-8\?Q\?\[EXT\]_caf=C3=A9_order\?=\r\n|^Subject: \[EXT\] =\?UTF-8\?Q\?caf=C3=A9\?= order\r\n/);
    expect(out.endsWith('\r\n\r\nbody\r\n')).toBe(true);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a metricsHandler bundle carries neither the MIME rewriting nor the SDK nor the other handlers', () => {
  const code = bundle("import { metricsHandler } from 'cdk-workmail-lambda/runtime'; export const handler = metricsHandler();");
  expect(code).toContain('esm/lambda/runtime/handlers/metrics.js');
  for (const left of ['node_modules/libmime', 'node_modules/iconv-lite', '@aws-sdk/client-workmailmessageflow', 'runtime/mime/rewrite.js',
    'runtime/message-content/index.js', 'handlers/common.js', 'handlers/disclaimer.js', 'handlers/attachment-filter.js']) {
    expect(code).not.toContain(left);
  }
});

test('a subjectTagHandler bundle gets the rewriting and runs in a plain Node process (bad input: the safe response)', () => {
  const code = bundle(`
    import { subjectTagHandler } from 'cdk-workmail-lambda/runtime';
    const lines = [];
    const content = { messageContent: require('node:stream').Readable.from([Buffer.from('not mime')]) };
    export const handler = subjectTagHandler({ prefix: '[EXT]', messageFlowClient: { send: async () => content }, log: (e) => lines.push(e) });
    export { lines };`);
  expect(code).toContain('node_modules/libmime');
  expect(code).not.toContain('handlers/attachment-filter.js');
  expect(code).not.toContain('handlers/metrics.js');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-workmail-esm-'));
  try {
    fs.writeFileSync(path.join(dir, 'handler.js'), code);
    const event = { summaryVersion: '2019-07-28', envelope: { mailFrom: { address: 'a@x.example' }, recipients: [{ address: 'b@example.com' }] },
      subject: 's', messageId: '00000000-0000-0000-0000-000000000001', flowDirection: 'INBOUND', truncated: false };
    const out = execFileSync(process.execPath, ['-e', `
      const m = require('./handler.js');
      m.handler(${JSON.stringify(event)}, { getRemainingTimeInMillis: () => 15000 }).then((r) => process.stdout.write(JSON.stringify({ r, lines: m.lines })));`],
    { cwd: dir, encoding: 'utf8' });
    const { r, lines } = JSON.parse(out);
    expect(r).toEqual({ actions: [{ action: { type: 'DEFAULT' }, allRecipients: true }] });
    expect(lines).toEqual([expect.objectContaining({ outcome: 'safe-response', error: expect.objectContaining({ code: 'NOT_MIME' }) })]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
