// Bundles the Lambda code in lambda/ into self-contained assets under assets/ (git-ignored build
// products that ship in the package), so that `cdk synth` never runs esbuild or Docker for them.
import { build } from 'esbuild';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, posix, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entries = [{ name: 'flow-rule-provider', entry: 'lambda/flow-rule-provider/index.ts' }];
const examples = join(root, 'lambda', 'examples');
for (const name of existsSync(examples) ? readdirSync(examples) : []) {
  if (existsSync(join(examples, name, 'index.ts'))) entries.push({ name: `examples/${name}`, entry: `lambda/examples/${name}/index.ts` });
}

/** One self-contained CommonJS file for Node, with the AWS SDK inside: the Lambda assets and the command's service calls. */
const NODE_BUNDLE = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  // Node 20 is the oldest Node this package supports (tests load the bundles on it); Lambda runs a newer one.
  target: 'node20',
  // Prefer the ES module builds of the SDK so that esbuild can drop what the handler never calls.
  mainFields: ['module', 'main'],
  // The SDK's ES builds load some Node modules lazily with import(); as require() they also load
  // where dynamic import is not available (a vm context such as jest's).
  supported: { 'dynamic-import': false },
  minify: true,
  logLevel: 'warning',
};

for (const { name, entry } of entries) {
  const outdir = join(root, 'assets', name);
  rmSync(outdir, { recursive: true, force: true });
  await build({ ...NODE_BUNDLE, entryPoints: [join(root, entry)], outfile: join(outdir, 'index.js'), legalComments: 'external' });
}
console.log(`bundled ${entries.map((e) => e.name).join(', ')} into assets/`);

// What `cdk-workmail-lambda doctor` and `export` call on the service: the provider's client and contract with the AWS
// SDK, in one file that ships in local/ (the command needs no SDK installed; tsc leaves local/service/index.ts alone).
await build({ ...NODE_BUNDLE, entryPoints: [join(root, 'local/service/index.ts')], outfile: join(root, 'local/service/bundle.js'), legalComments: 'none' });
console.log('bundled the service calls of the command into local/service/bundle.js');

// The handler toolkit (`cdk-workmail-lambda/runtime`) also ships as ES modules, one file per source file,
// for bundlers (the package's `module` export condition; esbuild, and so NodejsFunction, uses it by default).
// With `"sideEffects": false` a handler bundle then carries only what it imports: a handler that answers
// with SyncResponse does not carry the MIME rewriting and its libraries. Node itself loads the single files below.
//
// Two sources differ in this build (docs/runtime.md, "Bundling"):
// - `X.esm.ts` replaces `X.ts`: load-sdk.esm.ts loads the optional AWS SDK packages with `import()`, which a
//   bundle in either output format can leave to run time (external) or bundle, where `require` fails in ES
//   module output ("Dynamic require of ... is not supported").
// - VENDORED sources are bundled with the packages they `require` (the MIME libraries: CommonJS packages that
//   `require` Node built-ins, which a consumer's ES module bundle cannot do). Each package stays a lazily
//   evaluated module, as the `require` on first use asks; each Node built-in becomes an `import` at the top.
const VENDORED = ['lambda/runtime/mime/libs.ts'];
const esmSources = ['lambda/runtime', 'lambda/rules'].flatMap((dir) => readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
  .map((f) => posix.join(dir, f.split(sep).join('/'))));
const replaced = new Set(esmSources.filter((f) => f.endsWith('.esm.ts')).map((f) => f.replace(/\.esm\.ts$/, '.ts')));
const esmEntries = esmSources
  .filter((f) => !replaced.has(f) && !VENDORED.includes(f))
  .map((f) => ({ in: join(root, f), out: f.replace(/(\.esm)?\.ts$/, '') }));
rmSync(join(root, 'esm'), { recursive: true, force: true });
await build({
  entryPoints: esmEntries,
  outdir: join(root, 'esm'),
  bundle: false,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
});
for (const source of VENDORED) await vendor(source);
console.log(`compiled ${esmEntries.length} runtime sources as ES modules into esm/, and bundled ${VENDORED.join(', ')} with their packages`);

/** Bundles `source` with the packages it requires into esm/, Node built-ins as imports, with the packages' licences. */
async function vendor(source) {
  const builtins = new Map();
  const result = await build({
    entryPoints: [join(root, source)],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Identifiers stay (stack traces name the libraries' functions); the rest is compacted.
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'inline',
    logLevel: 'warning',
    plugins: [{
      name: 'builtins-as-imports',
      setup(b) {
        b.onResolve({ filter: /.*/ }, (args) => (args.kind === 'require-call' && isBuiltin(args.path)
          ? { path: args.path.replace(/^node:/, ''), namespace: 'node-builtin' } : undefined));
        b.onLoad({ filter: /.*/, namespace: 'node-builtin' }, (args) => {
          const id = `__cwl_node_${args.path.replace(/\W/g, '_')}`;
          builtins.set(args.path, id);
          // The built-in's module.exports: what `require` gives, and the default export of its ES module.
          return { contents: `module.exports = ${id};`, loader: 'js' };
        });
      },
    }],
  });
  const imports = [...builtins].map(([name, id]) => `import ${id} from "node:${name}";`).join('\n');
  const packages = new Map();
  for (const input of Object.keys(result.metafile.inputs)) {
    const match = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match) packages.set(match[1], input.slice(0, match.index + match[0].length));
  }
  const notices = [...packages].sort().map(([name, dir]) => {
    const manifest = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
    const licence = readdirSync(join(root, dir)).find((f) => /^licen[cs]e/i.test(f));
    const text = licence ? readFileSync(join(root, dir, licence), 'utf8').replaceAll('*/', '* /').trim() : `${manifest.license} (no licence file)`;
    return `${name}@${manifest.version} (${manifest.license})\n\n${text}`;
  });
  const header = `// ${source} bundled with ${[...packages.keys()].sort().join(', ')} by scripts/bundle.mjs; their licences are at the end.\n`;
  const outfile = join(root, 'esm', source.replace(/\.ts$/, '.js'));
  mkdirSync(dirname(outfile), { recursive: true });
  writeFileSync(outfile, `${header}${imports}\n${result.outputFiles[0].text}/*! Bundled packages:\n\n${notices.join('\n\n')}\n*/\n`);
}

// What Node loads for `require('cdk-workmail-lambda/runtime')` (the package's `default` export condition) and for
// its `import` (the `import` condition): the runtime as one file, packages left to Node. One file loads in about
// a third of the time of the 25 files tsc writes (each is resolved, read and compiled on its own), and an ES
// module file spares Node's `import` the analysis of a CommonJS file's exports; see bench/runtime.ts.
rmSync(join(root, 'dist'), { recursive: true, force: true });
const single = {
  entryPoints: [join(root, 'lambda/runtime/index.ts')],
  bundle: true,
  packages: 'external',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
};
await build({ ...single, outfile: join(root, 'dist/runtime/index.js'), format: 'cjs' });
await build({
  ...single,
  outfile: join(root, 'dist/runtime/index.mjs'),
  format: 'esm',
  // The packages are loaded with `require` on first use (load-sdk.ts, mime/libs.ts): Node's, made for this file.
  banner: { js: "import { createRequire as __cwlCreateRequire } from 'node:module';\nconst require = __cwlCreateRequire(import.meta.url);" },
});
// Its types: the declarations of the runtime, as an ES module (TypeScript's node16 and bundler resolution of `import`).
writeFileSync(join(root, 'dist/runtime/index.d.mts'), "export * from '../../lambda/runtime/index.js';\n");
console.log('bundled the runtime into dist/runtime/index.js (CommonJS) and dist/runtime/index.mjs (ES module)');
