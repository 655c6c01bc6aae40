// Bundles the Lambda code in lambda/ into self-contained assets under assets/ (git-ignored build
// products that ship in the package), so that `cdk synth` never runs esbuild or Docker for them.
import { build } from 'esbuild';
import { readdirSync, rmSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entries = [{ name: 'flow-rule-provider', entry: 'lambda/flow-rule-provider/index.ts' }];
const examples = join(root, 'lambda', 'examples');
for (const name of existsSync(examples) ? readdirSync(examples) : []) {
  if (existsSync(join(examples, name, 'index.ts'))) entries.push({ name: `examples/${name}`, entry: `lambda/examples/${name}/index.ts` });
}

for (const { name, entry } of entries) {
  const outdir = join(root, 'assets', name);
  rmSync(outdir, { recursive: true, force: true });
  await build({
    entryPoints: [join(root, entry)],
    outfile: join(outdir, 'index.js'),
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
    legalComments: 'external',
    logLevel: 'warning',
  });
}
console.log(`bundled ${entries.map((e) => e.name).join(', ')} into assets/`);

// What `cdk-workmail-lambda doctor` and `export` call on the service: the provider's client and contract with the AWS
// SDK, in one file that ships in local/ (the command needs no SDK installed; tsc leaves local/service/index.ts alone).
await build({
  entryPoints: [join(root, 'local/service/index.ts')],
  outfile: join(root, 'local/service/bundle.js'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  mainFields: ['module', 'main'],
  supported: { 'dynamic-import': false },
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
});
console.log('bundled the service calls of the command into local/service/bundle.js');

// The handler toolkit (`cdk-workmail-lambda/runtime`) also ships as ES modules, one file per source file,
// for bundlers (the package's `module` export condition; esbuild, and so NodejsFunction, uses it by default).
// With `"sideEffects": false` a handler bundle then carries only what it imports: a handler that answers
// with SyncResponse does not carry the MIME rewriting and its libraries. Node itself loads the CommonJS build.
const esmSources = ['lambda/runtime', 'lambda/rules'].flatMap((dir) => readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
  .map((f) => join(root, dir, f)));
rmSync(join(root, 'esm'), { recursive: true, force: true });
await build({
  entryPoints: esmSources,
  outdir: join(root, 'esm'),
  outbase: root,
  bundle: false,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
  // The MIME libraries are loaded with require() on first use (lambda/runtime/mime/libs.ts); left as they
  // are, the consumer's bundler resolves them as it does any require().
  logOverride: { 'unsupported-require-call': 'silent' },
});
console.log(`compiled ${esmSources.length} runtime sources as ES modules into esm/`);

// What Node loads for `require('cdk-workmail-lambda/runtime')` (the package's `default` export condition): the
// runtime as one CommonJS file, packages left as require() calls. One file loads in about a third of the time
// of the 25 files tsc writes (each is resolved, read and compiled on its own); see bench/runtime.ts.
rmSync(join(root, 'dist'), { recursive: true, force: true });
await build({
  entryPoints: [join(root, 'lambda/runtime/index.ts')],
  outfile: join(root, 'dist/runtime/index.js'),
  bundle: true,
  packages: 'external',
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'warning',
});
console.log('bundled the runtime into dist/runtime/index.js');
