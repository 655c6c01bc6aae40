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
