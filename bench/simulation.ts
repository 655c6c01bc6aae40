/**
 * Mail-flow simulation (docs/simulation.md): rule selection against rules that hold 1,000 sender patterns (the
 * per-organization quota), a cold simulation of one message through the example app from the command line, and 100
 * messages through one warm simulator against the handlers' own time.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { App } from 'aws-cdk-lib';
import { ExampleStack } from '../bin/example-stack';
import { type MatchableRule, RuleMatcher } from '../lambda/rules/precedence';
import { createMailFlowSimulator } from '../local';
import { median, ms, percentile, table } from './stats';

const ROOT = path.join(__dirname, '..');
const MESSAGE = path.join(ROOT, 'bin', 'messages', 'invoice.eml');

export interface SimulationBench {
  selection: { patterns: number; rules: number; recipients: number; perMessageUs: number; p95Us: number; goalUs: number };
  coldCli: { samples: number; medianMs: number; p95Ms: number; goalMs: number; runsMs: number[] };
  warm: { messages: number; perMessageMedianMs: number; perMessageP95Ms: number; handlersMedianMs: number; goalMs: number; functions: number };
}

/** Rules of one organization holding 1,000 sender patterns in all (4 x 250, the per-rule maximum), plus a catch-all Run Lambda rule. */
function quotaRules(): MatchableRule[] {
  const rules: MatchableRule[] = [];
  for (let r = 0; r < 4; r++) {
    rules.push({
      name: `block-${r}`, actionType: r % 2 ? 'BOUNCE' : 'DROP', destinationPatterns: ['*'],
      senderPatterns: Array.from({ length: r === 3 ? 249 : 250 }, (_, i) => (i % 3 === 0 ? `user${r}-${i}@partner${i}.example` : i % 3 === 1 ? `sub${r}${i}.example` : `*.zone${r}${i}.example`)),
    });
  }
  rules.push({ name: 'scan', actionType: 'RUN_LAMBDA', synchronous: true, senderPatterns: ['*'], destinationPatterns: ['*'] });
  return rules;
}

function selection(batches: number): SimulationBench['selection'] {
  const rules = quotaRules();
  const matcher = new RuleMatcher('INBOUND', rules);
  const recipients = ['alice@example.com', 'bob@example.com', 'carol@example.com'];
  const senders = ['nobody@elsewhere.example', 'x@mail.zone0200.example', 'user2-99@partner99.example'];
  const perBatch = 200;
  const samples: number[] = [];
  for (let b = 0; b < batches + 2; b++) {
    const start = performance.now();
    for (let i = 0; i < perBatch; i++) {
      const from = senders[i % senders.length];
      for (const recipient of recipients) matcher.select({ recipient, from, sender: i % 2 ? 'assistant@example.org' : undefined });
    }
    if (b >= 2) samples.push(((performance.now() - start) / perBatch) * 1000);
  }
  return {
    patterns: rules.reduce((n, r) => n + r.senderPatterns.length, 0), rules: rules.length, recipients: recipients.length,
    perMessageUs: median(samples), p95Us: percentile(samples, 95), goalUs: 1000,
  };
}

function exampleAssembly(): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-workmail-bench-sim-'));
  const app = new App({ outdir });
  new ExampleStack(app, 'WorkMailLambdaExample', { organizationId: 'm-0123456789abcdef0123456789abcdef', env: { region: 'us-east-1', account: '123456789012' } });
  app.synth();
  return outdir;
}

function coldCli(assembly: string, samples: number): SimulationBench['coldCli'] {
  const runs: number[] = [];
  const { NODE_OPTIONS: _n, ...env } = process.env;
  for (let i = 0; i < samples + 1; i++) {
    const start = performance.now();
    execFileSync(process.execPath, [path.join(ROOT, 'local', 'cli', 'main.js'), 'simulate', '--app', assembly, '--direction', 'inbound',
      '--to', 'alice@example.com', '--eml', MESSAGE, '--json'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    if (i > 0) runs.push(Math.round(performance.now() - start));
  }
  return { samples, medianMs: median(runs), p95Ms: percentile(runs, 95), goalMs: 2000, runsMs: runs };
}

async function warm(assembly: string, messages: number): Promise<SimulationBench['warm']> {
  const simulator = await createMailFlowSimulator({ assembly });
  try {
    const content = fs.readFileSync(MESSAGE);
    await simulator.simulate({ direction: 'INBOUND', recipients: ['alice@example.com'], message: content }); // starts the processes
    const perMessage: number[] = [];
    const handlers: number[] = [];
    let functions = 0;
    for (let i = 0; i < messages; i++) {
      const start = performance.now();
      const result = await simulator.simulate({ direction: 'INBOUND', recipients: ['alice@example.com'], message: content });
      perMessage.push(performance.now() - start);
      if (result.invocations.some((v) => v.error || v.cold)) throw new Error(`message ${i}: an invocation failed or was cold`);
      handlers.push(result.invocations.reduce((sum, v) => sum + (v.handlerMs ?? 0), 0));
      functions = result.invocations.length;
    }
    const handlersMedianMs = median(handlers);
    return {
      messages, perMessageMedianMs: median(perMessage), perMessageP95Ms: percentile(perMessage, 95), handlersMedianMs,
      goalMs: 3 * handlersMedianMs + 5, functions,
    };
  } finally {
    await simulator.close();
  }
}

export async function simulationBench(quick: boolean): Promise<SimulationBench> {
  const assembly = exampleAssembly();
  try {
    return {
      selection: selection(quick ? 5 : 25),
      coldCli: coldCli(assembly, quick ? 2 : 7),
      warm: await warm(assembly, quick ? 20 : 100),
    };
  } finally {
    fs.rmSync(assembly, { recursive: true, force: true });
  }
}

export function printSimulationBench(r: SimulationBench): string {
  const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
  return [
    table([
      ['measure', 'figure', 'goal'],
      [`rule selection, one message (${r.selection.recipients} recipients) against ${r.selection.rules} rules with ${r.selection.patterns} sender patterns`,
        `${r.selection.perMessageUs.toFixed(1)} µs (p95 ${r.selection.p95Us.toFixed(1)} µs)`, `< 1 ms: ${met(r.selection.perMessageUs < r.selection.goalUs)}`],
      [`cold CLI simulation of one message through the example app (${r.coldCli.samples} fresh processes)`,
        `${ms(r.coldCli.medianMs)} (p95 ${ms(r.coldCli.p95Ms)})`, `< 2 s: ${met(r.coldCli.medianMs < r.coldCli.goalMs)}`],
      [`per message, ${r.warm.messages} messages through one warm simulator (${r.warm.functions} functions each)`,
        `${ms(r.warm.perMessageMedianMs)} (p95 ${ms(r.warm.perMessageP95Ms)})`,
        `< 3 x handlers (${ms(r.warm.handlersMedianMs)}) + 5 ms = ${ms(r.warm.goalMs)}: ${met(r.warm.perMessageMedianMs < r.warm.goalMs)}`],
    ]),
    `cold CLI runs (ms): ${r.coldCli.runsMs.join(', ')}; handlers = the time inside the three handlers of a message (median)`,
  ].join('\n');
}
