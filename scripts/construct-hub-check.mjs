// Construct Hub ingestion check: the packed tarball, read as Construct Hub's discovery and ingestion read a new
// package version (cdklabs/construct-hub: the npm follower keeps versions whose package.json has a `jsii` field and a
// CDK keyword, whose license is on the allow-list; ingestion takes package/.jsii and package/package.json, validates
// the assembly and requires its name, version and license to be package.json's). Also what the listing shows: the
// README in the assembly, the Python target, the examples translated (the tablet), the license file.
//
// Usage: node scripts/construct-hub-check.mjs [tarball]
//   without a tarball, packs the build products (after `npm ci` or `npm run build`; no rebuild).
// Prints `ok` or `FAIL` per check; the last line counts them; exit 1 on a failure.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checks } from './checks.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { validateAssembly } = require('@jsii/spec');

/** Construct Hub's default `allowedLicenses`: SpdxLicense.apache(), bsd(), cddl(), epl(), ISC, mit(), MPL_2_0 (the ids of those families). */
const ALLOWED_LICENSES = new Set([
  'Apache-1.0', 'Apache-1.1', 'Apache-2.0',
  '0BSD', 'BSD-1-Clause', 'BSD-2-Clause', 'BSD-2-Clause-Patent', 'BSD-2-Clause-Views', 'BSD-3-Clause', 'BSD-3-Clause-Attribution',
  'BSD-3-Clause-Clear', 'BSD-3-Clause-LBNL', 'BSD-3-Clause-Modification', 'BSD-3-Clause-No-Nuclear-License',
  'BSD-3-Clause-No-Nuclear-License-2014', 'BSD-3-Clause-No-Nuclear-Warranty', 'BSD-3-Clause-Open-MPI', 'BSD-4-Clause',
  'BSD-4-Clause-UC', 'BSD-Protection', 'BSD-Source-Code',
  'CDDL-1.0', 'CDDL-1.1', 'EPL-1.0', 'EPL-2.0', 'ISC',
  'MIT', 'MIT-0', 'MIT-advertising', 'MIT-CMU', 'MIT-enna', 'MIT-feh', 'MIT-Modern-Variant', 'MIT-open-group', 'MITNFA',
  'MPL-2.0',
]);
/** The keywords Construct Hub's npm follower takes a package with a `jsii` field for. */
const CONSTRUCT_KEYWORDS = ['cdk', 'aws-cdk', 'cdk8s', 'cdktf'];

const { check, done } = checks('construct-hub-check');
function assert(condition, message) {
  if (!condition) throw new Error(message);
}
/** Keys sorted at every level, as jsii writes an assembly before it fingerprints it. */
function sorted(value) {
  if (Array.isArray(value)) return value.map(sorted);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sorted(value[k])]));
}

const work = mkdtempSync(join(tmpdir(), 'construct-hub-check-'));
try {
  let tarball = process.argv[2];
  if (!tarball) {
    const out = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    tarball = join(work, JSON.parse(out.slice(out.indexOf('[')))[0].filename);
  }
  console.log(`construct-hub-check: ${tarball}`);
  const listing = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean);
  execFileSync('tar', ['-xzf', tarball, '-C', work]);
  const read = (file) => readFileSync(join(work, file), 'utf8');

  let pkg;
  let assembly;
  check('package/package.json and package/.jsii are in the tarball', () => {
    const missing = ['package/package.json', 'package/.jsii'].filter((f) => !listing.includes(f));
    assert(missing.length === 0, `missing: ${missing.join(', ')}`);
    pkg = JSON.parse(read('package/package.json'));
  });
  check('package.json has the `jsii` field, with a Python target', () => {
    assert(pkg?.jsii && typeof pkg.jsii === 'object', 'no `jsii` field: Construct Hub skips the version');
    assert(pkg.jsii.targets?.python?.module && pkg.jsii.targets?.python?.distName, `jsii.targets.python: ${JSON.stringify(pkg.jsii.targets?.python)}`);
    return `python ${pkg.jsii.targets.python.distName} (${pkg.jsii.targets.python.module})`;
  });
  check('a keyword marks it as a CDK library', () => {
    const found = (pkg?.keywords ?? []).filter((k) => CONSTRUCT_KEYWORDS.includes(k));
    assert(found.length > 0, `keywords ${JSON.stringify(pkg?.keywords)} hold none of ${CONSTRUCT_KEYWORDS.join(', ')}`);
    return found.join(', ');
  });
  check("the license is on Construct Hub's default allow-list, and its text is in the tarball", () => {
    assert(ALLOWED_LICENSES.has(pkg?.license), `license ${JSON.stringify(pkg?.license)} is not on the allow-list`);
    assert(listing.some((f) => /^package\/LICEN[CS]E(\.md|\.txt)?$/i.test(f)), 'no LICENSE file');
    return pkg.license;
  });
  check('package/.jsii is valid against the jsii assembly schema (@jsii/spec)', () => {
    const parsed = JSON.parse(read('package/.jsii'));
    assert(parsed.schema === 'jsii/0.10.0', `schema ${parsed.schema}: a redirect or compressed assembly is not expected here`);
    assembly = validateAssembly(parsed);
    return `${Object.keys(assembly.types ?? {}).length} types`;
  });
  check("the assembly's fingerprint matches its content", () => {
    const { fingerprint, ...rest } = JSON.parse(read('package/.jsii'));
    const computed = createHash('sha256').update(JSON.stringify(sorted(rest))).digest('base64');
    assert(fingerprint === computed, `fingerprint ${fingerprint}, content hashes to ${computed}: the assembly was changed after jsii wrote it`);
  });
  check("the assembly's name, version and license are package.json's", () => {
    const a = { name: assembly?.name, version: assembly?.version, license: assembly?.license };
    const p = { name: pkg?.name, version: pkg?.version, license: pkg?.license };
    assert(JSON.stringify(a) === JSON.stringify(p), `assembly ${JSON.stringify(a)}, package.json ${JSON.stringify(p)}`);
  });
  check('the assembly is an AWS CDK v2 library (aws-cdk-lib 2 in its dependency closure), with repository and homepage', () => {
    const cdk = assembly?.dependencyClosure?.['aws-cdk-lib'];
    assert(cdk && /^\^?2\./.test(assembly.dependencies?.['aws-cdk-lib'] ?? ''), `aws-cdk-lib dependency ${assembly?.dependencies?.['aws-cdk-lib']}`);
    assert(assembly.repository?.url && assembly.homepage, 'repository.url and homepage are required');
    return assembly.repository.url;
  });
  check('the README is in the assembly, as the tarball has it', () => {
    assert(assembly?.readme?.markdown === read('package/README.md'), 'the assembly\'s README differs from package/README.md (rebuild)');
  });
  check('the tablet has every example compiled, with its Python translation', () => {
    assert(listing.includes('package/.jsii.tabl.json'), 'no package/.jsii.tabl.json');
    const snippets = Object.values(JSON.parse(read('package/.jsii.tabl.json')).snippets);
    const examples = Object.values(assembly?.types ?? {}).filter((t) => t.docs?.example).length;
    assert(snippets.length >= examples + 1, `${snippets.length} snippets for ${examples} examples and the README`);
    const bad = snippets.filter((s) => !s.didCompile || !s.translations?.python).map((s) => s.location.api.fqn ?? s.location.api.api);
    assert(bad.length === 0, `not compiled or not translated: ${bad.join(', ')}`);
    return `${snippets.length} snippets`;
  });
} finally {
  rmSync(work, { recursive: true, force: true });
}
done();
