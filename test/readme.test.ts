import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ts from 'typescript';

const root = path.join(__dirname, '..');

/** The README's usage example, as the body of a stack constructor (`this` is the stack). */
function usageExample(): { imports: string; body: string } {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf-8');
  const block = /## Usage\s+```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error('README.md has no ```ts block under "## Usage"');
  const lines = block.split('\n');
  const firstCode = lines.findIndex((l, i) => i > 0 && !/^(import|\s|\}|$)/.test(l) && !/^\s*[A-Za-z]+,/.test(l));
  return { imports: lines.slice(0, firstCode).join('\n'), body: lines.slice(firstCode).join('\n') };
}

function source(): string {
  const { imports, body } = usageExample();
  return `${imports.replace("from 'cdk-workmail-lambda'", "from '../lib'")}
import { Construct } from 'constructs';
export class ReadmeStack extends Stack {
  constructor(scope: Construct, id: string) {
    super(scope, id, { env: { account: '123456789012', region: 'us-east-1' } });
${body}
  }
}
`;
}

describe('README usage example', () => {
  const file = path.join(__dirname, '__readme_example__.ts');
  afterAll(() => fs.rmSync(file, { force: true }));

  test('type-checks against the library', () => {
    fs.writeFileSync(file, source());
    const config = ts.getParsedCommandLineOfConfigFile(path.join(root, 'tsconfig.dev.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
    const program = ts.createProgram([file], { ...config.options, noUnusedLocals: false, noEmit: true });
    const problems = ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName === file)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(problems).toEqual([]);
  }, 120_000);

  test('synthesizes what the README says: one permission, five rules, one provider', () => {
    fs.writeFileSync(file, source().replace("lambda.Code.fromAsset('dist/handler')", "lambda.Code.fromInline('exports.handler = async () => ({ actions: [] })')"));
    jest.isolateModules(() => {
      const { ReadmeStack } = require(file);
      const stack: Stack = new ReadmeStack(new App(), 'Readme');
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::Lambda::Permission', 1);
      template.resourceCountIs('Custom::WorkMailInboundFlowRule', 3);
      template.resourceCountIs('Custom::WorkMailOutboundFlowRule', 2);
      expect(Object.keys(template.findResources('AWS::Lambda::Function', { Properties: { Handler: '__entrypoint__.handler' } }))).toHaveLength(1);
    });
  });
});
