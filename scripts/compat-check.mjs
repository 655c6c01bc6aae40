// Compatibility check (docs/compatibility.md): packs the library as it would be published and installs the
// tarball, with a plain `npm install` (no --legacy-peer-deps, no --force), into scratch consumer projects that
// hold exactly the floor of the aws-cdk-lib peer range and the newest aws-cdk-lib (the devDependency). In each
// it runs the consumer suite (scripts/compat/consumer.test.cjs, public API only) with `node --test`, and
// type-checks scripts/compat/typed.ts plus an import of every entry point, from CommonJS and from an ES module
// (.mts), with TypeScript `strict` under moduleResolution node16 and bundler. The optional peers (the AWS SDK clients of message content) are installed
// at the floor of their ranges in the first consumer and at their newest releases in the second, and the
// consumer suite reads and writes a message through them. It also checks the tarball: the LICENSE, no install-time script, and
// every entry point of `exports` (or main/types) present with its types, for `require` and for `import`.
//
// Usage: node scripts/compat-check.mjs   (after `npm ci` or `npm run build`: it packs the build products)
// Uses the npm registry through npm, and npm's cache (--prefer-offline), so a second run downloads nothing.
// Env: COMPAT_KEEP=1 keeps the scratch projects (their path is printed).
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const exact = (range, what) => {
  const match = /^\^?(\d+\.\d+\.\d+)$/.exec(range ?? '');
  if (!match) throw new Error(`${what} must be an exact version or a caret range, got ${JSON.stringify(range)}`);
  return match[1];
};
const FLOOR = exact(pkg.peerDependencies['aws-cdk-lib'], 'peerDependencies["aws-cdk-lib"]');
const NEWEST = exact(pkg.devDependencies['aws-cdk-lib'], 'devDependencies["aws-cdk-lib"]');
/**
 * The optional peers (the AWS SDK clients of the runtime's message content calls). They have no range in
 * `peerDependencies` (jsii takes no peer that is not a jsii module): the floor is the devDependency, the version
 * developed with (docs/compatibility.md).
 */
const OPTIONAL_PEERS = Object.keys(pkg.peerDependenciesMeta ?? {}).filter((name) => pkg.peerDependenciesMeta[name].optional);
const optionalPeerFloor = (name) => exact(pkg.peerDependencies?.[name] ?? pkg.devDependencies[name], `the floor of ${name} (peerDependencies, else devDependencies)`);
/** The newest release of a package on the registry (the top end of a caret range). */
const newestOf = (name) => JSON.parse(npm(['view', `${name}@^${optionalPeerFloor(name)}`, 'version', '--json'], root)).toString().split(',').pop();
const CONSUMERS = [
  // The floor consumer also takes the oldest constructs and the oldest optional peers of their ranges.
  {
    label: `aws-cdk-lib ${FLOOR} (the floor of ${pkg.peerDependencies['aws-cdk-lib']})`, awsCdkLib: FLOOR, constructs: exact(pkg.peerDependencies.constructs, 'peerDependencies.constructs'),
    optionalPeers: () => Object.fromEntries(OPTIONAL_PEERS.map((name) => [name, optionalPeerFloor(name)])),
  },
  {
    label: `aws-cdk-lib ${NEWEST} (the newest, as developed)`, awsCdkLib: NEWEST, constructs: exact(pkg.devDependencies.constructs, 'devDependencies.constructs'),
    optionalPeers: () => Object.fromEntries(OPTIONAL_PEERS.map((name) => [name, newestOf(name)])),
  },
];
/** TypeScript and Node types of the consumer: the versions this repository develops with. */
// esbuild: what a consumer installs for WorkMailNodejsFunction (NodejsFunction) to bundle locally.
const TOOLS = {
  typescript: exact(pkg.devDependencies.typescript, 'typescript'), '@types/node': exact(pkg.devDependencies['@types/node'], '@types/node'),
  esbuild: exact(pkg.devDependencies.esbuild, 'esbuild'),
};
const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall'];

let passed = 0;
let failed = 0;
function report(ok, what, detail = '') {
  if (ok) passed++; else failed++;
  console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${what}${detail ? `\n${detail.replace(/^/gm, '       ')}` : ''}`);
}
function attempt(what, fn) {
  try {
    const detail = fn();
    report(true, typeof detail === 'string' ? `${what}: ${detail}` : what);
  } catch (error) {
    report(false, what, String(error.stdout || error.stderr ? `${error.stdout ?? ''}${error.stderr ?? ''}` : error.message).trim());
  }
}
function npm(args, cwd) {
  const env = { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', npm_config_prefer_offline: 'true', npm_config_loglevel: 'warn' };
  delete env.NPM_CONFIG_LOGLEVEL;
  return execFileSync('npm', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
}
const filesUnder = (dir, base = '') => readdirSync(join(dir, base), { withFileTypes: true }).flatMap((d) =>
  d.isDirectory() ? filesUnder(dir, posix.join(base, d.name)) : [posix.join(base, d.name)]);

/**
 * The package's entry points: each key of `exports` (else "." from main/types) with, for `require` and for
 * `import`, the file Node loads (conditions node + the kind + default) and the declarations TypeScript takes
 * (the first of types, the kind, node, default at each level), and every target of the entry.
 */
function entryPoints(manifest) {
  const { exports } = manifest;
  if (exports === undefined) {
    const code = manifest.main ?? 'index.js';
    const types = manifest.types ?? manifest.typings ?? code.replace(/\.(c|m)?js$/, '.d.$1ts');
    return [{ entry: '.', kinds: { require: { code, types }, import: { code, types } }, all: [code, types] }];
  }
  const map = typeof exports === 'string' || Object.keys(exports).every((k) => !k.startsWith('.')) ? { '.': exports } : exports;
  const pick = (v, conditions) => {
    if (typeof v === 'string' || v === null) return v ?? undefined;
    if (Array.isArray(v)) return v.map((x) => pick(x, conditions)).find((x) => x !== undefined);
    const key = Object.keys(v).find((k) => conditions.includes(k));
    return key === undefined ? undefined : pick(v[key], conditions);
  };
  const all = (v) => (typeof v === 'string' ? [v] : Array.isArray(v) ? v.flatMap(all) : v ? Object.values(v).flatMap(all) : []);
  return Object.entries(map).filter(([entry]) => entry !== './package.json').map(([entry, value]) => ({
    entry,
    kinds: Object.fromEntries(['require', 'import'].map((kind) => {
      const code = pick(value, ['node', kind, 'default']);
      return [kind, { code, types: pick(value, ['types', kind, 'node', 'default']) ?? code?.replace(/\.(c|m)?js$/, '.d.$1ts') }];
    })),
    all: all(value),
  }));
}

for (const built of ['lib/index.js', 'lib/index.d.ts', 'assets/flow-rule-provider/index.js']) {
  if (!existsSync(join(root, built))) {
    console.error(`compat-check: ${built} is missing: run \`npm run build\` (or \`npm ci\`) first`);
    process.exit(1);
  }
}
const work = mkdtempSync(join(tmpdir(), 'cdk-workmail-compat-'));
const started = Date.now();
try {
  // --ignore-scripts: `prepare` would build again; the build products are already there.
  const packOut = npm(['pack', '--json', '--ignore-scripts', '--pack-destination', work], root);
  const [info] = JSON.parse(packOut.slice(packOut.indexOf('[')));
  const tarball = join(work, info.filename);
  const packed = info.files.map((f) => f.path);
  const extracted = join(work, 'packed');
  mkdirSync(extracted);
  execFileSync('tar', ['-xzf', tarball, '-C', extracted, '--strip-components=1']);
  const manifest = JSON.parse(readFileSync(join(extracted, 'package.json'), 'utf8'));
  const entries = entryPoints(manifest);

  console.log(`compat-check: the tarball ${info.filename} (${packed.length} files)`);
  attempt('carries LICENSE, the Apache-2.0 text, and says "license": "Apache-2.0"', () => {
    if (!packed.includes('LICENSE')) throw new Error('no LICENSE in the tarball');
    const text = readFileSync(join(extracted, 'LICENSE'), 'utf8');
    for (const line of ['Apache License', 'Version 2.0, January 2004', 'END OF TERMS AND CONDITIONS']) {
      if (!text.includes(line)) throw new Error(`LICENSE lacks "${line}"`);
    }
    if (manifest.license !== 'Apache-2.0') throw new Error(`"license" is ${JSON.stringify(manifest.license)}`);
  });
  attempt('has no install-time script (preinstall, install, postinstall, binding.gyp)', () => {
    const found = INSTALL_SCRIPTS.filter((s) => manifest.scripts?.[s]);
    if (packed.includes('binding.gyp')) found.push('binding.gyp');
    if (found.length) throw new Error(`found ${found.join(', ')}`);
  });
  for (const { entry, kinds, all } of entries) {
    attempt(`entry point "${entry}" is packed with its types, for require and import`, () => {
      const missing = all.filter((t) => !t.includes('*') && !packed.includes(posix.normalize(t)));
      if (missing.length) throw new Error(`not in the tarball: ${missing.join(', ')}`);
      return Object.entries(kinds).map(([kind, { code, types }]) => {
        if (!code || !packed.includes(posix.normalize(code))) throw new Error(`no file for ${kind} (got ${code})`);
        // TypeScript takes the first condition it matches: it must reach declarations, not JavaScript.
        if (!types || !/\.d\.[cm]?ts$/.test(types) || !packed.includes(posix.normalize(types))) throw new Error(`no types for ${kind} of ${code} (TypeScript takes ${types})`);
        return `${kind}: ${code}, ${types}`;
      }).join('; ');
    });
  }

  const suite = join(root, 'scripts', 'compat');
  for (const consumer of CONSUMERS) {
    console.log(`compat-check: a consumer with ${consumer.label}, constructs ${consumer.constructs}`);
    const dir = join(work, `consumer-${consumer.awsCdkLib}`);
    mkdirSync(dir);
    const optionalPeers = consumer.optionalPeers();
    console.log(`  with the optional peers ${Object.entries(optionalPeers).map(([n, v]) => `${n}@${v}`).join(', ') || '(none)'}`);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({
      name: 'compat-consumer', version: '1.0.0', private: true,
      dependencies: { 'aws-cdk-lib': consumer.awsCdkLib, constructs: consumer.constructs, ...optionalPeers, 'cdk-workmail-lambda': `file:${tarball}` },
      devDependencies: TOOLS,
    }, null, 2));
    let installed = false;
    attempt('`npm install` of the tarball, without flags', () => {
      const t0 = Date.now();
      const out = npm(['install'], dir);
      installed = true;
      // npm names every package whose install scripts it would run (or asks to approve): ours must not be one.
      const ours = out.split('\n').filter((l) => /install-scripts?/i.test(l) && l.includes('cdk-workmail-lambda'));
      if (ours.length) throw new Error(ours.join('\n'));
      return `${((Date.now() - t0) / 1000).toFixed(1)} s`;
    });
    if (!installed) continue;
    attempt('the installed package is exactly the packed files (nothing was built at install)', () => {
      // A dependency npm had to nest under the package is not the package's own file; a bundled one is (it is packed).
      const nestedPackage = (f) => f.split('/').slice(1, f.split('/')[1].startsWith('@') ? 3 : 2).join('/');
      const bundled = new Set([...packed].filter((f) => f.startsWith('node_modules/')).map(nestedPackage));
      const got = filesUnder(join(dir, 'node_modules', 'cdk-workmail-lambda')).filter((f) => !f.startsWith('node_modules/') || bundled.has(nestedPackage(f))).sort();
      const want = [...packed].sort();
      const extra = got.filter((f) => !want.includes(f));
      const missing = want.filter((f) => !got.includes(f));
      if (extra.length || missing.length) throw new Error(`extra: ${extra.join(', ') || 'none'}; missing: ${missing.join(', ') || 'none'}`);
    });

    copyFileSync(join(suite, 'consumer.test.cjs'), join(dir, 'consumer.test.cjs'));
    const run = spawnSync(process.execPath, ['--test', '--test-reporter=tap', 'consumer.test.cjs'], {
      cwd: dir, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '', COMPAT_AWS_CDK_LIB: consumer.awsCdkLib, COMPAT_ENTRIES: JSON.stringify(entries.map((e) => e.entry)) },
    });
    const top = run.stdout.split('\n').filter((l) => /^(not )?ok \d+ - /.test(l));
    for (const line of top) {
      const ok = line.startsWith('ok');
      const name = line.replace(/^(not )?ok \d+ - /, '');
      // On failure, the TAP block of that test (its diagnostics) follows its line.
      report(ok, name, ok ? '' : run.stdout.slice(run.stdout.indexOf(line)).split(/\n(?=(?:not )?ok \d+ - )/)[0].split('\n').slice(1, 40).filter((l) => !l.startsWith('# Subtest')).join('\n'));
    }
    if (run.status !== 0 && !top.some((l) => l.startsWith('not ok'))) report(false, 'the consumer suite ran', `${run.stdout}\n${run.stderr}`);

    copyFileSync(join(suite, 'typed.ts'), join(dir, 'typed.ts'));
    const specifier = (entry) => (entry === '.' ? 'cdk-workmail-lambda' : `cdk-workmail-lambda/${entry.replace(/^\.\//, '')}`);
    writeFileSync(join(dir, 'entries.ts'), [
      '// Every entry point of the package, imported as a consumer would (generated by scripts/compat-check.mjs).',
      ...entries.map((e, i) => `import * as entry${i} from '${specifier(e.entry)}';`),
      `export const entries: object[] = [${entries.map((_, i) => `entry${i}`).join(', ')}];`,
    ].join('\n') + '\n');
    // The same from an ES module: under node16 TypeScript then resolves the `import` conditions.
    writeFileSync(join(dir, 'entries-esm.mts'), readFileSync(join(dir, 'entries.ts'), 'utf8'));
    // skipLibCheck off checks the library's .d.ts against this aws-cdk-lib (and all of aws-cdk-lib's: the slow
    // part, about a minute of CPU); once is enough, the bundler run checks resolution and use.
    for (const [resolution, module, skipLibCheck] of [['node16', 'node16', false], ['bundler', 'esnext', true]]) {
      writeFileSync(join(dir, `tsconfig.${resolution}.json`), JSON.stringify({
        compilerOptions: { strict: true, module, moduleResolution: resolution, target: 'es2022', noEmit: true, skipLibCheck, types: ['node'] },
        files: ['typed.ts', 'entries.ts', 'entries-esm.mts'],
      }, null, 2));
      attempt(`tsc --strict, moduleResolution ${resolution}${skipLibCheck ? '' : ', skipLibCheck off'}: the library's types and an import of each entry point from CommonJS and from an ES module`, () => {
        execFileSync(process.execPath, [join(dir, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', `tsconfig.${resolution}.json`], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      });
    }
  }
} finally {
  if (process.env.COMPAT_KEEP) console.log(`compat-check: the scratch projects are in ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
console.log(`compat-check: ${passed} checks passed, ${failed} failed (${((Date.now() - started) / 1000).toFixed(0)} s)`);
process.exit(failed === 0 ? 0 : 1);
