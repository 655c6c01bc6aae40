import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ts from 'typescript';

const root = path.join(__dirname, '..');

/** The ```ts blocks of docs/idempotency.md: the construct example, then the handler example. */
function blocks(): string[] {
  const doc = fs.readFileSync(path.join(root, 'docs', 'idempotency.md'), 'utf-8');
  return [...doc.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
}

function constructSource(block: string): string {
  const imports = block.split('\n').filter((l) => l.startsWith('import ')).join('\n').replace("from 'cdk-workmail-lambda'", "from '../lib'");
  const body = block.split('\n').filter((l) => !l.startsWith('import ')).join('\n');
  return `${imports}
import { Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { WorkMailOrganization } from '../lib';
export class DocStack extends Stack {
  constructor(scope: Construct, id: string) {
    super(scope, id, { env: { account: '123456789012', region: 'us-east-1' } });
    const organization = WorkMailOrganization.fromOrganizationId(this, 'Org', 'm-0123456789abcdef0123456789abcdef');
${body}
  }
}
`;
}

function handlerSource(block: string): string {
  return `${block.replace("from 'cdk-workmail-lambda/runtime'", "from '../lambda/runtime/invocation/idempotency'")}
declare function openTicket(messageId: string): Promise<string>;
`;
}

function typeProblems(file: string): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(root, 'tsconfig.dev.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
  const program = ts.createProgram([file], { ...config.options, noUnusedLocals: false, noEmit: true });
  return ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName === file).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('docs/idempotency.md examples', () => {
  const constructFile = path.join(__dirname, '__doc_idempotency_stack__.ts');
  const handlerFile = path.join(__dirname, '__doc_idempotency_handler__.ts');
  afterAll(() => [constructFile, handlerFile].forEach((f) => fs.rmSync(f, { force: true })));

  test('has the construct example and the handler example', () => {
    const [construct, handler] = blocks();
    expect(construct).toContain('IdempotencyTable.create()');
    expect(handler).toContain('makeIdempotent(');
  });

  test('the construct example type-checks and synthesizes the table, its grant and the variable', () => {
    fs.writeFileSync(constructFile, constructSource(blocks()[0]));
    expect(typeProblems(constructFile)).toEqual([]);
    fs.writeFileSync(constructFile, constructSource(blocks()[0]).replace("lambda.Code.fromAsset('dist/handler')", "lambda.Code.fromInline('x')"));
    jest.isolateModules(() => {
      const { DocStack } = require(constructFile);
      const template = Template.fromStack(new DocStack(new App(), 'Doc') as Stack);
      template.resourceCountIs('AWS::DynamoDB::Table', 1);
      template.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['dynamodb:GetItem', 'dynamodb:PutItem']) })]) },
      });
      template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: { WORKMAIL_IDEMPOTENCY_TABLE_NAME: { Ref: Match.anyValue() } } } });
    });
  }, 120_000);

  test('the handler example type-checks against Powertools and the runtime helper', () => {
    fs.writeFileSync(handlerFile, handlerSource(blocks()[1]));
    expect(typeProblems(handlerFile)).toEqual([]);
    // control: the check does see a wrong type
    fs.writeFileSync(handlerFile, handlerSource(blocks()[1]).replace('tableName: idempotencyTableName()', 'tableName: idempotencyOptions()'));
    expect(typeProblems(handlerFile).join('\n')).toMatch(/not assignable to type 'string'/);
  }, 120_000);
});
