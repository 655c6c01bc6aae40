// The API reference, generated from the jsii assembly (.jsii, written by `npm run build`) by jsii-docgen, the tool
// Construct Hub renders its API pages with: API.md for TypeScript and API.python.md for Python (Python names, types
// and the examples as jsii-rosetta translates them).
//
//   npm run docgen                            writes API.md and API.python.md (after `npm run build`)
//   node scripts/docgen.mjs --check [dir...]  writes nothing; exits 1 naming each file of each dir (default: the
//                                             repository) that differs from what the assembly gives now
//
// The check is run by test/docs/api-reference.test.ts, so a change to the constructs' API or doc comments without
// `npm run docgen` fails `npm test`.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Documentation, Language } from 'jsii-docgen';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const FILES = [['API.md', Language.TYPESCRIPT], ['API.python.md', Language.PYTHON]];

const args = process.argv.slice(2);
const check = args[0] === '--check';
const dirs = check && args.length > 1 ? args.slice(1) : [root];
if (!existsSync(join(root, '.jsii'))) {
  console.error('docgen: no .jsii in the repository: run `npm run build` first');
  process.exit(2);
}

const docs = await Documentation.forProject(root);
const stale = [];
try {
  for (const [file, language] of FILES) {
    const text = (await docs.toMarkdown({ language, readme: false, allSubmodules: true })).render();
    if (!check) {
      writeFileSync(join(root, file), text);
      console.log(`docgen: wrote ${file} (${language}, ${text.length.toLocaleString('en-US')} characters)`);
      continue;
    }
    for (const dir of dirs) {
      const path = join(dir, file);
      if (!existsSync(path) || readFileSync(path, 'utf8') !== text) stale.push(relative(process.cwd(), path) || path);
    }
  }
} finally {
  await docs.cleanup();
}
if (stale.length > 0) {
  console.error(`docgen: ${stale.join(', ')} ${stale.length === 1 ? 'is' : 'are'} not what the assembly gives: run \`npm run build && npm run docgen\` and commit the result`);
  process.exit(1);
}
if (check) console.log(`docgen: ${FILES.map(([f]) => f).join(' and ')} match the assembly in ${dirs.map((d) => relative(process.cwd(), d) || '.').join(', ')}`);
