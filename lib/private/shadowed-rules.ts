/**
 * The synth-time warning `cdk-workmail-lambda:shadowedRule`: a Run Lambda rule that can never run, because another
 * rule of the same organization and direction in the app matches every message it matches, as specifically, with a
 * non-Lambda action (which wins on equal specificity). The decision is `shadowingRule` of `lambda/rules/precedence`,
 * the same rules the mail-flow simulator applies.
 */
import { Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { FlowDirection } from '../../lambda/rules/contract';
import { type MatchableRule, shadowingRule } from '../../lambda/rules/precedence';
import { warn, WARNINGS } from './errors';

interface Registered extends MatchableRule {
  readonly construct: IConstruct;
}

/** The rules of each app by organization and direction (registered as rules are built: no walk of the tree). */
const rulesByApp = new WeakMap<IConstruct, Map<string, Registered[]>>();

/** Registers a rule; a Run Lambda rule also gets a validation that warns when another rule of the app shadows it. */
export function registerForShadowCheck(
  rule: IConstruct, direction: FlowDirection, organizationId: string,
  fields: { readonly name: string; readonly senderPatterns: string[]; readonly destinationPatterns: string[]; readonly actionType: string },
): void {
  // Patterns or an organization known only at deploy time cannot be compared.
  const unresolved = (v: unknown) => Token.isUnresolved(v);
  if (unresolved(organizationId) || unresolved(fields.senderPatterns) || unresolved(fields.destinationPatterns)
    || [...fields.senderPatterns, ...fields.destinationPatterns].some(unresolved)) return;
  const root = rule.node.root;
  let groups = rulesByApp.get(root);
  if (!groups) rulesByApp.set(root, groups = new Map());
  const key = `${organizationId} ${direction}`;
  const group = groups.get(key) ?? [];
  groups.set(key, group);
  const registered: Registered = { construct: rule, ...fields };
  group.push(registered);
  if (fields.actionType !== 'RUN_LAMBDA') return;
  rule.node.addValidation({
    validate: () => {
      const shadow = shadowingRule(registered, group);
      if (shadow) {
        warn(rule, WARNINGS.shadowedRule,
          `the Run Lambda rule ${JSON.stringify(fields.name)} never runs: the ${direction.toLowerCase()} rule ${shadow.construct.node.path} `
          + `(${JSON.stringify(shadow.name)}, ${shadow.actionType}) matches every sender and destination pattern of it, and WorkMail applies `
          + 'the more restrictive non-Lambda action on equal specificity; narrow or remove one of the two rules (docs/simulation.md)');
      }
      return [];
    },
  });
}
