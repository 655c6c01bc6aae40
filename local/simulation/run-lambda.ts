/**
 * One Run Lambda rule applied to the recipients it won: the event as WorkMail builds it, the function run (or its
 * canned answer), and for a synchronous rule the action of each recipient as WorkMail applies the answer
 * (`resolveDispositions` of the runtime, with the rule's fallback action for a failure, an invalid answer, and
 * recipients the answer leaves out).
 */
import type { FlowRuleFallbackAction } from '../../lambda/rules/contract';
import { runtime } from '../private/runtime';
import type { SimulatedRule } from './assembly';
import type { InvocationOutcome } from './functions';
import { buildEvent } from './message';
import type { RecipientOutcome, SimulatedAction, SimulatedInvocation } from './types';

/** How the function of a rule is run: an outcome, or why it cannot run here. */
export type FunctionRunner = (event: Record<string, unknown>) => Promise<InvocationOutcome | { readonly cannotRun: string }>;

/** The invocation and, for a synchronous rule, each recipient's outcome (recipients the answer added included). */
export interface RuleRun {
  readonly invocation: SimulatedInvocation;
  readonly outcomes: Map<string, RecipientOutcome>;
  /** Whether the function failed or answered something WorkMail would not take whole. */
  readonly failed: boolean;
}

/** The action of a rule (or a fallback) in the simulation's form. */
export function ruleAction(action: FlowRuleFallbackAction): SimulatedAction {
  return {
    type: action.Type,
    ...(action.BounceMessage !== undefined ? { bounceMessage: action.BounceMessage } : {}),
    ...(action.SmtpGatewayName !== undefined ? { smtpGatewayName: action.SmtpGatewayName } : {}),
  };
}

/** Runs `rule` for `recipients` (in the order given). */
export async function runRule(
  rule: SimulatedRule, functionId: string, recipients: readonly string[],
  message: { direction: 'INBOUND' | 'OUTBOUND'; mailFrom: string; sender?: string; subject: string; messageId: string },
  run: FunctionRunner, canned: { has: boolean; value?: unknown },
): Promise<RuleRun> {
  const synchronous = rule.synchronous === true;
  const event = buildEvent({ ...message, recipients });
  let outcome: InvocationOutcome | { readonly cannotRun: string };
  if (canned.has) {
    outcome = canned.value instanceof Error
      ? { error: { name: canned.value.name, message: canned.value.message }, logs: [], durationMs: 0, cold: false }
      : { response: canned.value, logs: [], durationMs: 0, cold: false };
  } else {
    outcome = await run(event);
  }
  const cannotRun = 'cannotRun' in outcome ? outcome.cannotRun : undefined;
  const done = 'cannotRun' in outcome ? undefined : outcome;
  const error = cannotRun ?? (done?.error ? `${done.error.name}: ${done.error.message}` : undefined);
  const invocation = (responseProblems?: readonly string[]): SimulatedInvocation => ({
    ruleName: rule.name, functionId, synchronous, event,
    ...(done && !done.error ? { response: done.response } : {}),
    ...(error ? { error } : {}),
    ...(responseProblems?.length ? { responseProblems } : {}),
    canned: canned.has, cold: done?.cold ?? false, durationMs: done?.durationMs ?? 0,
    ...(done?.handlerMs !== undefined ? { handlerMs: Math.round(done.handlerMs * 1000) / 1000 } : {}), logs: done?.logs ?? [],
  });
  const outcomes = new Map<string, RecipientOutcome>();
  if (!synchronous) return { invocation: invocation(), outcomes, failed: error !== undefined };

  const fallback = ruleAction(rule.lambda!.fallback);
  const fallbackOutcome = (why: string): RecipientOutcome => ({ action: fallback, ruleName: rule.name, decidedBy: 'fallback', reason: why });
  const { checkResponse, resolveDispositions } = runtime();
  const response = done && !done.error ? done.response : undefined;
  const check = error === undefined ? checkResponse(response, message.direction) : undefined;
  const problems = check?.problems.map((p) => p.message);
  if (error !== undefined || !check?.entries) {
    const why = error !== undefined
      ? `the function failed (${error}); WorkMail applies the fallback action of ${rule.name} to every recipient`
      : `the answer is not one WorkMail takes (${problems!.join('; ')}); WorkMail applies the fallback action of ${rule.name} to every recipient`;
    for (const r of recipients) outcomes.set(r, fallbackOutcome(why));
    return { invocation: invocation(problems), outcomes, failed: true };
  }
  // The runtime decides the actions (DEFAULT stands in for a fallback it does not model, e.g. Route to SMTP gateway).
  const modelled = ['DEFAULT', 'DROP', 'BOUNCE', 'MOVE_TO_JUNK', 'BYPASS_SPAM_CHECK'].includes(fallback.type);
  const dispositions = resolveDispositions(event as any, response, {
    fallbackAction: modelled ? { type: fallback.type as any, ...(fallback.bounceMessage ? { parameters: { bounceMessage: fallback.bounceMessage } } : {}) } : { type: 'DEFAULT' },
    direction: message.direction,
  });
  const byAddress = new Map(Object.entries(dispositions).map(([address, action]) => [address.toLowerCase(), action]));
  const all = check.entries.find((e) => e.allRecipients);
  const named = new Map<string, { applied: boolean; address: string }>();
  for (const entry of check.entries) for (const address of entry.recipients) named.set(address.toLowerCase(), { applied: entry.applied, address });
  const decide = (address: string): RecipientOutcome => {
    const entry = named.get(address.toLowerCase());
    const covered = entry ? entry.applied : all?.applied === true;
    if (!covered) {
      return fallbackOutcome(entry
        ? 'the answer names the recipient in an action past the tenth unique one; WorkMail applies the fallback action'
        : all ? 'the answer\'s allRecipients action is past the tenth unique one; WorkMail applies the fallback action'
          : 'the answer leaves the recipient out and has no allRecipients action; WorkMail applies the fallback action');
    }
    const action = byAddress.get(address.toLowerCase()) ?? (all ? all.action : undefined);
    const simulated: SimulatedAction = action
      ? { type: action.type, ...(action.parameters?.bounceMessage !== undefined ? { bounceMessage: action.parameters.bounceMessage } : {}) }
      : fallback;
    return {
      action: simulated, ruleName: rule.name, decidedBy: 'function',
      reason: entry ? `the function's answer names the recipient (${simulated.type})` : `the function's answer applies ${simulated.type} to all recipients`,
    };
  };
  for (const r of recipients) outcomes.set(r, decide(r));
  // Recipients the answer adds (WorkMail adds them to the message, as BCC for inbound mail).
  for (const { address } of named.values()) if (![...outcomes.keys()].some((k) => k.toLowerCase() === address.toLowerCase())) outcomes.set(address, decide(address));
  return { invocation: invocation(problems), outcomes, failed: (problems?.length ?? 0) > 0 };
}
