/**
 * What WorkMailNodejsFunction does beyond what it shares with WorkMailFunction (test/lib/function.test.ts and the
 * grant, idempotency and log group tests run for both): NodejsFunction's props and bundling with this construct's
 * defaults, and the synth-time errors for a bad entry or handler. Bundling runs esbuild locally (a devDependency).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { WorkMailNodejsFunction, WorkMailOrganization } from '../../lib';
import { bundlingOptions, newestNodejsRuntime } from '../../lib/private/nodejs';
import { defineFunction } from '../fixtures/handlers/define';
import { ANSWER_HANDLER, ENV, ORG_ID, setup, workMailNodejsFunction } from './helpers';

const HANDLERS = path.dirname(ANSWER_HANDLER);
const fixture = (file: string) => path.join(HANDLERS, file);

/** The directory of the function's bundled code in the app's cdk.out. */
function bundleDir(fn: lambda.Function): string {
  const asset = fn.node.findChild('Code') as s3assets.Asset;
  return path.join((fn.node.root as App).outdir, asset.assetPath);
}

describe('WorkMailNodejsFunction', () => {
  test('bundles the entry (CommonJS, index.handler) on the newest Node.js runtime, with the 15 s timeout', () => {
    const { stack, org } = setup();
    const fn = workMailNodejsFunction(stack, org);
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.handler', Runtime: 'nodejs24.x', Timeout: 15 });
    const code = fs.readFileSync(path.join(bundleDir(fn), 'index.js'), 'utf8');
    expect(code).toContain('allRecipients');
    expect(code).toMatch(/module\.exports/);
  });

  test("every NodejsFunctionProps works: handler, runtime, timeout, memory, environment, description, bundling", () => {
    const { stack, org } = setup();
    const fn = new WorkMailNodejsFunction(stack, 'Main', {
      organization: org,
      entry: fixture('main-only.ts'),
      handler: 'main',
      runtime: lambda.Runtime.NODEJS_22_X,
      timeout: Duration.seconds(5),
      memorySize: 256,
      environment: { GREETING: 'hello' },
      description: 'main only',
      bundling: { format: OutputFormat.ESM, minify: true, banner: '// banner of Main' },
    });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.main', Runtime: 'nodejs22.x', Timeout: 5, MemorySize: 256, Description: 'main only',
      Environment: { Variables: { GREETING: 'hello' } },
    });
    const code = fs.readFileSync(path.join(bundleDir(fn), 'index.mjs'), 'utf8');
    expect(code.startsWith('// banner of Main')).toBe(true);
    expect(code).toMatch(/export\s*\{[^}]*\bmain\b/);
  });

  test('with code given, nothing is bundled and nothing checked, but the defaults apply', () => {
    const { stack, org } = setup();
    new WorkMailNodejsFunction(stack, 'Given', { organization: org, code: lambda.Code.fromInline('exports.go = async () => ({ actions: [] });'), handler: 'index.go' });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.go', Runtime: 'nodejs24.x', Timeout: 15, Code: { ZipFile: 'exports.go = async () => ({ actions: [] });' } });
  });

  test('with no entry, the entry is <defining file>.<id>.ts beside the file that creates the function, as in NodejsFunction', () => {
    const { stack, org } = setup();
    const fn = defineFunction(stack, org, 'Guard');
    expect(fs.readFileSync(path.join(bundleDir(fn), 'index.js'), 'utf8')).toContain('define.Guard');
  });

  test('keeps @aws-sdk/* out of the bundle (NodejsFunction\'s default for a named runtime), to be loaded from the Lambda runtime', () => {
    const { stack, org } = setup();
    const fn = workMailNodejsFunction(stack, org, 'Sdk', { entry: fixture('sdk.ts') });
    const code = fs.readFileSync(path.join(bundleDir(fn), 'index.js'), 'utf8');
    expect(code).toMatch(/require\(["']@aws-sdk\/client-s3["']\)/);
    expect(code).not.toContain('S3Client.prototype');
    expect(code.length).toBeLessThan(5_000);
  });
});

describe('WorkMailNodejsFunction defaults', () => {
  test('runtime: the newest NODEJS_<n>_X the installed aws-cdk-lib has, never NODEJS_LATEST', () => {
    const { stack } = setup();
    expect(newestNodejsRuntime(stack).name).toBe('nodejs24.x');
    // aws-cdk-lib 2.197.0 (the floor) to 2.223.x: no NODEJS_24_X.
    const floor = { NODEJS_18_X: lambda.Runtime.NODEJS_18_X, NODEJS_20_X: lambda.Runtime.NODEJS_20_X, NODEJS_22_X: lambda.Runtime.NODEJS_22_X, NODEJS_LATEST: lambda.Runtime.NODEJS_LATEST };
    expect(newestNodejsRuntime(stack, floor).name).toBe('nodejs22.x');
    const later = { ...floor, NODEJS_26_X: new lambda.Runtime('nodejs26.x', lambda.RuntimeFamily.NODEJS), NODEJS_24_X: lambda.Runtime.NODEJS_24_X };
    expect(newestNodejsRuntime(stack, later).name).toBe('nodejs26.x');
    expect(() => newestNodejsRuntime(stack, { NODEJS_20_X: lambda.Runtime.NODEJS_20_X, NODEJS_LATEST: lambda.Runtime.NODEJS_LATEST })).toThrow(
      'Stack: runtime: the installed aws-cdk-lib knows no Node.js runtime from NODEJS_22_X on, for the default; give runtime, or use aws-cdk-lib 2.197.0 or later');
  });

  test("bundling: mainFields ['module', 'main'] in ES module output unless given; CommonJS output as NodejsFunction has it", () => {
    expect(bundlingOptions(undefined)).toBeUndefined();
    expect(bundlingOptions({ minify: true })).toEqual({ minify: true });
    expect(bundlingOptions({ format: OutputFormat.CJS })).toEqual({ format: OutputFormat.CJS });
    expect(bundlingOptions({ format: OutputFormat.ESM, minify: true })).toEqual({ format: OutputFormat.ESM, minify: true, mainFields: ['module', 'main'] });
    expect(bundlingOptions({ format: OutputFormat.ESM, mainFields: ['main'] })).toEqual({ format: OutputFormat.ESM, mainFields: ['main'] });
  });

  // The reason for the mainFields default: a package bundled into ES module output as its CommonJS build fails when loaded.
  test('an ES module bundle with the AWS SDK bundled in loads with the default mainFields; with esbuild\'s own for Node (main first) it fails', () => {
    const { stack, org } = setup();
    const make = (id: string, mainFields?: string[]) => bundleDir(workMailNodejsFunction(stack, org, id, {
      entry: fixture('sdk.ts'), bundling: { format: OutputFormat.ESM, bundleAwsSDK: true, ...(mainFields ? { mainFields } : {}) },
    }));
    const load = (dir: string) => {
      try {
        return execFileSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(path.join(dir, 'index.mjs'))}); console.log(await m.handler());`],
          { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH } }).trim();
      } catch (e) {
        return String((e as { stderr?: string }).stderr);
      }
    };
    expect(load(make('Default'))).toBe('function');
    expect(load(make('EsbuildOwn', ['main', 'module']))).toMatch(/Dynamic require of "[\w:]+" is not supported/);
  }, 120_000);
});

describe('WorkMailNodejsFunction bad input', () => {
  const make = (props: object, id = 'Bad') => {
    const { stack, org } = setup();
    return () => new WorkMailNodejsFunction(stack, id, { organization: org, ...props });
  };

  test('an entry that does not exist: the path, where it was looked for, and what to give', () => {
    expect(make({ entry: 'lambda/nope.ts' })).toThrow(
      `Stack/Bad: entry lambda/nope.ts does not exist (${path.resolve('lambda/nope.ts')}, relative to the directory cdk runs the app in, ${process.cwd()}); ` +
      "give the path of the handler's source file, best made from the stack's own directory: path.join(__dirname, 'handler.ts')");
    expect(make({ entry: fixture('nope.ts') })).toThrow(`Stack/Bad: entry ${fixture('nope.ts')} does not exist (${fixture('nope.ts')}); give the path`);
  });

  test('an entry that is a directory, or not a JavaScript or TypeScript file', () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'entry-')), 'handler.ts');
    fs.mkdirSync(dir);
    expect(make({ entry: dir })).toThrow(`Stack/Bad: entry ${dir} is a directory; give the handler's source file in it, such as ${path.join(dir, 'index.ts')}`);
    expect(make({ entry: 'README.md' })).toThrow(
      'Stack/Bad: entry README.md is not a JavaScript or TypeScript file; give the handler\'s source file (.ts, .tsx, .mts, .cts, .js, .jsx, .mjs or .cjs)');
  });

  test('no entry and no <defining file>.<id>.ts: the files looked for, and what to do', () => {
    const { stack, org } = setup();
    expect(() => defineFunction(stack, org, 'Missing')).toThrow(
      `Stack/Missing: entry is not given and there is no handler file beside ${fixture('define.ts')} (looked for define.Missing.ts, define.Missing.js, ` +
      "define.Missing.mjs, define.Missing.mts, define.Missing.cts, define.Missing.cjs); give entry, the path of the handler's source file " +
      "(path.join(__dirname, 'handler.ts')), or create define.Missing.ts");
  });

  test('a handler the entry does not export: the file, the name, what it exports', () => {
    expect(make({ entry: ANSWER_HANDLER, handler: 'main' })).toThrow(
      `Stack/Bad: handler main: ${ANSWER_HANDLER} exports no main (it exports handler); export the function Lambda calls as main ` +
      '(export const main = ...), or set handler to the name it is exported as. Lambda would fail every invocation with Runtime.HandlerNotFound');
    // The default handler name, `handler`, is checked too.
    expect(make({ entry: fixture('main-only.ts') })).toThrow(`Stack/Bad: handler handler: ${fixture('main-only.ts')} exports no handler (it exports helper, main);`);
    expect(make({ entry: ANSWER_HANDLER, handler: 'index.main' })).toThrow(/exports no main/);
  });

  test('a handler naming another file than the bundle\'s index', () => {
    expect(make({ entry: ANSWER_HANDLER, handler: 'app.handler' })).toThrow(
      "Stack/Bad: handler app.handler names the file app, but NodejsFunction bundles the entry into index.js (index.mjs); give the export's name only (handler: 'handler')");
  });

  test('a handler re-exported from another file of the project is found', () => {
    expect(make({ entry: fixture('reexport.ts') })).not.toThrow();
    expect(make({ entry: fixture('reexport.ts'), handler: 'main' })).toThrow(/reexport\.ts exports no main \(it exports handler\)/);
  });

  test('where the exports cannot be told, nothing is claimed: CommonJS entries, export * from a package, a stack not bundled in this synthesis', () => {
    expect(make({ entry: fixture('commonjs.cjs'), handler: 'main' })).not.toThrow();
    expect(make({ entry: fixture('package-reexport.ts') })).not.toThrow();
    // `cdk synth OtherStack` (bundling only the stacks it selects): this stack's asset is not bundled, and not checked.
    const app = new App({ context: { 'aws:cdk:bundling-stacks': ['OtherStack'] } });
    const stack = new Stack(app, 'Stack', { env: ENV });
    const org = WorkMailOrganization.fromOrganizationId(stack, 'Org', ORG_ID);
    expect(() => new WorkMailNodejsFunction(stack, 'Bad', { organization: org, entry: ANSWER_HANDLER, handler: 'main' })).not.toThrow();
  });

  test('a runtime of another family is NodejsFunction\'s own error', () => {
    expect(make({ entry: ANSWER_HANDLER, runtime: lambda.Runtime.PYTHON_3_13 })).toThrow('Only `NODEJS` runtimes are supported.');
  });
});
