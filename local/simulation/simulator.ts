/**
 * `createMailFlowSimulator()` and `simulateMailFlow()`: what WorkMail would do with a message, offline, from a
 * synthesized app. In WorkMail's documented order: the rules of the assembly, the matching rules per recipient and
 * the winner (`lambda/rules/precedence`), each winning Run Lambda rule's function run from its bundled code in a
 * process of its own against the local endpoints holding the message, and its answer applied as WorkMail applies it.
 * docs/simulation.md has the rules with the documentation quoted and our readings marked.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { emailAddressProblem, WORKMAIL_REGIONS } from '../../lambda/rules';
import { ACTION_PRECEDENCE, READINGS, type ReadingId, RuleMatcher, type Selection } from '../../lambda/rules/precedence';
import { type LocalWorkMail, startLocalWorkMail } from '../endpoints/local-workmail';
import { readFlowRulesExport } from '../organization/rules-file';
import {
  type AssemblyStack, type SimulatedFunction, type SimulatedRule, SimulationInputError, holdsRules, readAssembly, readFunctions, readRules, simulatedRule,
} from './assembly';
import { functionEnvironment, modulePath, standIns } from './environment';
import { FunctionPool } from './functions';
import { minimalMessage, readHeaders } from './message';
import { type FunctionRunner, ruleAction, runRule } from './run-lambda';
import type {
  MailFlowSimulation, MailFlowSimulator, MailFlowSimulatorOptions, RecipientOutcome, RuleVerdict, SimulateMailFlowOptions,
  SimulateMessageOptions, SimulatedInvocation, SimulationAssumption,
} from './types';

/** WorkMail's wait for a synchronous invocation, in milliseconds. */
export const DEFAULT_TIMEOUT_MS = 15_000;

/** Readings of the simulator itself (those of matching and precedence are in `READINGS`). */
export const SIMULATION_READINGS = {
  'one-attempt': 'A failed synchronous invocation is tried once. WorkMail retries it with exponential backoff until the rule timeout '
    + 'and then applies the fallback action: a function that fails only sometimes may still answer in WorkMail.',
  'event-recipients': 'The event of a Run Lambda rule lists the recipients that rule won; the guide says the event lists the recipients '
    + 'of the SMTP conversation, not what happens when other rules win some of them.',
} as const;

const ASSUMPTION_TEXT: Record<string, string> = { ...READINGS, ...SIMULATION_READINGS };

/** Starts a simulator over the rules and functions of a synthesized app. `close()` it when done. */
export async function createMailFlowSimulator(options: MailFlowSimulatorOptions): Promise<MailFlowSimulator> {
  if (!options || typeof options.assembly !== 'string' || options.assembly === '') {
    throw new SimulationInputError('assembly must be the path of a synthesized cloud assembly (the cdk.out directory)');
  }
  const timeout = options.timeout ?? DEFAULT_TIMEOUT_MS;
  if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout <= 0 || timeout > 900_000) {
    throw new SimulationInputError(`timeout must be a number of milliseconds from 1 to 900000, got ${String(timeout)}`);
  }
  const assembly = path.resolve(options.assembly);
  const stacks = readAssembly(assembly);
  const extra = extraRulesOf(options);
  const stack = chooseStack(assembly, stacks, options.stack, extra !== undefined);
  const env = {
    region: stack.region && WORKMAIL_REGIONS.includes(stack.region) ? stack.region : 'us-east-1',
    account: stack.account ?? '123456789012',
  };
  const appRules = readRules(stack, env);
  const allRules = [...appRules, ...(extra ? exportedRules(extra, appRules, env) : [])];
  const organizations = [...new Set(allRules.map((r) => r.organizationId))];
  const organizationId = options.organizationId ?? (organizations.length === 1 ? organizations[0] : undefined);
  if (organizationId === undefined) {
    throw new SimulationInputError(`the rules of stack ${stack.name} name several organizations (${organizations.join(', ')}); choose one with organizationId`);
  }
  if (!organizations.includes(organizationId)) {
    throw new SimulationInputError(`no rule of stack ${stack.name} is for organization ${organizationId}; the rules name ${organizations.join(', ')}`);
  }
  const rules = allRules.filter((r) => r.organizationId === organizationId);
  const functions = readFunctions(stack, env);
  const { standIn, buckets } = standIns(stack, env);
  const local = await startLocalWorkMail({ region: env.region, account: env.account, organizations: [organizationId] });
  return new Simulator(options, timeout, stack.name, stack, env, organizationId, rules, functions, standIn, buckets, local);
}

/** The stack to simulate: the one named, or the one that holds rules (any one stack, with exported rules beside it). */
function chooseStack(assembly: string, stacks: AssemblyStack[], name: string | undefined, extraRules: boolean): AssemblyStack {
  const withRules = stacks.filter(holdsRules);
  const names = stacks.map((s) => s.name).join(', ') || 'none';
  if (name !== undefined) {
    const named = stacks.find((s) => s.name === name || s.id === name);
    if (!named) throw new SimulationInputError(`no stack ${JSON.stringify(name)} in ${assembly}; stacks: ${names}`);
    if (!holdsRules(named) && !extraRules) throw new SimulationInputError(`stack ${named.name} has no email flow rules (Custom::WorkMailInboundFlowRule or Custom::WorkMailOutboundFlowRule)`);
    return named;
  }
  if (withRules.length === 1) return withRules[0];
  if (withRules.length > 1) throw new SimulationInputError(`several stacks hold email flow rules (${withRules.map((s) => s.name).join(', ')}); choose one with stack`);
  if (extraRules && stacks.length === 1) return stacks[0];
  throw new SimulationInputError(extraRules
    ? `no stack of ${assembly} has email flow rules, and it has ${stacks.length === 0 ? 'no stack' : 'several'} to simulate the exported rules in (${names}); choose one with stack`
    : `no stack of ${assembly} has email flow rules (Custom::WorkMailInboundFlowRule or Custom::WorkMailOutboundFlowRule); stacks: ${names}`);
}

function extraRulesOf(options: MailFlowSimulatorOptions): ReturnType<typeof readFlowRulesExport> | undefined {
  if (options.extraRules === undefined) return undefined;
  try {
    return readFlowRulesExport(options.extraRules);
  } catch (error) {
    throw new SimulationInputError(`extraRules: ${(error as Error).message}`);
  }
}

/**
 * The exported rules as the simulator runs them, checked as the provider would check them; an app rule of the same
 * name and direction takes an exported rule's place (as a deploy with adoptExisting does).
 */
function exportedRules(extra: ReturnType<typeof readFlowRulesExport>, appRules: SimulatedRule[], env: { region: string; account: string }): SimulatedRule[] {
  const taken = new Set(appRules.map((r) => `${r.organizationId} ${r.direction} ${r.name}`));
  const rules: SimulatedRule[] = [];
  for (const direction of ['INBOUND', 'OUTBOUND'] as const) {
    for (const rule of direction === 'INBOUND' ? extra.inbound : extra.outbound) {
      if (taken.has(`${extra.organizationId} ${direction} ${rule.Name}`)) continue;
      const where = `the exported ${direction.toLowerCase()} rule ${JSON.stringify(rule.Name)} of ${extra.organizationId}`;
      rules.push(simulatedRule(direction, { ...rule, OrganizationId: extra.organizationId }, env, where,
        { stack: `exported rules of ${extra.organizationId}`, logicalId: rule.RuleId }));
    }
  }
  return rules;
}

/** Simulates one message (a simulator started and closed around it). */
export async function simulateMailFlow(options: SimulateMailFlowOptions): Promise<MailFlowSimulation> {
  const simulator = await createMailFlowSimulator(options);
  try {
    return await simulator.simulate(options);
  } finally {
    await simulator.close();
  }
}

class Simulator implements MailFlowSimulator {
  private readonly pool = new FunctionPool();
  private readonly matchers: Record<'INBOUND' | 'OUTBOUND', RuleMatcher<SimulatedRule>>;
  private readonly nodePath: string;
  private closed = false;

  constructor(
    private readonly options: MailFlowSimulatorOptions, private readonly timeout: number, private readonly stackName: string,
    private readonly stack: Parameters<typeof readRules>[0], private readonly env: { region: string; account: string },
    private readonly organizationId: string, rules: SimulatedRule[], private readonly functions: Map<string, SimulatedFunction>,
    private readonly standIn: (logicalId: string, attribute?: string) => string | undefined, buckets: Set<string>,
    private readonly local: LocalWorkMail,
  ) {
    this.matchers = {
      INBOUND: new RuleMatcher('INBOUND', rules.filter((r) => r.direction === 'INBOUND')),
      OUTBOUND: new RuleMatcher('OUTBOUND', rules.filter((r) => r.direction === 'OUTBOUND')),
    };
    // Resolving every function's environment now creates the buckets its references stand in for.
    for (const fn of functions.values()) functionEnvironment(fn, '', stack, env, standIn, {}, '');
    for (const bucket of buckets) local.addBucket(bucket);
    this.nodePath = modulePath([path.resolve(options.assembly), path.join(__dirname, '..', '..')]);
  }

  public get pids(): number[] {
    return this.pool.pids;
  }

  public get endpoints(): LocalWorkMail['endpoints'] {
    return this.local.endpoints;
  }

  public async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.close();
    await this.local.close();
  }

  public async simulate(input: SimulateMessageOptions): Promise<MailFlowSimulation> {
    if (this.closed) throw new SimulationInputError('the simulator is closed');
    const message = this.checkMessage(input);
    const messageId = await this.local.addMessage(message.content);
    const readings = new Set<ReadingId | keyof typeof SIMULATION_READINGS>();
    const selections = new Map<string, Selection<SimulatedRule>>();
    for (const recipient of input.recipients) {
      const selection = this.matchers[input.direction].select({ recipient, sender: message.sender, from: message.from });
      selection.readings.forEach((r) => readings.add(r));
      selections.set(recipient, selection);
    }
    const matchedOn = new Set([...selections.values()].flatMap((s) => s.winners.map((w) => w.matchedOn)));
    if (input.direction === 'INBOUND' && message.sender !== undefined && matchedOn.size > 1) readings.add('sender-fallback-per-recipient');

    // Run Lambda winners: the recipients each rule won; synchronous rules first, in name order.
    const groups = new Map<SimulatedRule, string[]>();
    for (const [recipient, selection] of selections) {
      for (const w of selection.winners) if (w.rule.actionType === 'RUN_LAMBDA') groups.set(w.rule, [...(groups.get(w.rule) ?? []), recipient]);
    }
    if ([...groups.values()].some((g) => g.length < input.recipients.length)) readings.add('event-recipients');
    const ordered = [...groups.keys()].sort((a, b) => Number(b.synchronous) - Number(a.synchronous) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const invocations: SimulatedInvocation[] = [];
    const decided = new Map<string, RecipientOutcome[]>();
    for (const rule of ordered) {
      const run = await this.runRule(rule, groups.get(rule)!, { ...message, direction: input.direction, messageId });
      invocations.push(run.invocation);
      if (run.failed && rule.synchronous) readings.add('one-attempt');
      for (const [address, outcome] of run.outcomes) {
        const key = [...decided.keys()].find((k) => k.toLowerCase() === address.toLowerCase()) ?? address;
        decided.set(key, [...(decided.get(key) ?? []), outcome]);
      }
    }

    const recipients: Record<string, RecipientOutcome> = {};
    const rules: Record<string, RuleVerdict[]> = {};
    for (const [recipient, selection] of selections) {
      rules[recipient] = verdicts(selection);
      recipients[recipient] = this.outcome(input.direction, selection, decided.get(recipient));
    }
    for (const [address, outcomes] of decided) if (!(address in recipients)) recipients[address] = mostRestrictive(input.direction, outcomes);
    const content = await this.local.getMessage(messageId);
    return {
      direction: input.direction, organizationId: this.organizationId, stack: this.stackName, messageId, recipients, rules, invocations,
      message: content, messageUpdated: !content.equals(message.content),
      assumptions: [...readings].map((id): SimulationAssumption => ({ id, text: ASSUMPTION_TEXT[id] })),
    };
  }

  private outcome(direction: 'INBOUND' | 'OUTBOUND', selection: Selection<SimulatedRule>, fromFunctions: RecipientOutcome[] | undefined): RecipientOutcome {
    const usual = direction === 'INBOUND' ? 'delivered' : 'sent';
    if (selection.winners.length === 0) return { action: { type: 'DEFAULT' }, decidedBy: 'none', reason: `no rule matches; ${usual} as usual` };
    const top = selection.winners[0];
    if (top.rule.actionType !== 'RUN_LAMBDA') {
      return {
        action: ruleAction(top.rule.action), ruleName: top.rule.name, decidedBy: 'rule',
        reason: `${top.rule.name} is the most specific matching rule (sender pattern ${top.senderPattern} on ${top.matchedOn}, destination ${top.destinationPattern})`
          + (selection.losers.some((l) => l.reason === 'less-restrictive-action') ? ', and the most restrictive of the equally specific ones' : ''),
      };
    }
    if (fromFunctions?.length) return mostRestrictive(direction, fromFunctions);
    return {
      action: { type: 'DEFAULT' }, ruleName: top.rule.name, decidedBy: 'rule',
      reason: `the asynchronous Run Lambda rule ${top.rule.name} runs its function while the message is ${usual} as usual`,
    };
  }

  private runRule(rule: SimulatedRule, recipients: string[], message: Parameters<typeof runRule>[3]) {
    const ref = rule.lambda!;
    // By logical id in the template; an exported rule names its function by ARN, which may be one of the app's.
    const fn = ref.logicalId ? this.functions.get(ref.logicalId) : [...this.functions.values()].find((f) => f.arn === ref.arn);
    const functionId = ref.logicalId ?? ref.arn!;
    const responses = this.options.responses ?? {};
    const key = [functionId, fn?.arn, ref.arn].find((k) => k !== undefined && Object.prototype.hasOwnProperty.call(responses, k));
    const canned = key !== undefined ? { has: true, value: responses[key] } : { has: false };
    const run: FunctionRunner = async (event) => {
      const hint = `give it an answer in responses (--respond ${functionId}=answer.json)`;
      if (!fn) return { cannotRun: `the function ${functionId} is not in stack ${this.stackName} (an imported function); ${hint}` };
      if (!fn.runtime.startsWith('nodejs')) return { cannotRun: `the function ${functionId} runs ${fn.runtime}; the simulator runs Node.js functions only; ${hint}` };
      if ('unavailable' in fn.code) return { cannotRun: `the function ${functionId} cannot run here: ${fn.code.unavailable}; ${hint}` };
      const dir = 'dir' in fn.code ? fn.code.dir : this.pool.inlineDir(fn.code.inline);
      const { env, problems } = functionEnvironment(fn, dir, this.stack, this.env, this.standIn, this.local.env, this.nodePath);
      if (problems.length) return { cannotRun: `the environment of ${functionId} cannot be set up before deployment (${problems.join('; ')}); ${hint}` };
      const limit = Math.min(fn.timeoutSeconds * 1000, this.timeout);
      return this.pool.invoke(functionId, { dir, handler: fn.handler, env, name: fn.name, arn: fn.arn, memoryMb: fn.memoryMb }, event, limit);
    };
    return runRule(rule, functionId, recipients, message, run, canned);
  }

  private checkMessage(input: SimulateMessageOptions): { content: Buffer; from: string; sender?: string; mailFrom: string; subject: string } {
    if (!input || (input.direction !== 'INBOUND' && input.direction !== 'OUTBOUND')) {
      throw new SimulationInputError(`direction must be 'INBOUND' or 'OUTBOUND', got ${JSON.stringify(input?.direction)}`);
    }
    if (!Array.isArray(input.recipients) || input.recipients.length === 0) throw new SimulationInputError('recipients must list at least one envelope recipient address');
    const seen = new Set<string>();
    for (const r of input.recipients) {
      const problem = emailAddressProblem('a recipient', r);
      if (problem) throw new SimulationInputError(problem);
      if (seen.has(r.toLowerCase())) throw new SimulationInputError(`the recipient ${r} is listed twice; an envelope names each recipient once`);
      seen.add(r.toLowerCase());
    }
    let content: Buffer | undefined;
    let what = 'the message';
    if (typeof input.message === 'string') {
      what = input.message;
      try {
        content = fs.readFileSync(input.message);
      } catch (error) {
        throw new SimulationInputError(`cannot read the message ${input.message}: ${(error as Error).message}`);
      }
    } else if (Buffer.isBuffer(input.message)) {
      content = input.message;
    } else if (input.message !== undefined) {
      throw new SimulationInputError('message must be a Buffer with the .eml content or the path of an .eml file');
    }
    let headers = {};
    try {
      if (content) headers = readHeaders(content, what);
    } catch (error) {
      throw new SimulationInputError((error as Error).message);
    }
    const h = headers as ReturnType<typeof readHeaders>;
    const from = input.from ?? h.from;
    if (from === undefined) throw new SimulationInputError(`${content ? `${what} has no From header with an address` : 'there is no message'}; pass from`);
    const sender = input.sender ?? h.sender;
    const mailFrom = input.mailFrom ?? from;
    for (const [name, value] of [['from', from], ['sender', sender], ['mailFrom', mailFrom]] as const) {
      const problem = value === undefined || (name === 'mailFrom' && value === '') ? undefined : emailAddressProblem(name, value);
      if (problem) throw new SimulationInputError(problem);
    }
    const subject = input.subject ?? h.subject ?? '';
    content ??= minimalMessage({ from, sender, to: input.recipients, subject });
    return { content, from, sender, mailFrom, subject };
  }
}

function verdicts(selection: Selection<SimulatedRule>): RuleVerdict[] {
  const base = (m: Selection<SimulatedRule>['matches'][number]) => ({
    ruleName: m.rule.name, stack: m.rule.stack, logicalId: m.rule.logicalId, actionType: m.rule.actionType,
    ...(m.rule.synchronous !== undefined ? { synchronous: m.rule.synchronous } : {}),
    senderPattern: m.senderPattern, matchedOn: m.matchedOn, destinationPattern: m.destinationPattern,
  });
  const won = selection.winners.map((m) => ({
    ...base(m), outcome: 'won' as const,
    reason: selection.winners.length > 1 ? 'one of the equally specific Run Lambda rules, which all run' : 'the most specific matching rule, and the most restrictive of those as specific',
  }));
  const why = { 'less-specific-sender': 'a less specific sender pattern than', 'less-specific-destination': 'a less specific destination pattern than', 'less-restrictive-action': 'a less restrictive action than' };
  const lost = selection.losers.map((l) => ({ ...base(l.match), outcome: 'lost' as const, reason: `${why[l.reason]} ${l.to.rule.name}` }));
  return [...won, ...lost];
}

function mostRestrictive(direction: 'INBOUND' | 'OUTBOUND', outcomes: RecipientOutcome[]): RecipientOutcome {
  const order = ACTION_PRECEDENCE[direction];
  const rank = (o: RecipientOutcome) => (order.includes(o.action.type) ? order.indexOf(o.action.type) : order.length);
  const best = outcomes.reduce((a, b) => (rank(b) < rank(a) ? b : a));
  return outcomes.length > 1 ? { ...best, reason: `${best.reason}; the most restrictive of the answers of ${outcomes.map((o) => o.ruleName).join(', ')}` } : best;
}
