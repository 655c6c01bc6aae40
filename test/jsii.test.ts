import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.join(__dirname, '..');

/**
 * The public API must stay jsii-compatible (static factory classes, no unions, no overloads...): compile a
 * scratch copy of the library sources with jsii and look at the assembly it writes.
 */
describe('jsii', () => {
  let assembly: any;

  beforeAll(() => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'jsii-'));
    const copy = (rel: string) => fs.cpSync(path.join(root, rel), path.join(work, rel), {
      recursive: true, filter: (src) => fs.statSync(src).isDirectory() || (src.endsWith('.ts') && !src.endsWith('.d.ts')),
    });
    copy('lib');
    copy('lambda/rules');
    fs.copyFileSync(path.join(root, 'README.md'), path.join(work, 'README.md'));
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(work, 'node_modules'), 'dir');
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf-8'));
    fs.writeFileSync(path.join(work, 'package.json'), JSON.stringify({
      name: pkg.name, version: pkg.version, license: pkg.license, description: pkg.description,
      author: { name: 'cdk-workmail-lambda authors', organization: false },
      repository: { type: 'git', url: 'https://example.invalid/cdk-workmail-lambda.git' },
      main: 'lib/index.js', types: 'lib/index.d.ts',
      // Only the construct library's peers: the AWS SDK clients are optional peers of the runtime
      // (cdk-workmail-lambda/runtime), which is not part of the jsii API, and jsii takes no non-jsii peer.
      peerDependencies: { 'aws-cdk-lib': pkg.peerDependencies['aws-cdk-lib'], 'constructs': pkg.peerDependencies.constructs },
      devDependencies: { 'aws-cdk-lib': pkg.devDependencies['aws-cdk-lib'], 'constructs': pkg.devDependencies.constructs },
      jsii: { outdir: 'dist', targets: {}, tsc: { outDir: '.', rootDir: '.' } },
    }));
    execFileSync(process.execPath, [require.resolve('jsii/bin/jsii'), '--silence-warnings=reserved-word'], { cwd: work, stdio: 'pipe' });
    assembly = JSON.parse(fs.readFileSync(path.join(work, '.jsii'), 'utf-8'));
  }, 180_000);

  test('compiles the library, exporting the whole public API', () => {
    const types = Object.keys(assembly.types).map((fqn) => fqn.replace(/^cdk-workmail-lambda\./, '')).sort();
    expect(types).toEqual(expect.arrayContaining([
      'IFlowRule', 'IWorkMailOrganization', 'InboundAction', 'InboundFlowRule', 'InboundFlowRuleProps', 'InboundLambdaRuleOptions',
      'InboundRunLambdaOptions', 'OutboundAction', 'OutboundFlowRule', 'OutboundFlowRuleProps', 'OutboundLambdaRuleOptions',
      'OutboundRunLambdaOptions', 'RunLambdaOptions', 'FlowRuleOptions', 'WorkMailFunction', 'WorkMailFunctionProps', 'WorkMailOrganization',
      'MessageContent', 'MessageContentBucket', 'MessageContentBucketProps', 'FlowRuleBase', 'IWorkMailFunction', 'WorkMailFunctionOptions',
      'WorkMailNodejsFunction', 'WorkMailNodejsFunctionProps',
    ]));
  });

  test('every public prop and method has documentation', () => {
    const undocumented: string[] = [];
    for (const [fqn, type] of Object.entries<any>(assembly.types)) {
      if (!type.docs?.summary) undocumented.push(fqn);
      for (const m of [...(type.properties ?? []), ...(type.methods ?? [])]) {
        if (!m.docs?.summary) undocumented.push(`${fqn}.${m.name}`);
        if (type.datatype && m.optional && m.docs?.default === undefined) undocumented.push(`${fqn}.${m.name} (@default)`);
      }
    }
    expect(undocumented).toEqual([]);
  });
});
