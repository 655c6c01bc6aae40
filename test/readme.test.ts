/**
 * The README's usage example synthesizes what it says. (It type-checks with every other block of the README and
 * docs/: test/docs/typecheck.test.ts.)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { findBlock, writeBlocks } from './docs/blocks';

describe('README usage example', () => {
  const dir = path.join(__dirname, '__readme_example__');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('synthesizes what the README says: one permission, five rules, one provider', () => {
    const block = findBlock('README.md', { fileName: 'usage.ts' });
    // The asset directory the README names does not exist here: inline code in its place.
    const [file] = writeBlocks(dir, [{ ...block, code: block.code.replace("lambda.Code.fromAsset('dist/handler')", "lambda.Code.fromInline('exports.handler = async () => ({ actions: [] })')") }]);
    expect(fs.readFileSync(file, 'utf8')).toContain('fromInline');
    jest.isolateModules(() => {
      const { DocStack } = require(file);
      const stack: Stack = new DocStack(new App(), 'Readme');
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::Lambda::Permission', 1);
      template.resourceCountIs('Custom::WorkMailInboundFlowRule', 3);
      template.resourceCountIs('Custom::WorkMailOutboundFlowRule', 2);
      expect(Object.keys(template.findResources('AWS::Lambda::Function', { Properties: { Handler: '__entrypoint__.handler' } }))).toHaveLength(1);
    });
  });
});
