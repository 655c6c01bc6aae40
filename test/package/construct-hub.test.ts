/**
 * scripts/construct-hub-check.mjs (run by `.ci/run`): the packed tarball passes Construct Hub's discovery and
 * ingestion checks, and the check fails on tarballs that Construct Hub would skip or reject.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pack, ROOT } from './packed';

let tmp: string;
let tarball: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-workmail-hub-'));
  tarball = pack(tmp).tarball;
});

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

function run(file: string): { status: number | null; out: string } {
  const result = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'construct-hub-check.mjs'), file], { encoding: 'utf8' });
  return { status: result.status, out: result.stdout + result.stderr };
}

/** A copy of the packed tarball with `change` applied to its extracted files. */
function doctored(name: string, change: (dir: string) => void): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir);
  execFileSync('tar', ['-xzf', tarball, '-C', dir]);
  change(path.join(dir, 'package'));
  const file = path.join(tmp, `${name}.tgz`);
  execFileSync('tar', ['-czf', file, '-C', dir, 'package']);
  return file;
}
const editJson = (file: string, edit: (json: any) => void) => {
  const json = JSON.parse(fs.readFileSync(file, 'utf8'));
  edit(json);
  fs.writeFileSync(file, JSON.stringify(json));
};

test('the packed tarball passes every check', () => {
  const { status, out } = run(tarball);
  expect(out).not.toContain('FAIL');
  expect(out).toMatch(/construct-hub-check: 10 checks passed, 0 failed/);
  expect(status).toBe(0);
});

test('an assembly changed after jsii wrote it fails the fingerprint check', () => {
  const file = doctored('changed', (dir) => editJson(path.join(dir, '.jsii'), (a) => { a.description = 'changed'; }));
  const { status, out } = run(file);
  expect(status).toBe(1);
  expect(out).toMatch(/FAIL the assembly's fingerprint matches its content\n\s+fingerprint .*, content hashes to /);
  expect(out).toContain('1 failed');
});

test('a GPL license, no CDK keyword and no `jsii` field each fail, as Construct Hub would skip the version', () => {
  const file = doctored('unlisted', (dir) => editJson(path.join(dir, 'package.json'), (p) => {
    p.license = 'GPL-3.0-only';
    p.keywords = ['workmail'];
    delete p.jsii;
  }));
  const { status, out } = run(file);
  expect(status).toBe(1);
  expect(out).toContain('FAIL package.json has the `jsii` field');
  expect(out).toContain('FAIL a keyword marks it as a CDK library');
  expect(out).toContain('license "GPL-3.0-only" is not on the allow-list');
  expect(out).toMatch(/FAIL the assembly's name, version and license are package.json's\n\s+assembly .*"license":"Apache-2.0".*package.json .*"license":"GPL-3.0-only"/);
});

test('a tarball without .jsii fails', () => {
  const file = doctored('no-assembly', (dir) => fs.rmSync(path.join(dir, '.jsii')));
  const { status, out } = run(file);
  expect(status).toBe(1);
  expect(out).toContain('missing: package/.jsii');
});
