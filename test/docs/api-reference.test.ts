/**
 * API.md (TypeScript) and API.python.md (Python) are what jsii-docgen makes of the assembly now: a change to the
 * constructs' API or doc comments without `npm run docgen` fails here (scripts/docgen.mjs --check).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const check = (dir?: string) => spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'docgen.mjs'), '--check', ...(dir ? [dir] : [])], { cwd: ROOT, encoding: 'utf8' });

test('API.md and API.python.md are up to date with the assembly', () => {
  const result = check();
  expect(result.stderr.split('\n').filter((l) => l.startsWith('docgen:'))).toEqual([]);
  expect(result.status).toBe(0);
  expect(result.stdout).toContain('API.md and API.python.md match the assembly');
}, 120_000);

test('the check fails, naming the file, when one of them is stale or missing', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-workmail-api-'));
  try {
    const text = fs.readFileSync(path.join(ROOT, 'API.md'), 'utf8');
    // A doc comment changed in lib/ without regenerating: one summary differs.
    expect(text).toContain('Import an organization of the stack');
    fs.writeFileSync(path.join(dir, 'API.md'), text.replace('Import an organization of the stack', 'Import an organisation of the stack'));
    const result = check(dir);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/docgen: .*API\.md, .*API\.python\.md are not what the assembly gives: run `npm run build && npm run docgen`/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);

test('the reference documents the constructs in both languages', () => {
  const typescript = fs.readFileSync(path.join(ROOT, 'API.md'), 'utf8');
  const python = fs.readFileSync(path.join(ROOT, 'API.python.md'), 'utf8');
  expect(typescript).toContain("new WorkMailFunction(scope: Construct, id: string, props: WorkMailFunctionProps)");
  expect(python).toContain('cdk_workmail_lambda.WorkMailFunction(');
  expect(python).toContain('InboundAction.run_lambda(');
});
