/**
 * The README's usage example synthesizes what it says. (It type-checks with every other block of the README and
 * docs/: test/docs/typecheck.test.ts.)
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { findBlock, writeBlocks } from './docs/blocks';

describe('README usage example', () => {
  const dir = path.join(__dirname, '__readme_example__');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('synthesizes what the README says: the handler bundled, one permission, four rules, one provider', () => {
    // The stack's entry is 'lambda/handler.ts' (from the project's directory): here the README's handler block, written
    // beside the stack, by its absolute path. (The README names no Node.js path API: the example is also shown in Python.)
    const usage = findBlock('README.md', { fileName: 'usage.ts' });
    expect(usage.code).toContain("entry: 'lambda/handler.ts',");
    const [handlerFile] = writeBlocks(dir, [findBlock('README.md', { fileName: 'handler.ts' })]);
    const [file] = writeBlocks(dir, [{ ...usage, code: usage.code.replace("entry: 'lambda/handler.ts',", `entry: ${JSON.stringify(handlerFile)},`) }]);
    jest.isolateModules(() => {
      const { DocStack } = require(file);
      const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'readme-')) });
      const stack: Stack = new DocStack(app, 'Readme');
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::Lambda::Permission', 1);
      template.resourceCountIs('Custom::WorkMailInboundFlowRule', 3);
      template.resourceCountIs('Custom::WorkMailOutboundFlowRule', 1);
      expect(Object.keys(template.findResources('AWS::Lambda::Function', { Properties: { Handler: '__entrypoint__.handler' } }))).toHaveLength(1);
      template.hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.handler', Runtime: 'nodejs24.x', Timeout: 15 });
      // The bundle is the README's handler: it answers a lottery offer with its bounce.
      const fn = stack.node.findChild('Guard');
      const bundle = path.join(app.outdir, (fn.node.findChild('Code') as s3assets.Asset).assetPath, 'index.js');
      expect(fs.readFileSync(bundle, 'utf8')).toContain('Rejected by policy.');
    });
  });
});
