/**
 * `cdk-workmail-lambda doctor`: checks, in order and with the user's own credentials, what a deploy of this library
 * needs from the service, printing one line per check (and what to do when it fails):
 *
 * 1. credentials and account (STS GetCallerIdentity);
 * 2. the Region is a WorkMail Region;
 * 3. the organization exists and is Active (DescribeOrganization, of the published SDK model);
 * 4. `ListInboundMailFlowRules` and 5. `ListOutboundMailFlowRules` answer, through the provider's own client and
 *    contract, in the shape we assume (the rules counted, their names printed);
 * 6. with `probe`, per direction: one rule that matches no mail that can exist is created, described, updated,
 *    described and deleted (the write half of the contract). It is always deleted, also when the run is interrupted
 *    or times out: the clean-up has its own time (`PROBE.cleanupSeconds`), and a create whose answer never came is
 *    found again by its name.
 *
 * Without `probe` it changes nothing in the organization.
 */
import { randomBytes } from 'node:crypto';
import { CONTRACT_LOCATION, OPERATIONS, WORKMAIL_REGIONS, type DescribedFlowRule, type FlowDirection, type FlowRuleFields } from '../../lambda/rules';
import type { FlowRules, WorkMailService } from '../service/types';
import { type Situation, deadline, explain, workMailRegionProblem } from './service';

/**
 * The probe rule: addresses under `.invalid`, a top-level domain reserved never to exist (RFC 2606, RFC 6761). No
 * organization can have a domain under it (a mail domain must be verified in DNS), so WorkMail never receives mail for
 * the destination and none of the organization's senders is the sender; the action is DEFAULT, what happens with no
 * rule at all.
 */
export const PROBE = {
  namePrefix: 'cdk-workmail-lambda-doctor-',
  domain: 'cdk-workmail-lambda-doctor.invalid',
  description: 'Made by cdk-workmail-lambda doctor --probe to check the API; matches no mail (.invalid addresses); deleted at once',
  /** Time the clean-up has, whatever happened before it. */
  cleanupSeconds: 15,
} as const;

/** The fields of the probe rule (`updated`: as the update changes them). */
export function probeFields(organizationId: string, name: string, updated = false): FlowRuleFields {
  const address = `nobody@${PROBE.domain}`;
  return {
    OrganizationId: organizationId,
    Name: name,
    Description: updated ? `${PROBE.description} (updated)` : PROBE.description,
    SenderPatterns: updated ? [address, `*.${PROBE.domain}`] : [address],
    DestinationPatterns: [address],
    Action: { Type: 'DEFAULT' },
  };
}

/** Whether a listed rule is a probe rule (by its name and its patterns), e.g. one left by a run that was killed. */
export function isProbeRule(rule: DescribedFlowRule): boolean {
  const ours = (patterns: unknown) => Array.isArray(patterns) && patterns.every((p) => typeof p === 'string' && p.endsWith(PROBE.domain));
  return typeof rule.Name === 'string' && rule.Name.startsWith(PROBE.namePrefix) && ours(rule.SenderPatterns) && ours(rule.DestinationPatterns);
}

/** Options of `runDoctor`. */
export interface DoctorOptions {
  readonly organizationId: string;
  readonly region: string;
  readonly probe: boolean;
  readonly service: WorkMailService;
  /** Fires at the time limit or an interruption: the checks stop, the probe's clean-up still runs. */
  readonly signal: AbortSignal;
  /** Prints one line. */
  readonly say: (line: string) => void;
}

type Status = 'ok' | 'FAIL' | 'skip' | 'warn';

/** Runs the checks; resolves to whether everything asked holds. */
export async function runDoctor(o: DoctorOptions): Promise<boolean> {
  let failed = 0;
  let passed = 0;
  let skipped = 0;
  const line = (status: Status, check: string, text: string) => {
    if (status === 'FAIL') failed += 1;
    if (status === 'ok') passed += 1;
    if (status === 'skip') skipped += 1;
    o.say(`${status.padEnd(5)} ${check}: ${text}`);
  };
  const situation: { -readonly [K in keyof Situation]: Situation[K] } = { organizationId: o.organizationId, region: o.region };
  const later = ['region', 'organization', 'inbound rules', 'outbound rules', ...(o.probe ? ['inbound probe', 'outbound probe'] : [])];
  const skipRest = (from: string, why: string) => {
    for (const check of later.slice(later.indexOf(from))) line('skip', check, why);
  };
  const finish = () => {
    const skips = skipped ? `, ${skipped} skipped` : '';
    o.say(failed === 0 ? `all ${passed} checks passed` : `${failed} of ${passed + failed} checks failed${skips}`);
    return failed === 0;
  };

  // The Region is checked even without credentials: it needs no call, and the user fixes both at once.
  const reportRegion = (): boolean => {
    const regionProblem = workMailRegionProblem(o.region);
    if (regionProblem) line('FAIL', 'region', regionProblem);
    else line('ok', 'region', `${o.region} is a WorkMail Region (${WORKMAIL_REGIONS.join(', ')})`);
    return regionProblem === undefined;
  };
  try {
    const identity = await o.service.callerIdentity();
    situation.account = identity.account;
    line('ok', 'credentials', `${identity.arn} (account ${identity.account})`);
  } catch (e) {
    line('FAIL', 'credentials', explain(e, 'GetCallerIdentity', situation));
    reportRegion();
    skipRest('organization', 'needs credentials');
    return finish();
  }

  if (!reportRegion()) {
    skipRest('organization', 'needs a WorkMail Region');
    return finish();
  }

  try {
    const org = await o.service.describeOrganization(o.organizationId);
    const about = [org.alias && `alias ${org.alias}`, org.defaultMailDomain && `default mail domain ${org.defaultMailDomain}`].filter(Boolean).join(', ');
    if (org.state !== 'Active') {
      line('FAIL', 'organization', `${o.organizationId}${about ? ` (${about})` : ''} is ${org.state}, not Active: rules can be made and changed only in an `
        + 'Active organization; wait until it is Active, or use another organization');
      skipRest('inbound rules', 'needs an Active organization');
      return finish();
    }
    line('ok', 'organization', `${o.organizationId}${about ? ` (${about})` : ''} is Active`);
  } catch (e) {
    line('FAIL', 'organization', explain(e, 'DescribeOrganization', situation));
    // Without the permission to describe it, the rules may still be listed; otherwise there is nothing to list.
    if ((e as { name?: string })?.name !== 'AccessDeniedException') {
      skipRest('inbound rules', 'needs the organization');
      return finish();
    }
  }

  const leftovers: { direction: FlowDirection; rule: DescribedFlowRule }[] = [];
  for (const direction of ['INBOUND', 'OUTBOUND'] as const) {
    const operation = OPERATIONS[direction].list;
    const check = `${direction.toLowerCase()} rules`;
    try {
      const rules = await o.service.flowRules.listAll(direction, o.organizationId);
      const names = rules.length ? `: ${rules.map((r) => JSON.stringify(r.Name)).join(', ')}` : '';
      line('ok', check, `${operation} answers in the shape we assume; ${rules.length} rule${rules.length === 1 ? '' : 's'}${names}`);
      for (const rule of rules.filter(isProbeRule)) leftovers.push({ direction, rule });
    } catch (e) {
      line('FAIL', check, explain(e, operation, situation));
    }
  }
  for (const { direction, rule } of leftovers) {
    line('warn', `${direction.toLowerCase()} rules`, `${JSON.stringify(rule.Name)} (${rule.RuleId}) is a probe rule left by an earlier run that was killed; `
      + (o.probe ? 'the probe deletes it' : 'run doctor --probe to delete it'));
  }

  if (!o.probe) {
    o.say('      the write operations (create, describe, update, delete) were not checked: --probe checks them on a rule that matches no mail');
    return finish();
  }
  for (const { direction, rule } of leftovers) {
    const { text } = await cleanUp(o, direction, rule.Name, rule.RuleId);
    o.say(`      ${text}`);
  }
  for (const direction of ['INBOUND', 'OUTBOUND'] as const) {
    if (o.signal.aborted) {
      line('FAIL', `${direction.toLowerCase()} probe`, `not run: ${reason(o.signal)}`);
      continue;
    }
    const outcome = await probe(o, direction, situation);
    line(outcome.ok ? 'ok' : 'FAIL', `${direction.toLowerCase()} probe`, outcome.text);
  }
  return finish();
}

function reason(signal: AbortSignal): string {
  return signal.reason instanceof Error ? signal.reason.message : String(signal.reason ?? 'aborted');
}

/** One probe rule through create, describe, update, describe and delete; the rule is deleted whatever happens. */
async function probe(o: DoctorOptions, direction: FlowDirection, situation: Situation): Promise<{ ok: boolean; text: string }> {
  const ops = OPERATIONS[direction];
  const name = `${PROBE.namePrefix}${randomBytes(4).toString('hex')}`;
  const rules = o.service.flowRules;
  let ruleId: string | undefined;
  let sent = false;
  let step: string = ops.create;
  const done: string[] = [];
  let problem: string | undefined;
  try {
    sent = true;
    ruleId = (await rules.create(direction, { ...probeFields(o.organizationId, name), ClientToken: name })).RuleId;
    done.push(step);
    for (const updated of [false, true]) {
      if (updated) {
        step = ops.update;
        await rules.update(direction, { ...probeFields(o.organizationId, name, true), RuleId: ruleId });
        done.push(step);
      }
      step = ops.describe;
      const described = await rules.describe(direction, { OrganizationId: o.organizationId, RuleId: ruleId });
      const differences = compare(probeFields(o.organizationId, name, updated), ruleId, described);
      if (differences.length) {
        problem = `${step} answered the probe rule ${updated ? 'after the update ' : ''}with other values than were sent: ${differences.join('; ')}; `
          + `the shape is our assumption, kept in ${CONTRACT_LOCATION}: please report this answer to cdk-workmail-lambda`;
        break;
      }
      done.push(updated ? `${step} again` : step);
    }
  } catch (e) {
    problem = o.signal.aborted ? `${step} stopped: ${reason(o.signal)}` : explain(e, step, situation);
  }
  const cleanup = sent ? await cleanUp(o, direction, name, ruleId) : { text: '' };
  if (problem === undefined && cleanup.error === undefined) {
    return { ok: true, text: `${[...done, ops.delete].join(', ')} answer in the shape we assume (probe rule ${name} made and deleted)` };
  }
  const before = done.length ? ` (after ${done.join(', ')})` : '';
  return { ok: false, text: `${problem ?? 'the probe ran'}${before}; ${cleanup.text}` };
}

/**
 * Deletes the probe rule (found by its name when the create's answer never came), with a time of its own; says what
 * became of it.
 */
async function cleanUp(o: DoctorOptions, direction: FlowDirection, name: string, ruleId: string | undefined): Promise<{ text: string; error?: string }> {
  const time = deadline(PROBE.cleanupSeconds);
  const rules: FlowRules = o.service.flowRulesUntil(time.signal);
  const manual = (id: string) => `aws workmail delete-${direction.toLowerCase()}-mail-flow-rule --region ${o.region} --organization-id ${o.organizationId} --rule-id ${id}`;
  try {
    const id = ruleId ?? (await rules.findByName(direction, o.organizationId, name))?.RuleId;
    if (id === undefined) return { text: `no probe rule ${name} was made` };
    try {
      await rules.delete(direction, { OrganizationId: o.organizationId, RuleId: id });
    } catch (e) {
      if ((e as { name?: string })?.name !== 'ResourceNotFoundException') throw e;
    }
    return { text: `the probe rule ${name} (${id}) was deleted` };
  } catch (e) {
    const error = explain(e, OPERATIONS[direction].delete, o);
    const text = `the probe rule ${name} could not be deleted (${error}): delete it with ${manual(ruleId ?? '<its id: aws workmail list-…-mail-flow-rules>')}`;
    return { text, error };
  } finally {
    time.cancel();
  }
}

/** The fields of a Describe answer that differ from what was sent. */
function compare(sent: FlowRuleFields, ruleId: string, described: DescribedFlowRule): string[] {
  const { OrganizationId: _org, ...fields } = sent;
  const expected: Record<string, unknown> = { RuleId: ruleId, ...fields };
  return Object.entries(expected)
    .filter(([key, value]) => JSON.stringify((described as unknown as Record<string, unknown>)[key]) !== JSON.stringify(value))
    .map(([key, value]) => `${key} ${JSON.stringify((described as unknown as Record<string, unknown>)[key])} instead of ${JSON.stringify(value)}`);
}
