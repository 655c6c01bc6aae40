// Removes build products: compiled .js/.d.ts beside the sources, the jsii assembly and its tablet of translated
// examples, the incremental state of jsii's compilation (left behind, it could let jsii skip emitting the files
// removed here), bundled assets and cdk.out.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
for (const dir of ['assets', 'cdk.out']) rmSync(join(root, dir), { recursive: true, force: true });
for (const file of ['.jsii', '.jsii.tabl.json', 'tsconfig.jsii.tsbuildinfo']) rmSync(join(root, file), { force: true });
function sweep(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sweep(path);
    else if (/\.(js|d\.ts)$/.test(name)) rmSync(path);
  }
}
for (const dir of ['lib', 'lambda', 'local', 'bin']) sweep(join(root, dir));
rmSync(join(root, 'esm'), { recursive: true, force: true });
rmSync(join(root, 'dist'), { recursive: true, force: true });
