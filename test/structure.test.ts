/**
 * The house rules of lib/ and lambda/ (DESIGN.md), checked on the import graph of the sources:
 * - lambda/rules is the floor: it imports nothing outside itself (no other lambda/ folder, no package);
 * - nothing in lambda/ imports aws-cdk-lib or constructs (it runs in Lambda);
 * - lib/ imports from lambda/ only what lambda/rules holds;
 * - no import runs back up inside lib/ or lambda/: a file never imports a file of a folder above its own
 *   (shared pieces live in a folder below both users, e.g. lib/interfaces/, lambda/runtime/errors/);
 * and no source file over 400 lines. Type-only imports count: they tie the files together all the same.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const ROOT = path.join(__dirname, '..');
const MAX_LINES = 400;
/** Files over the limit whose split another change brings; an entry that no longer applies fails below. */
const LONG_FILES: Readonly<Record<string, string>> = {};

/** Every .ts source under `dirs` (posix paths relative to the root) with its text. */
function sources(dirs: string[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const dir of dirs) {
    for (const f of fs.readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })) {
      if (f.endsWith('.ts') && !f.endsWith('.d.ts')) files.set(path.posix.join(dir, f.split(path.sep).join('/')), fs.readFileSync(path.join(ROOT, dir, f), 'utf8'));
    }
  }
  return files;
}

/** The module a relative specifier of `from` names, among `files` (`x.ts` or `x/index.ts`); undefined for a package. */
function resolve(files: Map<string, string>, from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  return [`${base}.ts`, `${base}/index.ts`, base].find((c) => files.has(c)) ?? `${base}.ts`;
}

/** Every broken rule of the import graph of `files`, one sentence each. */
function violations(files: Map<string, string>): string[] {
  const found: string[] = [];
  for (const [file, text] of files) {
    const imports = ts.preProcessFile(text, true, true).importedFiles.map((i) => i.fileName);
    for (const specifier of imports) {
      const target = resolve(files, file, specifier);
      const what = `${file} imports ${specifier}`;
      if (target === undefined) {
        const pkg = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
        if (file.startsWith('lambda/rules/')) found.push(`${what}: lambda/rules imports no package`);
        if (file.startsWith('lambda/') && (pkg === 'aws-cdk-lib' || pkg === 'constructs')) found.push(`${what}: lambda/ runs in Lambda and never imports ${pkg}`);
        continue;
      }
      if (file.startsWith('lambda/rules/') && !target.startsWith('lambda/rules/')) found.push(`${what}: lambda/rules imports nothing outside itself`);
      if (file.startsWith('lib/') && target.startsWith('lambda/') && !target.startsWith('lambda/rules/')) found.push(`${what}: lib/ imports from lambda/ only lambda/rules`);
      const from = path.posix.dirname(file);
      const to = path.posix.dirname(target);
      if (from !== to && from.startsWith(`${to}/`)) found.push(`${what}: an import back up, into ${to}/ above ${from}/; give what both use a file below both`);
    }
  }
  return found.sort();
}

test('lib/ and lambda/ keep the import rules', () => {
  expect(violations(sources(['lib', 'lambda']))).toEqual([]);
});

test('the check finds each kind of forbidden import', () => {
  const tree = new Map<string, string>([
    ['lambda/rules/index.ts', "import { x } from '../runtime/errors';\nimport { y } from 'some-package';"],
    ['lambda/runtime/errors/index.ts', "import { App } from 'aws-cdk-lib';\nimport type { IConstruct } from 'constructs';"],
    ['lambda/runtime/handlers/common.ts', "import { parseEvent } from '../index';"],
    ['lambda/runtime/index.ts', "export * from './handlers/common';"],
    ['lib/private/permission.ts', "import type { IWorkMailOrganization } from '../organization';"],
    ['lib/organization.ts', "import { handler } from '../lambda/flow-rule-provider/index';\nimport { regionProblem } from '../lambda/rules';"],
    ['lambda/flow-rule-provider/index.ts', ''],
  ]);
  expect(violations(tree)).toEqual([
    "lambda/rules/index.ts imports ../runtime/errors: lambda/rules imports nothing outside itself",
    'lambda/rules/index.ts imports some-package: lambda/rules imports no package',
    'lambda/runtime/errors/index.ts imports aws-cdk-lib: lambda/ runs in Lambda and never imports aws-cdk-lib',
    'lambda/runtime/errors/index.ts imports constructs: lambda/ runs in Lambda and never imports constructs',
    'lambda/runtime/handlers/common.ts imports ../index: an import back up, into lambda/runtime/ above lambda/runtime/handlers/; give what both use a file below both',
    'lib/organization.ts imports ../lambda/flow-rule-provider/index: lib/ imports from lambda/ only lambda/rules',
    'lib/private/permission.ts imports ../organization: an import back up, into lib/ above lib/private/; give what both use a file below both',
  ].sort());
});

test(`no file in lib/ or lambda/ is over ${MAX_LINES} lines`, () => {
  const long = [...sources(['lib', 'lambda'])].filter(([, text]) => text.split('\n').length - (text.endsWith('\n') ? 1 : 0) > MAX_LINES).map(([file]) => file).sort();
  expect(long.filter((f) => !(f in LONG_FILES))).toEqual([]);
  // An exception whose file got short (or went) must go too.
  expect(Object.keys(LONG_FILES).filter((f) => !long.includes(f))).toEqual([]);
});
