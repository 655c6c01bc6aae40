/**
 * Which email flow rule WorkMail applies to a message: pattern matching and precedence, as the WorkMail
 * Administrator Guide ("Managing email flows", "Sender and recipient patterns") documents them. The synth-time
 * warning of the constructs (a Run Lambda rule that can never run) and the mail-flow simulator
 * (`cdk-workmail-lambda/testing`) both decide with this module.
 *
 * What the guide says, and where this module reads it (docs/simulation.md quotes the guide):
 * - Patterns: an address matches that address; a domain all addresses under it; `*.domain` the domain and all
 *   its subdomains; `*` any address.
 * - Inbound: the `Sender` header's address is matched first; `From` when there is no `Sender` or the `Sender`
 *   matches no rule. Outbound: the recipient and either the `Sender` or `From` address. Each recipient on its own.
 * - The most specific rule wins (an address over a domain); on equal specificity the most restrictive action,
 *   in the order the guide lists the actions.
 * Where the guide is silent or contradicts itself, a READING decides; `Selection.readings` names those a
 * result depended on (`READINGS` has their text).
 *
 * Plain TypeScript, no import. Rules are compiled once (`RuleMatcher`), so selecting among rules that hold
 * 1,000 sender patterns is a linear scan of prepared strings.
 */

/** Direction of a rule. */
export type RuleDirection = 'INBOUND' | 'OUTBOUND';

/** What kind of pattern, from least to most specific. */
export type PatternKind = 'any' | 'wildcard' | 'domain' | 'address';

const KIND_RANK: Record<PatternKind, number> = { any: 0, wildcard: 1, domain: 2, address: 3 };

/** How specific a pattern is: its kind, and for a wildcard domain the number of labels after `*.`. */
export interface Specificity {
  readonly kind: PatternKind;
  readonly labels: number;
}

/**
 * Action types from the most to the least restrictive: the order the guide lists them, which it names as the
 * order of precedence. OUTBOUND is a READING (`outbound-action-order`): the guide lists Default first, which
 * would make Default beat Drop; we keep its "most restrictive" rule instead and place Default as the inbound
 * list does, after the actions that stop the message.
 */
export const ACTION_PRECEDENCE: Readonly<Record<RuleDirection, readonly string[]>> = {
  INBOUND: ['DROP', 'BOUNCE', 'MOVE_TO_JUNK', 'DEFAULT', 'BYPASS_SPAM_CHECK', 'RUN_LAMBDA'],
  OUTBOUND: ['DROP', 'BOUNCE', 'DEFAULT', 'ROUTE_TO_SMTP_GATEWAY', 'RUN_LAMBDA'],
};

/** The outbound actions in the order the guide lists them (Default, Drop, Bounce, Route to SMTP gateway, Run Lambda). */
export const OUTBOUND_LISTED_ORDER: readonly string[] = ['DEFAULT', 'DROP', 'BOUNCE', 'ROUTE_TO_SMTP_GATEWAY', 'RUN_LAMBDA'];

/** The undocumented readings a selection may depend on, by id. */
export const READINGS = {
  'sender-specificity-first':
    "A rule's specificity is that of its most specific matching sender pattern; the destination pattern's specificity decides "
    + "only between rules whose sender patterns are equally specific (the guide ranks rules by specificity but does not say how "
    + "sender and destination patterns combine; its Default action says rules with a less specific sender pattern are ignored).",
  'wildcard-depth':
    'Of two wildcard domains, the one with more labels (*.eu.example.com over *.example.com) is the more specific; the guide ranks '
    + 'only an address over a domain.',
  'outbound-action-order':
    'Outbound actions take precedence in the order Drop, Bounce, Default, Route to SMTP gateway, Run Lambda: the guide lists Default '
    + 'first and calls its list the order of precedence, but also says the most restrictive action is applied; read literally, a '
    + 'Default rule would cancel an equally specific Drop or Bounce rule.',
  'run-lambda-ties':
    'Every Run Lambda rule among the equally specific winners runs (synchronous ones one after another in rule-name order, each '
    + "seeing the content the previous one left); each recipient gets the most restrictive of their answers. The guide's "
    + 'precedence does not say what happens when the winning action is Run Lambda in several rules.',
  'async-only-when-winning':
    'An asynchronous Run Lambda rule runs only when Run Lambda is the winning action for the recipient; when a more specific or more '
    + 'restrictive rule wins, it does not run (the guide applies one action per recipient and makes no exception for asynchronous rules).',
  'sender-fallback-per-recipient':
    'The From address is matched when the Sender address matches no rule for that recipient; the guide says "doesn\'t match any rule" '
    + 'without saying whether recipients are judged together.',
  'outbound-sender-or-from':
    'An outbound rule matches when either the Sender or the From address matches a sender pattern, and its specificity is that of the '
    + 'more specific of the two matches.',
  'case-insensitive':
    'Patterns and addresses are compared without regard to case (the guide does not say; mail domains are case-insensitive and WorkMail '
    + 'addresses are delivered without regard to case).',
} as const;

/** The id of an undocumented reading. */
export type ReadingId = keyof typeof READINGS;

/** A rule as the matcher needs it. */
export interface MatchableRule {
  readonly name: string;
  readonly senderPatterns: readonly string[];
  readonly destinationPatterns: readonly string[];
  /** The action type (`DROP`, `RUN_LAMBDA`, ...). */
  readonly actionType: string;
  /** For a Run Lambda rule: whether WorkMail waits for the function. */
  readonly synchronous?: boolean;
}

/** The addresses of one recipient of a message, for matching. */
export interface MatchInput {
  /** The envelope recipient. */
  readonly recipient: string;
  /** The address of the `Sender` header, if any. */
  readonly sender?: string;
  /** The address of the `From` header, if any. */
  readonly from?: string;
}

/** A rule that matched one recipient. */
export interface RuleMatch<R extends MatchableRule> {
  readonly rule: R;
  /** The sender pattern that matched (the most specific one of the rule that did). */
  readonly senderPattern: string;
  /** The header whose address matched it. */
  readonly matchedOn: 'Sender' | 'From';
  readonly destinationPattern: string;
  readonly senderSpecificity: Specificity;
  readonly destinationSpecificity: Specificity;
  /** Whether the match needed the case of the pattern or the address to be ignored. */
  readonly caseFolded: boolean;
}

/** Why a matching rule did not apply. */
export type LossReason = 'less-specific-sender' | 'less-specific-destination' | 'less-restrictive-action';

/** The rules that apply to one recipient, and why the others do not. */
export interface Selection<R extends MatchableRule> {
  /** Every matching rule, the winners first. */
  readonly matches: readonly RuleMatch<R>[];
  /** The rules that apply: one, or every equally specific Run Lambda rule when Run Lambda wins. Empty when none matched. */
  readonly winners: readonly RuleMatch<R>[];
  /** Each matching rule that does not apply, with the reason and the winner it lost to. */
  readonly losers: readonly { readonly match: RuleMatch<R>; readonly reason: LossReason; readonly to: RuleMatch<R> }[];
  /**
   * The undocumented readings this selection depended on (`sender-fallback-per-recipient` is for the caller to add:
   * it shows only across the recipients of a message).
   */
  readonly readings: readonly ReadingId[];
}

interface CompiledPattern {
  readonly text: string;
  readonly lower: string;
  readonly specificity: Specificity;
  /** For `domain`/`wildcard`: the domain, lower case; for `address`: the whole address, lower case. */
  readonly value: string;
}

/** How specific a (valid) pattern is. */
export function patternSpecificity(pattern: string): Specificity {
  if (pattern === '*') return { kind: 'any', labels: 0 };
  if (pattern.includes('@')) return { kind: 'address', labels: 0 };
  if (pattern.startsWith('*.')) return { kind: 'wildcard', labels: pattern.split('.').length - 1 };
  return { kind: 'domain', labels: pattern.split('.').length };
}

/** Positive when `a` is more specific than `b`, negative when less, 0 when equal. */
export function compareSpecificity(a: Specificity, b: Specificity): number {
  return KIND_RANK[a.kind] - KIND_RANK[b.kind] || (a.kind === 'wildcard' ? a.labels - b.labels : 0);
}

function compile(pattern: string): CompiledPattern {
  const lower = pattern.toLowerCase();
  const specificity = patternSpecificity(pattern);
  return { text: pattern, lower, specificity, value: specificity.kind === 'wildcard' ? lower.slice(2) : lower };
}

/** Whether a compiled pattern matches an address (already lower case; `domain` is the part after the last `@`). */
function matchesCompiled(p: CompiledPattern, address: string, domain: string): boolean {
  switch (p.specificity.kind) {
    case 'any': return true;
    case 'address': return address === p.value;
    case 'domain': return domain === p.value;
    case 'wildcard': return domain === p.value || (domain.length > p.value.length && domain.endsWith(p.value) && domain[domain.length - p.value.length - 1] === '.');
  }
}

/** Whether `pattern` (a valid sender or destination pattern) matches `address`, compared without case. */
export function patternMatches(pattern: string, address: string): boolean {
  const lower = address.toLowerCase();
  return matchesCompiled(compile(pattern), lower, lower.slice(lower.lastIndexOf('@') + 1));
}

/** The most specific pattern of `patterns` that matches, or undefined. */
function bestMatch(patterns: readonly CompiledPattern[], address: string | undefined): CompiledPattern | undefined {
  if (address === undefined) return undefined;
  const lower = address.toLowerCase();
  const domain = lower.slice(lower.lastIndexOf('@') + 1);
  let best: CompiledPattern | undefined;
  for (const p of patterns) {
    if ((!best || compareSpecificity(p.specificity, best.specificity) > 0) && matchesCompiled(p, lower, domain)) best = p;
  }
  return best;
}

interface CompiledRule<R> {
  readonly rule: R;
  readonly senders: readonly CompiledPattern[];
  readonly destinations: readonly CompiledPattern[];
}

/** The rules of one organization and direction, compiled once for many selections. */
export class RuleMatcher<R extends MatchableRule> {
  private readonly rules: readonly CompiledRule<R>[];
  private readonly order: readonly string[];

  constructor(public readonly direction: RuleDirection, rules: readonly R[]) {
    this.rules = rules.map((rule) => ({ rule, senders: rule.senderPatterns.map(compile), destinations: rule.destinationPatterns.map(compile) }));
    this.order = ACTION_PRECEDENCE[direction];
  }

  /** The rules that apply to one recipient (see `Selection`). */
  public select(input: MatchInput): Selection<R> {
    const readings = new Set<ReadingId>();
    let matches: RuleMatch<R>[];
    if (this.direction === 'INBOUND') {
      // The Sender first; the From when there is no Sender or it matches no rule (for this recipient: see the reading).
      matches = this.matchOn(input, 'Sender');
      if (matches.length === 0) matches = this.matchOn(input, 'From');
    } else {
      matches = this.matchOutbound(input, readings);
    }
    if (matches.some((m) => m.caseFolded)) readings.add('case-insensitive');
    if (matches.length === 0) return { matches, winners: [], losers: [], readings: [...readings] };

    const rank = (m: RuleMatch<R>) => this.actionRank(m.rule.actionType);
    const compare = (a: RuleMatch<R>, b: RuleMatch<R>) =>
      compareSpecificity(b.senderSpecificity, a.senderSpecificity)
      || compareSpecificity(b.destinationSpecificity, a.destinationSpecificity)
      || rank(a) - rank(b)
      || Number(b.rule.synchronous ?? false) - Number(a.rule.synchronous ?? false)
      || (a.rule.name < b.rule.name ? -1 : a.rule.name > b.rule.name ? 1 : 0);
    matches.sort(compare);
    const top = matches[0];
    const tied = (m: RuleMatch<R>) => compareSpecificity(m.senderSpecificity, top.senderSpecificity) === 0
      && compareSpecificity(m.destinationSpecificity, top.destinationSpecificity) === 0;
    const winners = top.rule.actionType === 'RUN_LAMBDA' ? matches.filter((m) => tied(m) && m.rule.actionType === 'RUN_LAMBDA') : [top];
    if (winners.length > 1) readings.add('run-lambda-ties');

    const losers = matches.filter((m) => !winners.includes(m)).map((match) => {
      const reason: LossReason = compareSpecificity(match.senderSpecificity, top.senderSpecificity) < 0 ? 'less-specific-sender'
        : compareSpecificity(match.destinationSpecificity, top.destinationSpecificity) < 0 ? 'less-specific-destination'
          : 'less-restrictive-action';
      if (reason === 'less-specific-destination') readings.add('sender-specificity-first');
      if (match.rule.actionType === 'RUN_LAMBDA' && match.rule.synchronous === false) readings.add('async-only-when-winning');
      return { match, reason, to: top };
    });
    for (const { match } of losers) {
      const sameKind = match.senderSpecificity.kind === top.senderSpecificity.kind && match.senderSpecificity.kind === 'wildcard'
        && match.senderSpecificity.labels !== top.senderSpecificity.labels;
      const destinationDepth = match.destinationSpecificity.kind === 'wildcard' && top.destinationSpecificity.kind === 'wildcard'
        && match.destinationSpecificity.labels !== top.destinationSpecificity.labels;
      if (sameKind || destinationDepth) readings.add('wildcard-depth');
    }
    if (this.direction === 'OUTBOUND' && losers.some((l) => l.reason === 'less-restrictive-action'
      && OUTBOUND_LISTED_ORDER.indexOf(l.match.rule.actionType) < OUTBOUND_LISTED_ORDER.indexOf(top.rule.actionType))) {
      readings.add('outbound-action-order');
    }
    return { matches, winners, losers, readings: [...readings] };
  }

  private actionRank(type: string): number {
    const index = this.order.indexOf(type);
    return index === -1 ? this.order.length : index;
  }

  private matchOn(input: MatchInput, on: 'Sender' | 'From'): RuleMatch<R>[] {
    const address = on === 'Sender' ? input.sender : input.from;
    const found: RuleMatch<R>[] = [];
    if (address === undefined) return found;
    for (const r of this.rules) {
      const sender = bestMatch(r.senders, address);
      if (!sender) continue;
      const destination = bestMatch(r.destinations, input.recipient);
      if (!destination) continue;
      found.push(this.match(r, sender, on, destination, address, input.recipient));
    }
    return found;
  }

  private matchOutbound(input: MatchInput, readings: Set<ReadingId>): RuleMatch<R>[] {
    const found: RuleMatch<R>[] = [];
    for (const r of this.rules) {
      const destination = bestMatch(r.destinations, input.recipient);
      if (!destination) continue;
      const bySender = bestMatch(r.senders, input.sender);
      const byFrom = bestMatch(r.senders, input.from);
      if (!bySender && !byFrom) continue;
      const useFrom = !bySender || (byFrom !== undefined && compareSpecificity(byFrom.specificity, bySender.specificity) > 0);
      if (useFrom && input.sender !== undefined) readings.add('outbound-sender-or-from');
      const address = useFrom ? input.from! : input.sender!;
      found.push(this.match(r, useFrom ? byFrom! : bySender!, useFrom ? 'From' : 'Sender', destination, address, input.recipient));
    }
    return found;
  }

  private match(r: CompiledRule<R>, sender: CompiledPattern, on: 'Sender' | 'From', destination: CompiledPattern, address: string, recipient: string): RuleMatch<R> {
    const folded = (p: CompiledPattern, a: string) => {
      if (p.specificity.kind === 'address') return a !== p.text;
      const domain = a.slice(a.lastIndexOf('@') + 1);
      return p.specificity.kind !== 'any' && (p.text !== p.lower || domain !== domain.toLowerCase());
    };
    return {
      rule: r.rule,
      senderPattern: sender.text,
      matchedOn: on,
      destinationPattern: destination.text,
      senderSpecificity: sender.specificity,
      destinationSpecificity: destination.specificity,
      caseFolded: folded(sender, address) || folded(destination, recipient),
    };
  }
}

/**
 * The rule that keeps a Run Lambda rule from ever running, or undefined: another rule (of the same organization
 * and direction) with a non-Lambda action whose sender and destination patterns include every pattern of the Run
 * Lambda rule (compared without case). Every message the Run Lambda rule matches, that rule matches as
 * specifically, and a non-Lambda action is more restrictive than Run Lambda in both directions, so the guide's
 * precedence makes the outcome certain. (A rule with more specific patterns matches fewer messages: it cannot
 * shadow a rule whole.)
 */
export function shadowingRule<R extends MatchableRule>(runLambda: R, others: readonly R[]): R | undefined {
  if (runLambda.actionType !== 'RUN_LAMBDA') return undefined;
  const covers = (outer: readonly string[], inner: readonly string[]) => {
    const set = new Set(outer.map((p) => p.toLowerCase()));
    return inner.every((p) => set.has(p.toLowerCase()));
  };
  return others.find((other) => other !== runLambda && other.actionType !== 'RUN_LAMBDA'
    && covers(other.senderPatterns, runLambda.senderPatterns) && covers(other.destinationPatterns, runLambda.destinationPatterns));
}
