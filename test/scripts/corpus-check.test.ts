/**
 * The CI corpus checks (scripts/corpus-check.mjs, scripts/mime-corpus-check.mjs) cannot pass having checked nothing:
 * a folder that does not exist, or that holds no case, fails with a message saying so. With cases they run them.
 * `npm test` never reads ../shared: these runs use folders made here and the repository's own fixtures.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FIXTURES } from '../fixtures/mime/fixtures';

const ROOT = path.join(__dirname, '..', '..');
const CHECKS = [['corpus-check', '.json'], ['mime-corpus-check', '.eml']] as const;
let tmp: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'corpus-check-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function run(check: string, dir: string): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', `${check}.mjs`), dir], { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe.each(CHECKS)('%s', (check, extension) => {
  test('a folder that does not exist fails, saying so', () => {
    const missing = path.join(tmp, 'missing');
    const r = run(check, missing);
    expect(r.status).not.toBe(0);
    expect(r.output).toContain(`${check}: no corpus at ${missing}`);
  });

  test('a folder with no case fails, saying so', () => {
    const empty = fs.mkdtempSync(path.join(tmp, 'empty-'));
    fs.writeFileSync(path.join(empty, 'README.md'), 'not a case');
    const r = run(check, empty);
    expect(r.status).not.toBe(0);
    expect(r.output).toContain(`${check}: no ${extension} file in ${empty}, nothing to check`);
  });
});

test('corpus-check runs the events it is given (the runtime tests\' events whose subject names Amazon WorkMail, as the corpus\'s do)', () => {
  const dir = fs.mkdtempSync(path.join(tmp, 'events-'));
  for (const name of ['seed-inbound-2018-10-10.json', 'outbound-2019-07-28.json', 'no-direction-2018-10-10.json']) {
    fs.copyFileSync(path.join(ROOT, 'test', 'runtime', 'fixtures', 'events', name), path.join(dir, name));
  }
  const r = run('corpus-check', dir);
  expect(r.output).toMatch(/corpus-check: 6 of 6 handler runs on .* answered as expected/);
  expect(r.status).toBe(0);
}, 60_000);

test('mime-corpus-check runs the messages it is given', () => {
  const dir = fs.mkdtempSync(path.join(tmp, 'mime-'));
  for (const f of FIXTURES.filter((x) => ['plain', 'mixed-nested'].includes(x.name))) fs.writeFileSync(path.join(dir, `${f.name}.eml`), f.mime);
  const r = run('mime-corpus-check', dir);
  expect(r.output).toMatch(/MIME corpus: 2 messages x 5 transforms = \d+ checks, 0 failed/);
  expect(r.status).toBe(0);
}, 60_000);
