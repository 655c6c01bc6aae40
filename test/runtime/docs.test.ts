/**
 * The examples of docs/runtime.md are code: the complete handler and its unit tests are written out as
 * files (the package name pointing at this checkout's runtime), type-checked, and the tests run here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const root = path.join(__dirname, '..', '..');
const dir = path.join(__dirname, '__docs_example__');

/** The ```ts block that follows `marker` in docs/runtime.md (or `file`), importing this checkout's runtime. */
function block(marker: string, file = 'docs/runtime.md'): string {
  const doc = fs.readFileSync(path.join(root, file), 'utf8');
  const at = doc.indexOf(marker);
  const code = at >= 0 ? /```ts\n([\s\S]*?)```/.exec(doc.slice(at))?.[1] : undefined;
  if (!code) throw new Error(`${file} has no \`\`\`ts block after "${marker}"`);
  return code.replace(/from 'cdk-workmail-lambda\/runtime'/g, "from '../../../lambda/runtime'");
}

// Written while jest collects this file, so that the docs' own test() calls register below.
fs.mkdirSync(dir, { recursive: true });
fs.writeFileSync(path.join(dir, 'handler.ts'), block('type-checks this block and runs it'));
fs.writeFileSync(path.join(dir, 'handler-tests.ts'), block('runs this block against the handler above'));
fs.writeFileSync(path.join(dir, 'readme-handler.ts'), block("## The handler's side", 'README.md'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test("the handler and test examples of docs/runtime.md, and the README's handler toolkit example, type-check (strict)", () => {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(root, 'tsconfig.dev.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
  const files = ['handler.ts', 'handler-tests.ts', 'readme-handler.ts'].map((f) => path.join(dir, f));
  const program = ts.createProgram(files, { ...config.options, noEmit: true });
  const problems = ts.getPreEmitDiagnostics(program).filter((d) => d.file && files.includes(d.file.fileName))
    .map((d) => `${path.basename(d.file!.fileName)}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  expect(problems).toEqual([]);
}, 120_000);

test("the README's example handler bounces what it says and delivers the rest", async () => {
  const { handler } = require(path.join(dir, 'readme-handler.ts'));
  const event = (subject: string) => ({
    summaryVersion: '2018-10-10', envelope: { mailFrom: { address: 'a@example.com' }, recipients: [{ address: 'b@example.com' }] },
    subject, messageId: 'm', truncated: false,
  });
  const context = { getRemainingTimeInMillis: () => 15_000 };
  expect(await handler(event('LOTTERY win'), context)).toEqual({ actions: [{ action: { type: 'BOUNCE', parameters: { bounceMessage: 'Rejected by policy.' } }, allRecipients: true }] });
  expect(await handler(event('Minutes'), context)).toEqual({ actions: [{ action: { type: 'DEFAULT' }, allRecipients: true }] });
});

describe("docs/runtime.md's unit tests of its handler", () => {
  require(path.join(dir, 'handler-tests.ts'));
});
