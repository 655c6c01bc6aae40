/**
 * What `npm pack` ships, and that it works for a consumer: the tarball is installed (without network)
 * into a scratch project that only has aws-cdk-lib and constructs, and a plain-JS app synthesizes with it.
 *
 * Runs after `npm run build` (the `pretest` script): it packs the build products, it does not build.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT, cleanEnv, pack, packageDependencies, project } from './packed';
const ORG_ID = 'm-0123456789abcdef0123456789abcdef';

/** Source trees compiled in place by `tsc -p tsconfig.json`: each .ts ships as .js + .d.ts. */
const COMPILED_SOURCES = ['lib', 'lambda/rules'];
/** The runtime as one CommonJS file (`./runtime` export, `default` condition; scripts/bundle.mjs). */
const RUNTIME_BUNDLE = 'dist/runtime/index.js';
/** The runtime as one ES module file, and its types (`./runtime` export, `import` condition). */
const RUNTIME_ESM_BUNDLE = 'dist/runtime/index.mjs';
const RUNTIME_ESM_TYPES = 'dist/runtime/index.d.mts';
/** The bundled provider (assets/flow-rule-provider, PROVIDER_ASSET_DIR in lib/private/provider.ts). */
const PROVIDER_BUNDLE = 'assets/flow-rule-provider/index.js';
const SERVICE_BUNDLE = 'local/service/bundle.js';
/** The jsii assembly and its tablet of translated examples (Construct Hub, other languages), the API reference. */
const JSII_FILES = ['.jsii', '.jsii.tabl.json', 'API.md', 'API.python.md'];

/** The packages `bundledDependencies` puts in the tarball: those named, and what they depend on, from this checkout. */
function bundledClosure(): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const seen = new Set<string>();
  const queue: string[] = [...(pkg.bundledDependencies ?? [])];
  while (queue.length) {
    const name = queue.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    queue.push(...Object.keys(JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).dependencies ?? {}));
  }
  return [...seen].sort();
}

function sourcesUnder(dir: string): string[] {
  const abs = path.join(ROOT, dir);
  if (!fs.existsSync(abs)) return [];
  return fs.readdirSync(abs, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => path.posix.join(dir, f.split(path.sep).join('/')));
}

/** The relative module specifiers of a .js (require) or .d.ts (import/export from) file. */
function relativeSpecifiers(text: string): string[] {
  const found = new Set<string>();
  for (const re of [/require\(\s*["'](\.{1,2}\/[^"']*)["']\s*\)/g, /\bfrom\s+["'](\.{1,2}\/[^"']*)["']/g, /\bimport\(\s*["'](\.{1,2}\/[^"']*)["']\s*\)/g]) {
    for (const match of text.matchAll(re)) found.add(match[1]);
  }
  return [...found];
}

/** Whether a relative specifier from `file` resolves, in the packed file set, the way Node (or tsc for .d.ts) would. */
function resolvesIn(files: Set<string>, file: string, specifier: string): boolean {
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
  const candidates = file.endsWith('.d.ts')
    ? [`${base}.d.ts`, `${base}/index.d.ts`, base.replace(/\.js$/, '.d.ts')]
    : [base, `${base}.js`, `${base}.json`, `${base}/index.js`];
  return candidates.some((c) => files.has(c));
}

let tmp: string;
let tarball: string;
let packed: string[];

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-workmail-pack-'));
  const info = pack(tmp);
  tarball = info.tarball;
  packed = info.files.map((f) => f.path);
});

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('npm pack', () => {
  test('holds every compiled source of lib/ and lambda/rules/ (.js and .d.ts; the wire contract among them), the types of lambda/runtime/, the runtime bundle, the provider bundle, the jsii assembly, the README with the docs it links to, and the LICENSE', () => {
    const sources = COMPILED_SOURCES.flatMap(sourcesUnder);
    expect(sources).toContain('lib/index.ts');
    expect(sources).toContain('lambda/rules/index.ts');
    expect(sources).toContain('lambda/rules/contract.ts');
    const runtimeTypes = sourcesUnder('lambda/runtime').map((s) => s.replace(/\.ts$/, '.d.ts'));
    expect(runtimeTypes).toContain('lambda/runtime/index.d.ts');
    const expected = sources.map((s) => s.replace(/\.ts$/, '')).flatMap((s) => [`${s}.js`, `${s}.d.ts`]);
    const docs = fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`);
    expect(docs).toContain('docs/runtime.md');
    const missing = [...expected, ...runtimeTypes, RUNTIME_BUNDLE, RUNTIME_ESM_BUNDLE, RUNTIME_ESM_TYPES, PROVIDER_BUNDLE, ...JSII_FILES, ...docs,
      'README.md', 'package.json', 'LICENSE'].filter((f) => !packed.includes(f));
    expect(missing).toEqual([]);
    // The runtime's code ships as one file (and as ES modules in esm/): its per-file CommonJS output does not.
    expect(packed.filter((f) => /^lambda\/runtime\/.*\.js$/.test(f))).toEqual([]);
  });

  test('holds no TypeScript source, test, benchmark, example or build leftover; node_modules/ holds the bundled dependencies only', () => {
    const unwanted = packed.filter((f) => !f.startsWith('node_modules/')).filter((f) =>
      (f.endsWith('.ts') && !f.endsWith('.d.ts'))
      || /^(test|bench|bin|scripts|cdk\.out|coverage|\.bench|node_modules)\//.test(f)
      || /\.test\.|\.tgz$|\.tsbuildinfo$|^tsconfig|^jest\.config|^cdk\.json$|^rosetta\//.test(f)
      || f.startsWith('assets/examples/')
      || (f.startsWith('lambda/') && !COMPILED_SOURCES.some((dir) => f.startsWith(`${dir}/`))
        && !(f.startsWith('lambda/runtime/') && f.endsWith('.d.ts'))));
    expect(unwanted).toEqual([]);
    // jsii accepts no dependency that is not a jsii module unless it is bundled: the MIME libraries ship inside the tarball.
    const bundled = [...new Set(packed.filter((f) => f.startsWith('node_modules/')).map((f) => f.split('/').slice(1, f.split('/')[1].startsWith('@') ? 3 : 2).join('/')))].sort();
    expect(bundled).toEqual(bundledClosure());
    expect(bundled).toEqual(expect.arrayContaining(['iconv-lite', 'libbase64', 'libmime', 'libqp']));
    for (const name of bundled) expect(packed).toContain(`node_modules/${name}/package.json`);
  });

  test('"main" and "types" are in the package, and every relative import of a shipped .js / .d.ts resolves inside it', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(packed).toContain(path.posix.normalize(pkg.main));
    expect(packed).toContain(path.posix.normalize(pkg.types));
    const files = new Set(packed);
    const unresolved = packed
      .filter((f) => (f.endsWith('.js') || f.endsWith('.d.ts')) && !f.startsWith('assets/') && !f.startsWith('node_modules/'))
      .flatMap((f) => relativeSpecifiers(fs.readFileSync(path.join(ROOT, f), 'utf8'))
        .filter((s) => !resolvesIn(files, f, s))
        .map((s) => `${f} -> ${s}`));
    expect(unresolved).toEqual([]);
  });

  test('every target of the "exports" map is in the package; types before the conditions TypeScript reads, bundlers\' module before Node\'s import', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(Object.keys(pkg.exports)).toEqual(['.', './runtime', './testing', './package.json']);
    const targets: string[] = [];
    const collect = (target: unknown): void => {
      if (typeof target === 'string') targets.push(target);
      else for (const next of Object.values(target as object)) collect(next);
    };
    collect(pkg.exports);
    // TypeScript takes the first condition it matches (`types`, `import` or `require`, `node`, `default`): for both
    // kinds of import, the path it takes must end at declarations, not at JavaScript.
    const typescriptTarget = (target: unknown, kind: 'import' | 'require'): string | undefined => {
      if (typeof target === 'string') return target;
      const key = Object.keys(target as object).find((k) => ['types', kind, 'node', 'default'].includes(k));
      return key === undefined ? undefined : typescriptTarget((target as Record<string, unknown>)[key], kind);
    };
    const wrong = Object.entries<unknown>(pkg.exports).filter(([key]) => key !== './package.json')
      .flatMap(([key, target]) => (['import', 'require'] as const).map((kind) => `${key} ${kind}: ${typescriptTarget(target, kind)}`))
      .filter((line) => !/\.d\.m?ts$/.test(line));
    expect(wrong).toEqual([]);
    expect(targets.map((t) => path.posix.normalize(t)).filter((t) => !packed.includes(t))).toEqual([]);
    expect(pkg.exports['.'].types).toBe(`./${path.posix.normalize(pkg.types)}`);
    expect(pkg.exports['.'].default).toBe(`./${path.posix.normalize(pkg.main)}`);
    // esbuild and webpack match `module` and `import` alike and take the first: the per-file build, with sideEffects false.
    expect(Object.keys(pkg.exports['./runtime'])).toEqual(['module', 'import', 'types', 'default']);
    expect(pkg.exports['./runtime'].import).toEqual({ types: `./${RUNTIME_ESM_TYPES}`, default: `./${RUNTIME_ESM_BUNDLE}` });
  });

  test("the runtime's compiled files (and what they import) reach only Node built-ins, the package's own dependencies and its optional peers, never aws-cdk-lib or constructs", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const optionalPeers = Object.entries<{ optional?: boolean }>(pkg.peerDependenciesMeta ?? {}).filter(([, meta]) => meta.optional).map(([name]) => name);
    const allowed = new Set([...Object.keys(pkg.dependencies ?? {}), ...optionalPeers]);
    const builtins = new Set(require('node:module').builtinModules as string[]);
    const packageOf = (name: string) => (name.startsWith('@') ? name.split('/').slice(0, 2).join('/') : name.split('/')[0]);
    const files = new Set(packed);
    const seen = new Set<string>();
    const queue = [pkg.exports['./runtime'].default.replace(/^\.\//, ''), RUNTIME_ESM_BUNDLE, 'lambda/runtime/index.d.ts'];
    const packages: string[] = [];
    while (queue.length) {
      const file = queue.shift()!;
      if (seen.has(file)) continue;
      seen.add(file);
      const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
      for (const match of text.matchAll(/(?:require\(\s*|\bfrom\s+|\bimport\(\s*)["']([^"']+)["']/g)) {
        const specifier = match[1];
        if (!specifier.startsWith('.')) {
          if (!builtins.has(specifier.replace(/^node:/, '')) && !allowed.has(packageOf(specifier))) packages.push(`${file} -> ${specifier}`);
          continue;
        }
        const base = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
        const ext = file.endsWith('.d.ts') ? '.d.ts' : '.js';
        const next = [`${base}${ext}`, `${base}/index${ext}`].find((c) => files.has(c));
        if (next) queue.push(next);
      }
    }
    expect(seen).toContain('dist/runtime/index.js');
    expect(seen).toContain(RUNTIME_ESM_BUNDLE);
    expect(seen).toContain('lambda/rules/responses.d.ts');
    expect([...allowed]).not.toContain('aws-cdk-lib');
    expect([...allowed]).not.toContain('constructs');
    expect(packages).toEqual([]);
  });

  test('the shipped .js requires no package but Node built-ins and the declared dependencies, peers and optional peers', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const declared = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {}), ...Object.keys(pkg.peerDependenciesMeta ?? {})]);
    const builtins = new Set(require('node:module').builtinModules as string[]);
    const undeclared = packed
      // The bundles (the provider, the command's service calls) are checked by loading them alone, below: the SDK
      // inside them quotes require("…") in its error messages. node_modules/ holds the bundled dependencies' own code.
      .filter((f) => f.endsWith('.js') && !f.startsWith('assets/') && !f.startsWith('node_modules/') && f !== SERVICE_BUNDLE)
      .flatMap((f) => [...fs.readFileSync(path.join(ROOT, f), 'utf8').matchAll(/require\(\s*["']([^."'][^"']*)["']\s*\)/g)]
        .map((m) => m[1])
        .filter((name) => {
          const bare = name.replace(/^node:/, '');
          const packageName = name.startsWith('@') ? name.split('/').slice(0, 2).join('/') : name.split('/')[0];
          return !builtins.has(bare) && !declared.has(packageName);
        })
        .map((name) => `${f} -> ${name}`));
    expect(undeclared).toEqual([]);
  });

  test.each([
    ['the provider bundle', PROVIDER_BUNDLE, 'handler'],
    ["the command's service calls (doctor, export)", SERVICE_BUNDLE, 'connect'],
  ])('%s is self-contained: loading it, alone in a directory, requires nothing but Node built-ins', (_, bundle, entry) => {
    expect(packed).toContain(bundle);
    const dir = fs.mkdtempSync(path.join(tmp, 'bundle-only-'));
    fs.copyFileSync(path.join(ROOT, bundle), path.join(dir, 'index.js'));
    const script = `
      const Module = require('module');
      const seen = [];
      const resolve = Module._resolveFilename;
      Module._resolveFilename = function (request, ...rest) {
        if (!Module.isBuiltin(request) && !request.startsWith('/') && !request.startsWith('.')) seen.push(request);
        return resolve.call(this, request, ...rest);
      };
      const loaded = require('./index.js');
      console.log(JSON.stringify({ seen, entry: typeof loaded[${JSON.stringify(entry)}] }));`;
    const out = execFileSync(process.execPath, ['-e', script], { cwd: dir, env: cleanEnv(), encoding: 'utf8' });
    expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual({ seen: [], entry: 'function' });
  });
});

describe('a consumer project with the packed tarball', () => {
  let consumer: string;
  let outdir: string;
  let result: { resolved: string; templateFile: string; runtimeResolved: string; runtimeAnswer: unknown; packageJson: string };

  beforeAll(() => {
    consumer = path.join(tmp, 'consumer');
    // The peer dependencies from this checkout, without network; the package itself from the tarball.
    project(consumer, tarball, ['aws-cdk-lib', 'constructs'], {
      dependencies: { 'aws-cdk-lib': '*', 'constructs': '*', 'cdk-workmail-lambda': `file:${tarball}` },
    });

    fs.writeFileSync(path.join(consumer, 'app.js'), `
      const { App, Stack } = require('aws-cdk-lib');
      const lambda = require('aws-cdk-lib/aws-lambda');
      const {
        InboundAction, InboundFlowRule, OutboundAction, OutboundFlowRule, WorkMailFunction, WorkMailOrganization,
      } = require('cdk-workmail-lambda');

      const app = new App({ outdir: process.argv[2] });
      const stack = new Stack(app, 'Consumer', { env: { account: '123456789012', region: 'us-east-1' } });
      const organization = WorkMailOrganization.fromOrganizationId(stack, 'Organization', '${ORG_ID}');
      const fn = new WorkMailFunction(stack, 'Handler', {
        organization,
        runtime: lambda.Runtime.NODEJS_24_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline('exports.handler = async () => ({ actions: [] });'),
      });
      new InboundFlowRule(stack, 'Inbound', {
        organization,
        action: InboundAction.runLambda(fn, { synchronous: true, fallbackAction: InboundAction.DEFAULT }),
      });
      new OutboundFlowRule(stack, 'Outbound', {
        organization,
        senderPatterns: ['*.example.com'],
        action: OutboundAction.runLambda(fn),
      });
      const assembly = app.synth();
      const runtime = require('cdk-workmail-lambda/runtime');
      const event = runtime.parseEvent({
        summaryVersion: '2019-07-28', envelope: { mailFrom: { address: 'a@example.com' }, recipients: [{ address: 'b@example.com' }] },
        subject: 'hi', messageId: 'm', invocationId: 'i', flowDirection: 'INBOUND', truncated: false,
      });
      console.log(JSON.stringify({
        runtimeResolved: require.resolve('cdk-workmail-lambda/runtime'),
        runtimeAnswer: runtime.SyncResponse.forEvent(event).moveToJunk().build(),
        packageJson: require('cdk-workmail-lambda/package.json').name,
        resolved: require.resolve('cdk-workmail-lambda'),
        templateFile: assembly.getStackByName('Consumer').templateFullPath,
      }));
    `);
    outdir = path.join(consumer, 'cdk.out');
    // Preserve the consumer's path for its own modules but nothing of this checkout's (no NODE_PATH, no ts-node).
    const stdout = execFileSync(process.execPath, ['app.js', outdir], { cwd: consumer, env: cleanEnv(), encoding: 'utf8' });
    result = JSON.parse(stdout.trim().split('\n').pop()!);
  });

  test('loads the library from the installed tarball, not from this checkout', () => {
    expect(fs.realpathSync(result.resolved)).toBe(fs.realpathSync(path.join(consumer, 'node_modules', 'cdk-workmail-lambda', 'lib', 'index.js')));
  });

  test("require('cdk-workmail-lambda/runtime') loads the packed runtime, and the package.json is exported", () => {
    expect(fs.realpathSync(result.runtimeResolved)).toBe(fs.realpathSync(path.join(consumer, 'node_modules', 'cdk-workmail-lambda', RUNTIME_BUNDLE)));
    expect(result.runtimeAnswer).toEqual({ actions: [{ action: { type: 'MOVE_TO_JUNK' }, allRecipients: true }] });
    expect(result.packageJson).toBe('cdk-workmail-lambda');
  });

  test('synthesizes the permission, both rules and one provider function', () => {
    const template = JSON.parse(fs.readFileSync(result.templateFile, 'utf8'));
    const resources = Object.values<any>(template.Resources);
    const ofType = (type: string) => resources.filter((r) => r.Type === type);
    expect(ofType('AWS::Lambda::Permission')).toHaveLength(1);
    expect(ofType('AWS::Lambda::Permission')[0].Properties.Principal).toMatch(/^workmail\.us-east-1\.amazonaws\.com$/);
    expect(ofType('Custom::WorkMailInboundFlowRule')).toHaveLength(1);
    expect(ofType('Custom::WorkMailOutboundFlowRule')).toHaveLength(1);
    expect(ofType('AWS::Lambda::Function').filter((r) => r.Properties.Handler === '__entrypoint__.handler')).toHaveLength(1);
  });

  test("the provider's asset in the consumer's cdk.out holds index.js (the packed bundle) and __entrypoint__.js", () => {
    const template = JSON.parse(fs.readFileSync(result.templateFile, 'utf8'));
    const provider = Object.values<any>(template.Resources).find((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Handler === '__entrypoint__.handler');
    const s3Key: string = provider.Properties.Code.S3Key;
    expect(s3Key).toMatch(/^[0-9a-f]{64}\.zip$/);
    const assetDir = path.join(outdir, `asset.${s3Key.replace(/\.zip$/, '')}`);
    expect(fs.readdirSync(assetDir).sort()).toEqual(expect.arrayContaining(['__entrypoint__.js', 'index.js']));
    const packedBundle = fs.readFileSync(path.join(consumer, 'node_modules', 'cdk-workmail-lambda', PROVIDER_BUNDLE));
    expect(fs.readFileSync(path.join(assetDir, 'index.js')).equals(packedBundle)).toBe(true);
  });
});

describe('a handler project with only the packed tarball and its dependencies (no aws-cdk-lib, no constructs, no AWS SDK)', () => {
  let handlerOnly: string;
  let installed: string;

  beforeAll(() => {
    handlerOnly = path.join(tmp, 'handler-only');
    installed = project(handlerOnly, tarball, packageDependencies());
  });

  test("require('cdk-workmail-lambda/runtime') works, and loads nothing but the runtime's one file and Node built-ins", () => {
    const script = `
      const Module = require('module');
      const requests = [];
      const resolve = Module._resolveFilename;
      Module._resolveFilename = function (request, ...rest) {
        if (!Module.isBuiltin(request)) requests.push(request);
        return resolve.call(this, request, ...rest);
      };
      const { parseEvent, SyncResponse, resolveDispositions, withDeadline } = require('cdk-workmail-lambda/runtime');
      const loaded = Object.keys(require.cache).map((f) => require('path').relative(${JSON.stringify(installed)}, f)).sort();
      console.log(JSON.stringify({ requests, loaded, api: [typeof parseEvent, typeof SyncResponse, typeof resolveDispositions, typeof withDeadline] }));`;
    const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: handlerOnly, env: cleanEnv(), encoding: 'utf8' }).trim().split('\n').pop()!);
    expect(out.api).toEqual(['function', 'function', 'function', 'function']);
    expect(out.requests.filter((r: string) => !r.startsWith('.'))).toEqual(['cdk-workmail-lambda/runtime']);
    expect(out.loaded).toEqual([RUNTIME_BUNDLE]);
  });

  /** What the runtime does in this project, loaded by `require` or by `import`: MIME rewriting, message content without the SDK. */
  function exercise(load: 'require' | 'import'): any {
    const script = `
      const rt = ${load === 'require' ? "require('cdk-workmail-lambda/runtime')" : "await import('cdk-workmail-lambda/runtime')"};
      const resolved = ${load === 'require' ? "require.resolve('cdk-workmail-lambda/runtime')" : "import.meta.resolve('cdk-workmail-lambda/runtime')"};
      const outcome = async (p) => { try { return { value: await p }; } catch (e) { return { error: { name: e.name, code: e.code, retryable: e.retryable, message: e.message } }; } };
      const chunks = [];
      for await (const c of rt.rewrite('Subject: caf\\u00e9\\r\\nContent-Type: text/plain; charset=iso-8859-1\\r\\nContent-Transfer-Encoding: quoted-printable\\r\\n\\r\\nd=E9j=E0\\r\\n',
        rt.tagSubject('[EXT]'), rt.addDisclaimer({ text: 'Caf\\u00e9 note.' }))) chunks.push(c);
      const sent = [];
      const fake = { send: async (command) => { sent.push({ name: command.constructor.name, input: command.input }); return { messageContent: Buffer.from('Subject: x\\r\\n\\r\\nbody\\r\\n') }; } };
      const read = await outcome(rt.getRawMessage('m-1', { messageFlowClient: fake }).then(async (s) => { let t = ''; for await (const c of s) t += c; return t; }));
      const put = await outcome(rt.putRawMessage('m-1', 'Subject: y\\r\\n\\r\\nb\\r\\n', { bucket: 'content-bucket', messageFlowClient: fake, s3Client: fake }));
      const noClient = await outcome(rt.getRawMessage('m-2'));
      const noS3Client = await outcome(rt.putRawMessage('m-3', 'Subject: y\\r\\n\\r\\nb\\r\\n', { bucket: 'content-bucket', messageFlowClient: fake }));
      console.log(JSON.stringify({ resolved, rewritten: Buffer.concat(chunks).toString('latin1'), read, put, sent, noClient, noS3Client }));`;
    const args = load === 'require' ? ['-e', `(async () => { ${script} })()`] : ['--input-type=module', '-e', script];
    return JSON.parse(execFileSync(process.execPath, args, { cwd: handlerOnly, env: cleanEnv(), encoding: 'utf8' }).trim().split('\n').pop()!);
  }

  test.each(['require', 'import'] as const)('by %s: the one file for Node, the MIME libraries on first use, test doubles without the SDK, MISSING_PACKAGE naming the package', (load) => {
    const out = exercise(load);
    const file = path.join(installed, load === 'require' ? RUNTIME_BUNDLE : RUNTIME_ESM_BUNDLE);
    expect(out.resolved.replace(/^file:\/\//, '')).toBe(file);
    expect(out.rewritten).toMatch(/^Subject: \[EXT\] =\?UTF-8\?Q\?caf=C3=A9\?=\r\n/);
    expect(out.rewritten).toContain('Caf=E9 note.');
    expect(out.read).toEqual({ value: 'Subject: x\r\n\r\nbody\r\n' });
    expect(out.put).toEqual({ value: { bucket: 'content-bucket', key: expect.stringMatching(/^messages\/m-1\/[0-9a-f-]{36}$/) } });
    // Without the SDK, the double is sent plain commands: the SDK command's name and input.
    expect(out.sent).toEqual([
      { name: 'GetRawMessageContentCommand', input: { messageId: 'm-1' } },
      { name: 'PutObjectCommand', input: expect.objectContaining({ Bucket: 'content-bucket', Key: out.put.value.key, ContentType: 'message/rfc822' }) },
      { name: 'PutRawMessageContentCommand', input: { messageId: 'm-1', content: { s3Reference: { bucket: 'content-bucket', key: out.put.value.key } } } },
    ]);
    for (const [outcome, missing] of [[out.noClient, '@aws-sdk/client-workmailmessageflow'], [out.noS3Client, '@aws-sdk/client-s3']]) {
      expect(outcome.error).toMatchObject({ name: 'WorkMailConfigurationError', code: 'MISSING_PACKAGE', retryable: false });
      expect(outcome.error.message).toContain(`cannot load ${missing}`);
      expect(outcome.error.message).toMatch(/Lambda's Node.js runtimes .* include it: leave it external when bundling .*--external:@aws-sdk\/\*/);
      expect(outcome.error.message).toContain(`npm install ${missing}`);
    }
  });
});
