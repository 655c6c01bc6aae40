/**
 * The examples of docs/runtime.md are code: the complete handler and its unit tests are written out as
 * files (the package name pointing at this checkout's runtime), type-checked, and the tests run here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const root = path.join(__dirname, '..', '..');
const dir = path.join(__dirname, '__docs_example__');

/** The ```ts block that follows `marker` in docs/runtime.md, importing this checkout's runtime. */
function block(marker: string): string {
  const doc = fs.readFileSync(path.join(root, 'docs', 'runtime.md'), 'utf8');
  const at = doc.indexOf(marker);
  const code = at >= 0 ? /```ts\n([\s\S]*?)```/.exec(doc.slice(at))?.[1] : undefined;
  if (!code) throw new Error(`docs/runtime.md has no \`\`\`ts block after "${marker}"`);
  return code.replace(/from 'cdk-workmail-lambda\/runtime'/g, "from '../../../lambda/runtime'");
}

// Written while jest collects this file, so that the docs' own test() calls register below.
fs.mkdirSync(dir, { recursive: true });
fs.writeFileSync(path.join(dir, 'handler.ts'), block('type-checks this block and runs it'));
fs.writeFileSync(path.join(dir, 'handler-tests.ts'), block('runs this block against the handler above'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('the handler and test examples of docs/runtime.md type-check (strict)', () => {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(root, 'tsconfig.dev.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
  const files = ['handler.ts', 'handler-tests.ts'].map((f) => path.join(dir, f));
  const program = ts.createProgram(files, { ...config.options, noEmit: true });
  const problems = ts.getPreEmitDiagnostics(program).filter((d) => d.file && files.includes(d.file.fileName))
    .map((d) => `${path.basename(d.file!.fileName)}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  expect(problems).toEqual([]);
}, 120_000);

describe("docs/runtime.md's unit tests of its handler", () => {
  require(path.join(dir, 'handler-tests.ts'));
});
