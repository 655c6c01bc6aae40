/**
 * The jsii assembly (`.jsii`), which `npm run build` compiles the constructs into (lib/ and what it imports from
 * lambda/rules, tsconfig.jsii.json): what other languages and Construct Hub see of the library. Runs after the build
 * (the `pretest` script): it reads the build's products.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadAssemblyFromFile, type Assembly } from '@jsii/spec';
import * as ts from 'typescript';

const ROOT = path.join(__dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const NAME = 'cdk-workmail-lambda';

/** The constructs and classes a user starts from: each shows an example (`@example`), compiled by jsii-rosetta. */
const MAIN_TYPES = [
  'WorkMailOrganization', 'WorkMailFunction', 'InboundFlowRule', 'OutboundFlowRule', 'InboundAction', 'OutboundAction',
  'MessageContentBucket', 'IdempotencyTable', 'MessageContent',
];

/** Keys sorted at every level, as jsii writes the assembly before it fingerprints it. */
function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sorted((value as Record<string, unknown>)[k])]));
}

let assembly: Assembly;
let raw: Record<string, any>;

beforeAll(() => {
  // Validates against the assembly schema of @jsii/spec (what Construct Hub's ingestion does).
  assembly = loadAssemblyFromFile(path.join(ROOT, '.jsii'), true);
  raw = JSON.parse(fs.readFileSync(path.join(ROOT, '.jsii'), 'utf8'));
});

describe('the assembly', () => {
  test("names the package as package.json does, with the Python target and the constructs' peers as its only dependencies", () => {
    expect({ name: assembly.name, version: assembly.version, license: assembly.license }).toEqual({ name: pkg.name, version: pkg.version, license: pkg.license });
    expect(assembly.targets?.python).toEqual({ module: 'cdk_workmail_lambda', distName: 'cdk-workmail-lambda' });
    expect(assembly.repository.url).toBe(pkg.repository.url);
    expect(assembly.homepage).toBe(pkg.homepage);
    expect(assembly.dependencies).toEqual({ 'aws-cdk-lib': pkg.peerDependencies['aws-cdk-lib'], 'constructs': pkg.peerDependencies.constructs });
    // The README is in the assembly: Construct Hub and the Python package show it from there.
    expect(assembly.readme?.markdown).toBe(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'));
    expect(assembly.metadata?.jsii).toMatchObject({ rosetta: { strict: true } });
  });

  test('its fingerprint is the hash of its content (a changed assembly does not pass for the compiled one)', () => {
    const fingerprint = (a: Record<string, unknown>) => {
      const { fingerprint: _, ...rest } = a;
      return crypto.createHash('sha256').update(JSON.stringify(sorted(rest))).digest('base64');
    };
    expect(raw.fingerprint).toBe(fingerprint(raw));
    const changed = { ...raw, description: `${raw.description} (changed)` };
    expect(raw.fingerprint).not.toBe(fingerprint(changed));
  });

  test('exports the whole construct API, and nothing of the handler toolkit or the testing entry point', () => {
    const types = Object.keys(assembly.types ?? {}).map((fqn) => fqn.replace(`${NAME}.`, '')).sort();
    expect(types).toEqual(expect.arrayContaining([
      'IFlowRule', 'IWorkMailOrganization', 'InboundAction', 'InboundFlowRule', 'InboundFlowRuleProps', 'InboundLambdaRuleOptions',
      'InboundRunLambdaOptions', 'OutboundAction', 'OutboundFlowRule', 'OutboundFlowRuleProps', 'OutboundLambdaRuleOptions',
      'OutboundRunLambdaOptions', 'RunLambdaOptions', 'FlowRuleOptions', 'WorkMailFunction', 'WorkMailFunctionProps', 'WorkMailOrganization',
      'MessageContent', 'MessageContentBucket', 'MessageContentBucketProps', 'FlowRuleBase', 'IWorkMailFunction', 'WorkMailFunctionOptions',
      'IdempotencyTable', 'IdempotencyTableOptions', 'WorkMailNodejsFunction', 'WorkMailNodejsFunctionProps',
    ]));
    // Every export of lib/index.ts is in the assembly (the compiled index lists them).
    const exported = Object.keys(require(path.join(ROOT, 'lib')));
    expect(exported.filter((name) => !types.includes(name))).toEqual([]);
    // Where each type is declared: lib/ only; the runtime (lambda/runtime) and local/ are not part of it.
    const files = new Set(Object.values<any>(raw.types).map((t) => t.locationInModule.filename));
    expect([...files].filter((f) => !f.startsWith('lib/'))).toEqual([]);
    expect(types.filter((t) => /SyncResponse|parseEvent|Simulat|LocalWorkMail/.test(t))).toEqual([]);
  });

  test('every public type, prop and method is documented, and every optional prop has @default', () => {
    const undocumented: string[] = [];
    for (const [fqn, type] of Object.entries<any>(raw.types)) {
      if (!type.docs?.summary) undocumented.push(fqn);
      for (const m of [...(type.properties ?? []), ...(type.methods ?? [])]) {
        if (!m.docs?.summary) undocumented.push(`${fqn}.${m.name}`);
        if (type.datatype && m.optional && m.docs?.default === undefined) undocumented.push(`${fqn}.${m.name} (@default)`);
      }
    }
    expect(undocumented).toEqual([]);
  });

  test('the main classes and every construct carry an example, and every example was compiled by jsii-rosetta (strict) into the tablet', () => {
    // A construct: a class made with (scope: constructs.Construct, id, ...); abstract bases are not made by users.
    const constructs = Object.entries<any>(raw.types)
      .filter(([, t]) => t.kind === 'class' && !t.abstract && t.initializer?.parameters?.[0]?.type?.fqn === 'constructs.Construct')
      .map(([fqn]) => fqn.replace(`${NAME}.`, ''));
    expect(constructs).toEqual(expect.arrayContaining(['WorkMailFunction', 'InboundFlowRule', 'OutboundFlowRule', 'MessageContentBucket']));
    const withoutExample = [...new Set([...MAIN_TYPES, ...constructs])].filter((t) => !raw.types[`${NAME}.${t}`]?.docs?.example);
    expect(withoutExample).toEqual([]);
    const tablet = JSON.parse(fs.readFileSync(path.join(ROOT, '.jsii.tabl.json'), 'utf8'));
    const snippets = Object.values<any>(tablet.snippets);
    const where = (s: any) => s.location.api.fqn ?? s.location.api.api;
    // One snippet per example, and one for the README's TypeScript block (the handler code is ```mts: not translated).
    const exampleTypes = Object.entries<any>(raw.types).filter(([, t]) => t.docs?.example).map(([fqn]) => fqn);
    expect(snippets.map(where).sort()).toEqual([...exampleTypes, 'moduleReadme'].sort());
    expect(snippets.filter((s) => !s.didCompile).map(where)).toEqual([]);
    for (const s of snippets) expect(Object.keys(s.translations)).toEqual(expect.arrayContaining(['python']));
  });
});

describe('the build', () => {
  test('jsii compiles lib/ and lambda/rules only, with a tsconfig it validates against its strict rule set; tsc compiles the rest against its output', () => {
    expect(pkg.jsii).toMatchObject({ tsconfig: 'tsconfig.jsii.json', validateTsconfig: 'strict' });
    const read = (file: string) => ts.parseJsonConfigFileContent(ts.readConfigFile(path.join(ROOT, file), ts.sys.readFile).config, ts.sys, ROOT);
    const rel = (f: string) => path.relative(ROOT, f).split(path.sep).join('/');
    const jsiiFiles = read('tsconfig.jsii.json').fileNames.map(rel);
    expect(jsiiFiles).toContain('lib/index.ts');
    expect(jsiiFiles.filter((f) => !/^(lib|lambda\/rules)\//.test(f))).toEqual([]);
    const rest = read('tsconfig.json');
    const restFiles = rest.fileNames.map(rel);
    expect(restFiles).toEqual(expect.arrayContaining(['lambda/runtime/index.ts', 'local/index.ts']));
    expect(restFiles.filter((f) => /^(lib|lambda\/rules)\//.test(f))).toEqual([]);
    expect(rest.projectReferences?.map((r) => rel(r.path))).toEqual(['tsconfig.jsii.json']);
  });

  test('the compiled classes carry jsii\'s runtime type information, and lib/index.js loads each module on first use', () => {
    expect(fs.readFileSync(path.join(ROOT, 'lib', 'function.js'), 'utf8')).toContain('fqn: "cdk-workmail-lambda.WorkMailFunction"');
    const index = fs.readFileSync(path.join(ROOT, 'lib', 'index.js'), 'utf8');
    expect(index).toContain('// Lazy exports: written by scripts/lazy-index.mjs');
    expect(index).not.toContain('__exportStar');
  });
});
