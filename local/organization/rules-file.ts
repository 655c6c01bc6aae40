/**
 * The rules of an organization as data: what `cdk-workmail-lambda export --format json` writes, and what
 * `simulateMailFlow({ extraRules })` and `simulate --rules FILE` read. Each rule is in the wire shape of the contract
 * (`DescribedFlowRule`: what the service lists), so the simulator reads it as it reads a template's rule.
 */
import * as fs from 'node:fs';
import { organizationIdProblem, show, type DescribedFlowRule } from '../../lambda/rules';

/** The `format` of the file; another one is refused. */
export const FLOW_RULES_FORMAT = 'cdk-workmail-lambda/flow-rules@1';

/** The rules of one organization, as exported. */
export interface FlowRulesExport {
  /** Always `cdk-workmail-lambda/flow-rules@1`. */
  readonly format: string;
  readonly organizationId: string;
  /** The Region of the organization. */
  readonly region: string;
  /** The inbound rules, in the order the service lists them. */
  readonly inbound: readonly DescribedFlowRule[];
  /** The outbound rules, in the order the service lists them. */
  readonly outbound: readonly DescribedFlowRule[];
}

/** The file's content for `rules`. */
export function flowRulesJson(organizationId: string, region: string, inbound: DescribedFlowRule[], outbound: DescribedFlowRule[]): string {
  const data: FlowRulesExport = { format: FLOW_RULES_FORMAT, organizationId, region, inbound, outbound };
  return `${JSON.stringify(data, null, 2)}\n`;
}

/**
 * Exported rules from a file path or an object, checked for their form (each rule's fields are checked by the reader,
 * as the provider would check them). Throws an `Error` that names what is wrong.
 */
export function readFlowRulesExport(source: string | FlowRulesExport): FlowRulesExport {
  let data: unknown = source;
  const what = typeof source === 'string' ? source : 'extraRules';
  if (typeof source === 'string') {
    try {
      data = JSON.parse(fs.readFileSync(source, 'utf8'));
    } catch (error) {
      throw new Error(`${source} is not a readable JSON file of exported rules (${(error as Error).message}); write one with cdk-workmail-lambda export --format json`);
    }
  }
  const d = data as Partial<FlowRulesExport> | null;
  if (!d || typeof d !== 'object' || d.format !== FLOW_RULES_FORMAT) {
    throw new Error(`${what} is not exported rules: its format must be ${JSON.stringify(FLOW_RULES_FORMAT)}, got ${show(d && typeof d === 'object' ? d.format : d, 80)}`);
  }
  const problem = organizationIdProblem(`${what}: organizationId`, d.organizationId as string);
  if (problem) throw new Error(problem);
  for (const key of ['inbound', 'outbound'] as const) {
    const rules = d[key];
    if (!Array.isArray(rules) || rules.some((r) => !r || typeof r !== 'object' || typeof r.Name !== 'string')) {
      throw new Error(`${what}: ${key} must be a list of rules, each with a Name, as cdk-workmail-lambda export writes them`);
    }
  }
  return d as FlowRulesExport;
}
