/**
 * The deploy block of docs/handlers.md synthesizes what it says. (Its blocks type-check with every other block:
 * test/docs/typecheck.test.ts.)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findBlock, ROOT, writeBlocks } from '../../docs/blocks';

const dir = path.join(__dirname, '__docs_handlers__');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('the deploy block bundles the handler file into a function with read and write grants and a synchronous inbound rule', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { App, Stack } = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Template } = require('aws-cdk-lib/assertions') as typeof import('aws-cdk-lib/assertions');
  const [file] = writeBlocks(dir, [findBlock('docs/handlers.md', { fileName: 'deploy.ts' })]);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { deployAttachmentFilter } = require(file);
  const stack = new Stack(new App(), 'Docs', { env: { account: '123456789012', region: 'us-east-1' } });
  deployAttachmentFilter(stack, 'm-0123456789abcdef0123456789abcdef', path.join(ROOT, 'lambda', 'examples', 'attachment-filter', 'index.ts'));
  const template = Template.fromStack(stack);
  template.resourceCountIs('Custom::WorkMailInboundFlowRule', 1);
  template.hasResourceProperties('Custom::WorkMailInboundFlowRule', { Action: { Lambda: { InvocationType: 'SYNC' } } });
  template.resourceCountIs('AWS::S3::Bucket', 1);
  template.hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.handler', Runtime: 'nodejs24.x', Timeout: 15 });
});
