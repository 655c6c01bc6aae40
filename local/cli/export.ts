/**
 * `cdk-workmail-lambda export --organization m-… [--region …] [--format ts|json] [--out FILE] [--timeout <seconds>]`:
 * lists every inbound and outbound rule of an organization (all pages) and writes them as a TypeScript module that
 * recreates them with this library (local/organization/rules-module.ts) or as data for the simulator
 * (local/organization/rules-file.ts). The module goes to --out or stdout; the summary to stdout with --out, else stderr.
 */
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { OPERATIONS, type DescribedFlowRule } from '../../lambda/rules';
import { flowRulesJson } from '../organization/rules-file';
import { rulesModule } from '../organization/rules-module';
import {
  ArgumentError, type Connect, TIMES, checkServiceTarget, connectBundled, deadline, explain,
} from '../organization/service';
import { type Command, type CommandIO, EXIT, UsageError, parsing, usageOf } from './command';

const USAGE = `usage: cdk-workmail-lambda export --organization <m-…> [--region <region>] [--format ts|json] [--out <file>]
                                 [--timeout <seconds>]

Lists every inbound and outbound email flow rule of the organization, with your AWS credentials, and writes them:
  ts    a TypeScript module exporting the construct ExportedFlowRules (props { organization }) that recreates them
        with cdk-workmail-lambda: the same names, descriptions, patterns and actions, functions imported by ARN, and
        adoptExisting: true, so that deploying it takes the rules over in place. A rule this library cannot express
        is written as a comment that says why, and counted.
  json  the rules as data, for simulateMailFlow({ extraRules }) and cdk-workmail-lambda simulate --rules <file>

  --organization  the WorkMail organization id (m- and 32 hexadecimal digits)
  --region        its Region: us-east-1, us-west-2 or eu-west-1 (default: AWS_REGION)
  --format        ts (default) or json
  --out           the file to write (default: standard output)
  --timeout       give up after this many seconds in all (default: ${TIMES.defaultTimeoutSeconds}); each attempt gets ${TIMES.requestTimeoutMs / 1000} s
                  (${TIMES.connectionTimeoutMs / 1000} s to connect), ${TIMES.maxAttempts} attempts

IAM actions used: workmail:ListInboundMailFlowRules, workmail:ListOutboundMailFlowRules.

Exit status: 0 when the rules were written, 1 when the service could not list them, 2 for bad arguments.`;

/** The export command; `connect` reaches the service (the bundled SDK client unless a test says otherwise). */
export function exportCommand(connect: Connect = connectBundled): Command {
  return {
    summary: 'write the email flow rules of an organization as code (TypeScript, adoptExisting) or data (JSON)',
    usage: USAGE,
    async run(args: string[], io: CommandIO): Promise<number> {
      const { values } = parsing(() => parseArgs({
        args, strict: true,
        options: { organization: { type: 'string' }, region: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' }, timeout: { type: 'string' } },
      }));
      const { organizationId, region, seconds } = usageOf(() => checkServiceTarget(values, true), ArgumentError);
      const format = values.format ?? 'ts';
      if (format !== 'ts' && format !== 'json') throw new UsageError(`--format must be ts or json, got ${JSON.stringify(format)}`);
      if (values.out !== undefined && (values.out === '' || (fs.existsSync(values.out) && fs.statSync(values.out).isDirectory()))) {
        throw new UsageError(`--out must name a file to write, got ${JSON.stringify(values.out)}`);
      }

      const time = deadline(seconds);
      const service = connect({
        region, abortSignal: time.signal, maxAttempts: TIMES.maxAttempts,
        connectionTimeoutMs: TIMES.connectionTimeoutMs, requestTimeoutMs: TIMES.requestTimeoutMs,
      });
      const rules: Record<'INBOUND' | 'OUTBOUND', DescribedFlowRule[]> = { INBOUND: [], OUTBOUND: [] };
      try {
        for (const direction of ['INBOUND', 'OUTBOUND'] as const) {
          try {
            rules[direction] = await service.flowRules.listAll(direction, organizationId);
          } catch (error) {
            io.err(`cdk-workmail-lambda export: ${OPERATIONS[direction].list} failed (gave up after at most ${seconds} s): ${explain(error, OPERATIONS[direction].list, { organizationId, region })}`);
            return EXIT.failed;
          }
        }
      } finally {
        time.cancel();
        service.close();
      }

      const module = format === 'ts' ? rulesModule(organizationId, region, rules.INBOUND, rules.OUTBOUND) : undefined;
      const text = module?.code ?? flowRulesJson(organizationId, region, rules.INBOUND, rules.OUTBOUND);
      if (values.out !== undefined) {
        try {
          fs.writeFileSync(values.out, text);
        } catch (error) {
          throw new UsageError(`--out ${values.out} cannot be written: ${(error as Error).message}`);
        }
      } else {
        io.out(text.replace(/\n$/, ''));
      }
      const say = values.out !== undefined ? io.out : io.err;
      const count = (n: number, what: string) => `${n} ${what} rule${n === 1 ? '' : 's'}`;
      say(`exported ${count(rules.INBOUND.length, 'inbound')} and ${count(rules.OUTBOUND.length, 'outbound')} of ${organizationId} (${region})`
        + ` as ${format === 'ts' ? 'TypeScript' : 'JSON'}${values.out !== undefined ? ` to ${values.out}` : ''}`
        + (module ? `: ${module.written} as code, ${module.commented.length} as a comment` : ''));
      for (const c of module?.commented ?? []) say(`  not as code: the ${c.direction.toLowerCase()} rule ${JSON.stringify(c.name)}: ${c.why}`);
      return EXIT.ok;
    },
  };
}
