// Rewrites tsc's lib/index.js so that each module of the construct library loads on the first use of one of
// its exports, as aws-cdk-lib's own index files do. `require('cdk-workmail-lambda')` then loads nothing but
// this file, and an app that never uses MessageContentBucket or IdempotencyTable never loads aws-s3 or
// aws-dynamodb (`npm run bench`, "Library load"). Run after tsc (`npm run build`).
//
// lib/index.ts holds `export * from './x'` lines only; tsc writes each as `__exportStar(require("./x"), exports);`.
// Each becomes one getter per exported name, which requires the module on first access, and a line
// `exports.Name = void 0;` per name: that is how Node finds the names when an ES module imports this CommonJS
// file (`import { WorkMailFunction } from 'cdk-workmail-lambda'`; Node then reads every export, so an ES module
// app loads all the modules, as before). The names are read from the compiled modules themselves, here.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const file = join(root, 'lib', 'index.js');
const MARK = '// Lazy exports: written by scripts/lazy-index.mjs';
const text = readFileSync(file, 'utf8');
if (text.includes(MARK)) {
  console.log('lib/index.js has lazy exports already');
  process.exit(0);
}

const STAR = /^__exportStar\(require\("(\.\/[^"]+)"\), exports\);$/;
const lines = text.split('\n').map((l) => l.trim());
const start = lines.indexOf('Object.defineProperty(exports, "__esModule", { value: true });');
const statements = lines.slice(start + 1).filter((l) => l !== '' && !l.startsWith('//'));
const unexpected = statements.filter((l) => !STAR.test(l));
if (start === -1 || unexpected.length > 0) {
  throw new Error(`lib/index.js is not what tsc writes for \`export * from './module'\` lines only; lib/index.ts may hold nothing else. Unexpected: ${unexpected.join(' | ') || '(no __esModule line)'}`);
}

const requireLib = createRequire(file);
const modules = statements.map((l) => STAR.exec(l)[1]).map((specifier) => ({
  specifier,
  names: Object.keys(requireLib(specifier)).filter((n) => n !== 'default' && n !== '__esModule'),
}));
const all = modules.flatMap((m) => m.names);
const twice = all.filter((n, i) => all.indexOf(n) !== i);
if (twice.length > 0) throw new Error(`lib/index.ts exports ${twice.join(', ')} from two modules`);

const out = [
  '"use strict";',
  `${MARK} from tsc's output of lib/index.ts: each module loads on the first use of one of its exports.`,
  'Object.defineProperty(exports, "__esModule", { value: true });',
  ...all.map((n) => `exports.${n} = void 0;`),
  'function lazy(load, names) {',
  '    let loaded;',
  '    for (const name of names) {',
  '        Object.defineProperty(exports, name, { enumerable: true, configurable: true, get: () => (loaded ??= load())[name] });',
  '    }',
  '}',
  ...modules.filter((m) => m.names.length > 0).map((m) => `lazy(() => require(${JSON.stringify(m.specifier)}), ${JSON.stringify(m.names)});`),
  '',
];
writeFileSync(file, out.join('\n'));
console.log(`lib/index.js: ${all.length} exports of ${modules.filter((m) => m.names.length > 0).length} modules, each module loaded on first use`);
