/**
 * The code blocks of docs/handlers.md type-check (strict) against this checkout, and the handler one runs.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const root = path.join(__dirname, '..', '..', '..');
const dir = path.join(__dirname, '__docs_handlers__');

function blocks(): string[] {
  const doc = fs.readFileSync(path.join(root, 'docs', 'handlers.md'), 'utf8');
  return [...doc.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]
    .replace(/from 'cdk-workmail-lambda\/runtime'/g, "from '../../../../lambda/runtime'")
    .replace(/from 'cdk-workmail-lambda'/g, "from '../../../../lib'"));
}

beforeAll(() => {
  fs.mkdirSync(dir, { recursive: true });
  blocks().forEach((code, i) => fs.writeFileSync(path.join(dir, `block${i}.ts`), code));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('docs/handlers.md has a handler and a deploy block, and both type-check', () => {
  const files = blocks().map((_, i) => path.join(dir, `block${i}.ts`));
  expect(files).toHaveLength(2);
  const config = ts.getParsedCommandLineOfConfigFile(path.join(root, 'tsconfig.dev.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
  const program = ts.createProgram(files, { ...config.options, noEmit: true });
  const problems = ts.getPreEmitDiagnostics(program).filter((d) => d.file && files.includes(d.file.fileName))
    .map((d) => `${path.basename(d.file!.fileName)}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  expect(problems).toEqual([]);
}, 120_000);

test('the deploy block makes a function with read and write grants and a synchronous inbound rule', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { App, Stack } = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Template } = require('aws-cdk-lib/assertions') as typeof import('aws-cdk-lib/assertions');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { deployAttachmentFilter } = require(path.join(dir, 'block1.ts'));
  const stack = new Stack(new App(), 'Docs', { env: { account: '123456789012', region: 'us-east-1' } });
  deployAttachmentFilter(stack, 'm-0123456789abcdef0123456789abcdef', path.join(root, 'assets', 'examples', 'attachment-filter'));
  const template = Template.fromStack(stack);
  template.resourceCountIs('Custom::WorkMailInboundFlowRule', 1);
  template.hasResourceProperties('Custom::WorkMailInboundFlowRule', { Action: { Lambda: { InvocationType: 'SYNC' } } });
  template.resourceCountIs('AWS::S3::Bucket', 1);
});
