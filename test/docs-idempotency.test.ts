/**
 * The construct example of docs/idempotency.md synthesizes the table, its grant and the variable. (Both of its
 * blocks type-check with every other block, the handler against Powertools: test/docs/typecheck.test.ts.)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { blocksOf, findBlock, writeBlocks } from './docs/blocks';

describe('docs/idempotency.md examples', () => {
  const dir = path.join(__dirname, '__doc_idempotency__');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('has the construct example and the handler example', () => {
    expect(blocksOf('docs/idempotency.md').map((b) => [b.fileName, b.kind])).toEqual([['stack.ts', 'stack'], ['handler.ts', 'fragment']]);
    expect(findBlock('docs/idempotency.md', { fileName: 'stack.ts' }).code).toContain('IdempotencyTable.create()');
    expect(findBlock('docs/idempotency.md', { fileName: 'handler.ts' }).code).toContain('makeIdempotent(');
  });

  test('the construct example synthesizes the table, its grant and the variable', () => {
    const block = findBlock('docs/idempotency.md', { fileName: 'stack.ts' });
    const [file] = writeBlocks(dir, [{ ...block, code: block.code.replace("lambda.Code.fromAsset('dist/handler')", "lambda.Code.fromInline('x')") }]);
    jest.isolateModules(() => {
      const { DocStack } = require(file);
      const template = Template.fromStack(new DocStack(new App(), 'Doc') as Stack);
      template.resourceCountIs('AWS::DynamoDB::Table', 1);
      template.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['dynamodb:GetItem', 'dynamodb:PutItem']) })]) },
      });
      template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: { WORKMAIL_IDEMPOTENCY_TABLE_NAME: { Ref: Match.anyValue() } } } });
    });
  }, 120_000);
});
