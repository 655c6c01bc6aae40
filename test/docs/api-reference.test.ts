/**
 * API.md (TypeScript) and API.python.md (Python) are what jsii-docgen makes of the assembly now: a change to the
 * constructs' API or doc comments without `npm run docgen` fails here (scripts/docgen.mjs --check).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

test('API.md and API.python.md are up to date with the assembly; the check names a stale or missing file (a control, in the same run)', () => {
  const control = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-workmail-api-'));
  try {
    // A doc comment changed in lib/ without regenerating: one summary differs; API.python.md is missing.
    const text = fs.readFileSync(path.join(ROOT, 'API.md'), 'utf8');
    expect(text).toContain('Import an organization of the stack');
    fs.writeFileSync(path.join(control, 'API.md'), text.replace('Import an organization of the stack', 'Import an organisation of the stack'));
    const result = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'docgen.mjs'), '--check', ROOT, control], { cwd: ROOT, encoding: 'utf8' });
    const stale = /^docgen: (.*) (?:is|are) not what the assembly gives: run `npm run build && npm run docgen`/m.exec(result.stderr);
    expect(stale?.[1].split(', ')).toEqual([path.relative(ROOT, path.join(control, 'API.md')), path.relative(ROOT, path.join(control, 'API.python.md'))]);
    expect(result.status).toBe(1);
  } finally {
    fs.rmSync(control, { recursive: true, force: true });
  }
}, 120_000);

test('the reference documents the constructs in both languages', () => {
  const typescript = fs.readFileSync(path.join(ROOT, 'API.md'), 'utf8');
  const python = fs.readFileSync(path.join(ROOT, 'API.python.md'), 'utf8');
  expect(typescript).toContain('new WorkMailFunction(scope: Construct, id: string, props: WorkMailFunctionProps)');
  expect(python).toContain('cdk_workmail_lambda.WorkMailFunction(');
  expect(python).toContain('InboundAction.run_lambda(');
  // The examples, in each language: Python as jsii-rosetta translated them.
  expect(typescript).toContain("WorkMailOrganization.fromOrganizationId(this, 'Organization'");
  expect(python).toContain('WorkMailOrganization.from_organization_id(self, "Organization"');
});
