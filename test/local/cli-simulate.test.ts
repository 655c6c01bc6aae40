/** `cdk-workmail-lambda simulate`, run as its own process from the built command. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MESSAGES, exampleAssembly, removeAssemblies, tempDir } from './assemblies';

const ROOT = path.join(__dirname, '..', '..');
const MAIN = path.join(ROOT, 'local', 'cli', 'main.js');

function cli(args: string[], cwd = ROOT): { status: number | null; stdout: string; stderr: string } {
  const { NODE_OPTIONS: _n, ...env } = process.env;
  const result = spawnSync(process.execPath, [MAIN, ...args], { cwd, env, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Processes whose working directory is under `dir` (the function processes of a simulation run there). */
function processesUnder(dir: string): string[] {
  return fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((pid) => {
    try {
      return fs.readlinkSync(`/proc/${pid}/cwd`).startsWith(dir);
    } catch {
      return false;
    }
  });
}

let assembly: string;
beforeAll(() => {
  assembly = exampleAssembly();
});
afterAll(removeAssemblies);

test('the table per recipient, the invocations with their log lines, the assumptions; --out writes the updated message; exit 0', () => {
  const out = path.join(tempDir(), 'updated.eml');
  const { status, stdout } = cli(['simulate', '--app', assembly, '--direction', 'inbound', '--to', 'alice@example.com', '--to', 'bob@example.com',
    '--eml', path.join(MESSAGES, 'wire-transfer.eml'), '--out', out]);
  expect(status).toBe(0);
  expect(stdout).toMatch(/^recipient +action +decided by +rule +why$/m);
  expect(stdout).toMatch(/^alice@example.com +BOUNCE "This message was rejected by the organization's mail policy." +function +subject-guard-inbound +/m);
  expect(stdout).toMatch(/^ {2}external-tag-inbound -> ExternalTag[0-9A-F]+ \(synchronous, cold, \d+ ms\): answered \{"actions"/m);
  expect(stdout).toMatch(/^ {4}stdout \| \{"level":"info","outcome":"updated","changes":\["message: headers"\],"handler":"subjectTagHandler"/m);
  expect(stdout).toContain('  - [run-lambda-ties] Every Run Lambda rule among the equally specific winners runs');
  expect(stdout).toContain(`message: updated by a function`);
  expect(fs.readFileSync(out, 'utf8')).toContain('Subject: [EXTERNAL] Wire transfer for invoice 4711');
  // Every function process ended with the command.
  expect(processesUnder(assembly)).toEqual([]);
});

test('--json prints the MailFlowSimulation; --respond takes a canned answer for a function', () => {
  const answer = path.join(tempDir(), 'drop.json');
  fs.writeFileSync(answer, JSON.stringify({ actions: [{ action: { type: 'DROP' }, allRecipients: true }] }));
  const template = JSON.parse(fs.readFileSync(path.join(assembly, 'WorkMailLambdaExample.template.json'), 'utf8'));
  const attachmentFilter = Object.keys(template.Resources).find((id) => /^AttachmentFilter[0-9A-F]{8}$/.test(id))!;
  const { status, stdout } = cli(['simulate', '--app', assembly, '--direction', 'inbound', '--to', 'alice@example.com', '--from', 'x@outside.example',
    '--respond', `${attachmentFilter}=${answer}`, '--json']);
  expect(status).toBe(0);
  const simulation = JSON.parse(stdout);
  expect(simulation.recipients['alice@example.com']).toMatchObject({ action: { type: 'DROP' }, ruleName: 'attachment-filter-inbound', decidedBy: 'function' });
  expect(simulation.invocations.find((i: any) => i.functionId === attachmentFilter)).toMatchObject({ canned: true });
  expect(simulation.message).toMatch(/^From: x@outside.example\r\n/);
});

test('--app with a command synthesizes first (CDK_OUTDIR), and its temporary assembly is removed', () => {
  const copy = `node -e "require('fs').cpSync('${assembly}', process.env.CDK_OUTDIR, { recursive: true })"`;
  const { status, stdout, stderr } = cli(['simulate', '--app', copy, '--direction', 'outbound', '--to', 'p@partner.example', '--from', 'alice@example.com']);
  expect(stderr).toBe('');
  expect(status).toBe(0);
  expect(stdout).toMatch(/^p@partner.example +DEFAULT +rule +subject-guard-outbound +the asynchronous Run Lambda rule/m);
  const failing = cli(['simulate', '--app', 'node -e "console.error(\'synth broke\'); process.exit(4)"', '--direction', 'inbound', '--to', 'a@example.com', '--from', 'x@y.example']);
  expect(failing.status).toBe(2);
  expect(failing.stderr.trim()).toMatch(/^cdk-workmail-lambda simulate: the app command .* failed \(exit 4\): synth broke \(see cdk-workmail-lambda simulate --help\)$/);
});

test.each([
  [['simulate', '--direction', 'inbound', '--to', 'a@example.com'], /no cloud assembly at .*cdk.out: the directory does not exist/, 'an empty directory'],
  [['simulate', '--app', '.', '--direction', 'inbound', '--to', 'a@example.com'], /is not a synthesized cloud assembly \(no manifest.json\)/, 'an empty directory'],
  [['simulate', '--direction', 'inbound'], /--to is required/, undefined],
  [['simulate', '--direction', 'up', '--to', 'a@example.com'], /--direction must be inbound or outbound, got "up"/, undefined],
  [['simulate', '--direction', 'inbound', '--to', 'a@example.com', '--bogus'], /Unknown option '--bogus'/, undefined],
  [['simulate', '--direction', 'inbound', '--to', 'a@example.com', '--timeout', 'soon'], /--timeout must be a whole number from 1 to 900, got "soon"/, undefined],
  [['simulate', '--direction', 'inbound', '--to', 'a@example.com', '--respond', 'X'], /--respond must be <logical id or ARN>=<answer.json>, got "X"/, undefined],
  [['frobnicate'], /unknown command "frobnicate"; commands: simulate, endpoints/, undefined],
])('bad arguments: one line and exit 2 (%j)', (args, message, where) => {
  const { status, stderr } = cli(args as string[], where ? tempDir() : ROOT);
  expect(status).toBe(2);
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).toMatch(message as RegExp);
});

test('--app names an unreadable assembly, a recipient is not an address: exit 2 with the simulator\'s line', () => {
  const bad = cli(['simulate', '--app', assembly, '--direction', 'inbound', '--to', 'not-an-address', '--from', 'x@y.example']);
  expect(bad.status).toBe(2);
  expect(bad.stderr).toMatch(/a recipient must be an email address/);
});

test('--help prints the usage and exits 0', () => {
  const { status, stdout } = cli(['simulate', '--help']);
  expect(status).toBe(0);
  expect(stdout).toMatch(/^usage: cdk-workmail-lambda simulate --direction inbound\|outbound --to <address>/);
  expect(cli(['--help']).stdout).toMatch(/simulate +run a message through the email flow rules/);
});
