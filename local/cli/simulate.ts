/**
 * `cdk-workmail-lambda simulate`: a message through the email flow rules and functions of a synthesized app,
 * offline (`simulateMailFlow`), printed as a table per recipient, the invocations with their logs, and the
 * assumptions; `--json` prints the `MailFlowSimulation` instead.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { SimulationInputError } from '../simulation/assembly';
import { simulateMailFlow } from '../simulation/simulator';
import type { MailFlowSimulation } from '../simulation/types';
import { type Command, type CommandIO, EXIT, UsageError, integerOption, parsing } from './command';

const USAGE = `usage: cdk-workmail-lambda simulate --direction inbound|outbound --to <address> [--to <address>]...
         [--app <cdk.out | command>] [--eml <message.eml>] [--from <address>] [--sender <address>] [--mail-from <address>]
         [--subject <text>] [--stack <name>] [--organization <m-…>] [--respond <logical id or ARN>=<answer.json>]...
         [--rules <exported.json>] [--timeout <seconds>] [--out <updated.eml>] [--json]

Runs a message through the email flow rules of a synthesized app as WorkMail would: the rules that match each
recipient and the one that wins, each winning Run Lambda function run from its bundled code (Node.js) against
local endpoints holding the message, and its answer applied. Prints what happens to each recipient and why.

  --app           the cloud assembly directory (default: cdk.out), or a command that synthesizes the app
                  (as in cdk.json, e.g. "npx ts-node bin/app.ts"), run first with CDK_OUTDIR set
  --direction     inbound or outbound
  --to            an envelope recipient; repeatable
  --eml           the message (.eml); without it, a minimal message from --from, --sender and --subject
  --from          the From address (default: the message's From header)
  --sender        the Sender address (default: the message's Sender header)
  --mail-from     the envelope sender, SMTP MAIL FROM (default: --from)
  --subject       the subject (default: the message's Subject header)
  --stack         the stack, when several hold email flow rules
  --organization  the organization, when the rules name several
  --respond       a canned answer (a JSON file) for a function that cannot run here; repeatable
  --rules         rules made outside the app, simulated beside its own: the file of
                  cdk-workmail-lambda export --format json (an app rule of the same name takes its place)
  --timeout       seconds WorkMail waits for a synchronous function (default: 15)
  --out           write the message as it is after the run (the updated content) to this file
  --json          print the simulation as JSON

Exit status: 0 when the simulation ran (whatever it found), 2 for bad arguments or an unreadable assembly.`;

export const simulateCommand: Command = {
  summary: 'run a message through the email flow rules and functions of a synthesized app, offline',
  usage: USAGE,
  async run(args: string[], io: CommandIO): Promise<number> {
    const { values } = parsing(() => parseArgs({
      args,
      strict: true,
      options: {
        app: { type: 'string' }, direction: { type: 'string' }, to: { type: 'string', multiple: true }, eml: { type: 'string' },
        from: { type: 'string' }, sender: { type: 'string' }, 'mail-from': { type: 'string' }, subject: { type: 'string' },
        stack: { type: 'string' }, organization: { type: 'string' }, respond: { type: 'string', multiple: true }, rules: { type: 'string' },
        timeout: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' },
      },
    }));
    const direction = values.direction?.toUpperCase();
    if (direction !== 'INBOUND' && direction !== 'OUTBOUND') throw new UsageError(`--direction must be inbound or outbound, got ${JSON.stringify(values.direction ?? null)}`);
    if (!values.to?.length) throw new UsageError('--to is required: name at least one envelope recipient');
    const timeout = integerOption('timeout', values.timeout, 1, 900);
    const responses: Record<string, unknown> = {};
    for (const entry of values.respond ?? []) {
      const eq = entry.indexOf('=');
      if (eq <= 0) throw new UsageError(`--respond must be <logical id or ARN>=<answer.json>, got ${JSON.stringify(entry)}`);
      const file = entry.slice(eq + 1);
      try {
        responses[entry.slice(0, eq)] = JSON.parse(fs.readFileSync(file, 'utf8'));
      } catch (error) {
        throw new UsageError(`--respond ${entry}: ${file} is not a readable JSON file (${(error as Error).message})`);
      }
    }
    const app = values.app ?? 'cdk.out';
    const synthesized = isAssemblyPath(app) ? undefined : synthesize(app);
    try {
      let simulation: MailFlowSimulation;
      try {
        simulation = await simulateMailFlow({
          assembly: synthesized ?? app, stack: values.stack, organizationId: values.organization, direction, recipients: values.to,
          message: values.eml, from: values.from, sender: values.sender, mailFrom: values['mail-from'], subject: values.subject,
          responses, timeout: timeout === undefined ? undefined : timeout * 1000, extraRules: values.rules,
        });
      } catch (error) {
        if (error instanceof SimulationInputError) throw new UsageError(error.message);
        throw error;
      }
      if (values.out) fs.writeFileSync(values.out, simulation.message);
      io.out(values.json ? JSON.stringify({ ...simulation, message: simulation.message.toString('utf8') }, null, 2) : report(simulation, values.out));
      return EXIT.ok;
    } finally {
      if (synthesized) fs.rmSync(synthesized, { recursive: true, force: true });
    }
  },
};

/** Whether `--app` names an assembly directory rather than a command (as the cdk CLI decides). */
function isAssemblyPath(app: string): boolean {
  if (fs.existsSync(app) && fs.statSync(app).isDirectory()) return true;
  // One word that is not a file: a directory that is missing (reported as such), not a command.
  return !/\s/.test(app) && !fs.existsSync(app);
}

/** Runs the app command with CDK_OUTDIR (and the context of ./cdk.json, as the cdk CLI passes it); returns the assembly. */
function synthesize(command: string): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-workmail-simulate-'));
  const context: Record<string, unknown> = {};
  for (const file of ['cdk.json', 'cdk.context.json']) {
    try {
      const json = JSON.parse(fs.readFileSync(file, 'utf8'));
      Object.assign(context, file === 'cdk.json' ? json.context : json);
    } catch {
      // no such file, or not JSON: no context from it
    }
  }
  const result = spawnSync(command, {
    shell: true, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify(context) },
  });
  if (result.status !== 0 || !fs.existsSync(path.join(outdir, 'manifest.json'))) {
    fs.rmSync(outdir, { recursive: true, force: true });
    // The last line that says something (not a stack frame, not Node's version footer).
    const said = `${result.stderr ?? ''}${result.error?.message ?? ''}`.split('\n').map((l) => l.trim())
      .filter((l) => l && !l.startsWith('at ') && !/^Node\.js v\d/.test(l)).pop() ?? '';
    throw new UsageError(`the app command ${JSON.stringify(command)} ${result.status !== 0 ? `failed (exit ${result.status ?? result.signal})` : 'wrote no cloud assembly'}${said ? `: ${said}` : ''}`);
  }
  return outdir;
}

/** The human-readable report. */
export function report(s: MailFlowSimulation, out?: string): string {
  const rows = Object.entries(s.recipients).map(([address, o]) => [
    address, o.action.type + (o.action.bounceMessage ? ` "${o.action.bounceMessage}"` : '') + (o.action.smtpGatewayName ? ` via ${o.action.smtpGatewayName}` : ''),
    o.decidedBy, o.ruleName ?? '-', o.reason,
  ]);
  const lines = [
    `${s.direction.toLowerCase()} message ${s.messageId} through stack ${s.stack} (organization ${s.organizationId})`,
    '',
    ...table(['recipient', 'action', 'decided by', 'rule', 'why'], rows),
  ];
  if (s.invocations.length) {
    lines.push('', 'invocations:');
    for (const i of s.invocations) {
      const what = i.error ? `failed: ${i.error}` : i.canned ? `canned answer ${JSON.stringify(i.response)}` : `answered ${JSON.stringify(i.response)}`;
      lines.push(`  ${i.ruleName} -> ${i.functionId} (${i.synchronous ? 'synchronous' : 'asynchronous'}${i.canned ? '' : i.cold ? ', cold' : ', warm'}, ${i.durationMs} ms): ${what}`);
      for (const p of i.responseProblems ?? []) lines.push(`    ! ${p}`);
      for (const log of i.logs) lines.push(`    ${log.stream} | ${log.text}`);
    }
  }
  const other = Object.entries(s.rules).filter(([, v]) => v.some((r) => r.outcome === 'lost'));
  if (other.length) {
    lines.push('', 'rules that matched but lost:');
    for (const [recipient, verdicts] of other) for (const v of verdicts.filter((r) => r.outcome === 'lost')) lines.push(`  ${recipient}: ${v.ruleName} (${v.actionType}): ${v.reason}`);
  }
  if (s.assumptions.length) {
    lines.push('', 'assumptions (undocumented readings this result depends on):');
    for (const a of s.assumptions) lines.push(`  - [${a.id}] ${a.text}`);
  }
  lines.push('', s.messageUpdated ? `message: updated by a function (${s.message.length} bytes)${out ? `, written to ${out}` : ''}` : `message: unchanged${out ? `, written to ${out}` : ''}`);
  return lines.join('\n');
}

function table(head: string[], rows: string[][]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}
