/**
 * The rules of an organization as a TypeScript module that recreates them with this library: a construct class
 * `ExportedFlowRules` (props `{ organization }`) with one `InboundFlowRule` / `OutboundFlowRule` per rule, the same
 * names, descriptions, patterns and actions, functions imported by ARN, and `adoptExisting: true`, so that deploying it
 * takes the rules over in place. It synthesizes to rules equal, field by field, to the rules listed.
 *
 * A rule the library cannot express exactly (an action type it has no factory for, a value its checks refuse, a
 * synchronous Run Lambda action without a fallback action or rule timeout, which the library always sends) is written
 * as a comment that says why, with the code that comes closest, and counted in `commented`. Every string is written as
 * a literal that compiles whatever it holds; construct ids are made of the names' letters and digits.
 */
import {
  ACTION_TYPES, fallbackActionTypes, flowRuleProblems, parseFunctionArn,
  type DescribedFlowRule, type FlowDirection, type FlowRuleAction, type FlowRuleFallbackAction,
} from '../../lambda/rules';

/** A rule written as a comment, and why. */
export interface CommentedRule {
  readonly direction: FlowDirection;
  readonly name: string;
  readonly why: string;
}

/** The module and what it holds. */
export interface RulesModule {
  readonly code: string;
  /** Rules written as code. */
  readonly written: number;
  /** Rules written as comments. */
  readonly commented: CommentedRule[];
}

/** A string literal that compiles whatever the string holds (JSON, with the two line separators JSON leaves raw escaped). */
function literal(value: string): string {
  return JSON.stringify(value).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Text for a `//` comment: on one line, whatever it holds. */
function comment(text: string): string {
  return text.replace(/[\r\n\u2028\u2029]+/g, ' ');
}

/** Letters and digits of `name`, as PascalCase. */
function pascal(name: string): string {
  return name.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1)).join('');
}

/** Unique identifiers from names. */
class Ids {
  private readonly used = new Set<string>();
  public take(prefix: string, name: string): string {
    const base = `${prefix}${pascal(name).slice(0, 60)}`;
    let id = base;
    for (let n = 2; this.used.has(id); n++) id = `${base}${n}`;
    this.used.add(id);
    return id;
  }
}

interface Imports {
  duration: boolean;
  lambda: boolean;
  inboundAction: boolean;
  outboundAction: boolean;
}

/** The module for the rules of `organizationId` in `region`. */
export function rulesModule(organizationId: string, region: string, inbound: DescribedFlowRule[], outbound: DescribedFlowRule[]): RulesModule {
  const imports: Imports = { duration: false, lambda: false, inboundAction: false, outboundAction: false };
  const constructIds = new Ids();
  const functionIds = new Ids();
  const functions = new Map<string, { variable: string; id: string }>();
  const functionFor = (arn: string) => {
    let fn = functions.get(arn);
    if (!fn) {
      const id = functionIds.take('Function', parseFunctionArn(arn)?.functionName ?? 'Imported');
      fn = { variable: id[0].toLowerCase() + id.slice(1), id };
      functions.set(arn, fn);
    }
    imports.lambda = true;
    return fn.variable;
  };

  const body: string[] = [];
  const commented: CommentedRule[] = [];
  let written = 0;
  for (const [direction, rules] of [['INBOUND', inbound], ['OUTBOUND', outbound]] as const) {
    const prefix = direction === 'INBOUND' ? 'Inbound' : 'Outbound';
    for (const rule of rules) {
      const why = inexpressible(direction, organizationId, region, rule);
      const id = constructIds.take(prefix, rule.Name);
      // A commented statement names its function inline and adds no import: nothing unused is left in the code.
      const inline = (arn: string) => `lambda.Function.fromFunctionArn(this, ${literal(functionIds.take('Function', parseFunctionArn(arn)?.functionName ?? 'Imported'))}, ${literal(arn)})`;
      const statement = why === undefined ? ruleStatement(direction, prefix, rule, id, imports, functionFor)
        : why.closest ? ruleStatement(direction, prefix, rule, id, { ...imports }, inline) : undefined;
      if (why === undefined) {
        body.push(...statement!.map((l) => `    ${l}`), '');
        written += 1;
        continue;
      }
      commented.push({ direction, name: rule.Name, why: why.text });
      body.push(`    // Not written as code: the ${direction.toLowerCase()} rule ${comment(literal(rule.Name))} (${comment(rule.RuleId)}): ${comment(why.text)}.`);
      if (statement) body.push('    // The closest this library comes, to uncomment once reviewed:', ...statement.map((l) => `    // ${comment(l)}`));
      body.push('');
    }
  }

  const fnLines = [...functions].map(([arn, fn]) => `    const ${fn.variable} = lambda.Function.fromFunctionArn(this, ${literal(fn.id)}, ${literal(arn)});`);
  const count = (n: number, what: string) => `${n} ${what} rule${n === 1 ? '' : 's'}`;
  const summary = `${count(inbound.length, 'inbound')} and ${count(outbound.length, 'outbound')}`
    + (commented.length ? `; ${commented.length} written as a comment, which this library cannot express (see below)` : '');
  const actions = [imports.inboundAction && 'InboundAction', 'InboundFlowRule', imports.outboundAction && 'OutboundAction', 'OutboundFlowRule'].filter(Boolean);
  const code = [
    `// Written by \`cdk-workmail-lambda export\` from the WorkMail organization ${organizationId} in ${region}: ${summary}.`,
    '// Review it, then deploy it in a stack of that account and Region: every rule has adoptExisting: true, so the deploy takes',
    '// the existing rules over in place, with no moment without them (docs/existing-organizations.md in cdk-workmail-lambda).',
    ...(imports.duration ? ["import { Duration } from 'aws-cdk-lib';"] : []),
    ...(imports.lambda ? ["import * as lambda from 'aws-cdk-lib/aws-lambda';"] : []),
    "import { Construct } from 'constructs';",
    `import { ${actions.join(', ')} } from 'cdk-workmail-lambda';`,
    "import type { IWorkMailOrganization } from 'cdk-workmail-lambda';",
    '',
    '/** The organization and Region the rules were exported from. */',
    `export const EXPORTED_FROM = { organizationId: ${literal(organizationId)}, region: ${literal(region)} } as const;`,
    '',
    '/** Properties of `ExportedFlowRules`. */',
    'export interface ExportedFlowRulesProps {',
    '  /** The organization the rules belong to (the one they were exported from). */',
    '  readonly organization: IWorkMailOrganization;',
    '}',
    '',
    `/** The email flow rules of ${organizationId}, as exported. */`,
    'export class ExportedFlowRules extends Construct {',
    '  /** The organization the rules belong to. */',
    '  public readonly organization: IWorkMailOrganization;',
    '  /** The inbound rules, by name. */',
    '  public readonly inbound: { readonly [name: string]: InboundFlowRule };',
    '  /** The outbound rules, by name. */',
    '  public readonly outbound: { readonly [name: string]: OutboundFlowRule };',
    '',
    '  constructor(scope: Construct, id: string, props: ExportedFlowRulesProps) {',
    '    super(scope, id);',
    '    this.organization = props.organization;',
    '    const inbound: { [name: string]: InboundFlowRule } = {};',
    '    const outbound: { [name: string]: OutboundFlowRule } = {};',
    ...fnLines,
    ...(fnLines.length ? [''] : []),
    ...body,
    '    this.inbound = inbound;',
    '    this.outbound = outbound;',
    '  }',
    '}',
    '',
  ].join('\n');
  return { code, written, commented };
}

/** Why the library cannot express `rule` exactly (and whether it can come close), or undefined. */
function inexpressible(direction: FlowDirection, organizationId: string, region: string, rule: DescribedFlowRule): { text: string; closest: boolean } | undefined {
  const action = rule.Action;
  if (!action || !(ACTION_TYPES[direction] as readonly string[]).includes(action.Type)) {
    return { text: `its action ${comment(JSON.stringify(action?.Type))} has no ${direction === 'INBOUND' ? 'InboundAction' : 'OutboundAction'} factory`, closest: false };
  }
  const fallback = action.Lambda?.FallbackAction;
  if (fallback && !fallbackActionTypes(direction).includes(fallback.Type)) {
    return { text: `its fallback action ${comment(JSON.stringify(fallback.Type))} has no factory`, closest: false };
  }
  const problems = flowRuleProblems(direction, { ...rule, OrganizationId: organizationId }, { region });
  if (problems.length) return { text: `this library refuses it: ${problems.join('; ')}`, closest: false };
  if (action.Lambda?.InvocationType === 'SYNC') {
    const missing = [action.Lambda.FallbackAction === undefined && 'fallback action', action.Lambda.RuleTimeoutInMinutes === undefined && 'rule timeout'].filter(Boolean);
    if (missing.length) {
      return { text: `its synchronous Run Lambda action has no ${missing.join(' and no ')}, which this library always sends (its defaults: DEFAULT, 30 minutes)`, closest: true };
    }
  }
  return undefined;
}

/** The statement that makes the rule. */
function ruleStatement(
  direction: FlowDirection, prefix: string, rule: DescribedFlowRule, id: string, imports: Imports, functionFor: (arn: string) => string,
): string[] {
  const target = direction === 'INBOUND' ? 'inbound' : 'outbound';
  return [
    `${target}[${literal(rule.Name)}] = new ${prefix}FlowRule(this, ${literal(id)}, {`,
    '  organization: this.organization,',
    `  ruleName: ${literal(rule.Name)},`,
    ...(rule.Description !== undefined ? [`  description: ${literal(rule.Description)},`] : []),
    `  senderPatterns: [${rule.SenderPatterns.map(literal).join(', ')}],`,
    `  destinationPatterns: [${rule.DestinationPatterns.map(literal).join(', ')}],`,
    `  action: ${actionCode(direction, prefix, rule.Action, imports, functionFor)},`,
    '  adoptExisting: true,',
    '});',
  ];
}

function actionCode(direction: FlowDirection, prefix: string, action: FlowRuleAction | FlowRuleFallbackAction, imports: Imports, functionFor: (arn: string) => string): string {
  const factory = `${prefix}Action`;
  if (direction === 'INBOUND') imports.inboundAction = true;
  else imports.outboundAction = true;
  switch (action.Type) {
    case 'BOUNCE':
      return `${factory}.bounce(${literal(action.BounceMessage ?? '')})`;
    case 'ROUTE_TO_SMTP_GATEWAY':
      return `${factory}.routeToSmtpGateway(${literal(action.SmtpGatewayName ?? '')})`;
    case 'RUN_LAMBDA': {
      const l = (action as FlowRuleAction).Lambda!;
      const fn = functionFor(l.FunctionArn);
      if (l.InvocationType !== 'SYNC') return `${factory}.runLambda(${fn})`;
      const options = ['synchronous: true'];
      options.push(`fallbackAction: ${actionCode(direction, prefix, l.FallbackAction ?? { Type: 'DEFAULT' }, imports, functionFor)}`);
      imports.duration = true;
      options.push(`ruleTimeout: Duration.minutes(${l.RuleTimeoutInMinutes ?? 30})`);
      return `${factory}.runLambda(${fn}, { ${options.join(', ')} })`;
    }
    default:
      return `${factory}.${action.Type}`;
  }
}
