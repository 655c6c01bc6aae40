/**
 * The email flow rules and the functions of a synthesized app, read from its cloud assembly (`cdk.out`):
 * every `Custom::WorkMailInboundFlowRule` / `Custom::WorkMailOutboundFlowRule` of every stack (nested assemblies
 * of stages included; hand-written templates too, as long as their properties have the wire shape), and every
 * `AWS::Lambda::Function` with its handler, runtime, timeout, environment and code (the staged asset directory,
 * or inline code).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FlowDirection, FlowRuleAction, FlowRuleFallbackAction, FlowRuleFields } from '../../lambda/rules/contract';
import { flowRuleProblems, splitResourceProperties } from '../../lambda/rules';
import type { MatchableRule } from '../../lambda/rules/precedence';
import { type ResolveContext, resolve } from './template';

/** A bad input of the simulation: what to fix is in the message. */
export class SimulationInputError extends Error {
  public readonly name = 'SimulationInputError';
}

/** The CloudFormation types of the rules. */
export const RULE_TYPES: Readonly<Record<string, FlowDirection>> = {
  'Custom::WorkMailInboundFlowRule': 'INBOUND',
  'Custom::WorkMailOutboundFlowRule': 'OUTBOUND',
};

/** A stack of the assembly. */
export interface AssemblyStack {
  /** The stack name (or the display name, `Stage/Stack`, in a nested assembly). */
  readonly name: string;
  /** The artifact id. */
  readonly id: string;
  /** The directory of its assembly (asset paths are relative to it). */
  readonly dir: string;
  readonly template: Template;
  readonly region?: string;
  readonly account?: string;
}

interface Template {
  readonly Resources?: Record<string, { Type?: string; Properties?: Record<string, any>; Metadata?: Record<string, unknown> }>;
  readonly Parameters?: Record<string, { Type?: string; Default?: unknown }>;
}

/** An email flow rule as the simulator runs it. */
export interface SimulatedRule extends MatchableRule {
  readonly direction: FlowDirection;
  readonly organizationId: string;
  readonly description?: string;
  readonly action: FlowRuleFallbackAction;
  /** Run Lambda only: the function, by logical id in the same template, or by ARN when the template does not hold it. */
  readonly lambda?: {
    readonly logicalId?: string;
    readonly arn?: string;
    readonly fallback: FlowRuleFallbackAction;
    readonly ruleTimeoutMinutes?: number;
  };
  readonly stack: string;
  readonly logicalId: string;
}

/** A Lambda function of the template. */
export interface SimulatedFunction {
  readonly logicalId: string;
  readonly name: string;
  readonly arn: string;
  readonly runtime: string;
  readonly handler: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  /** The raw `Environment.Variables` (values may be intrinsic functions). */
  readonly environment: Record<string, unknown>;
  /** The code: a directory, inline source, or why it cannot be had. */
  readonly code: { readonly dir: string } | { readonly inline: string } | { readonly unavailable: string };
}

/** The stacks of the cloud assembly in `dir`. */
export function readAssembly(dir: string): AssemblyStack[] {
  const manifestFile = path.join(dir, 'manifest.json');
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new SimulationInputError(`no cloud assembly at ${dir}: the directory does not exist; synthesize first (npx cdk synth) or name the app command`);
  }
  if (!fs.existsSync(manifestFile)) {
    throw new SimulationInputError(`${dir} is not a synthesized cloud assembly (no manifest.json); run npx cdk synth, or pass the cdk.out it writes`);
  }
  let manifest: { artifacts?: Record<string, { type?: string; environment?: string; properties?: Record<string, any>; displayName?: string }> };
  try {
    manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
  } catch (error) {
    throw new SimulationInputError(`${manifestFile} is not readable JSON (${(error as Error).message}); synthesize again`);
  }
  const stacks: AssemblyStack[] = [];
  for (const [id, artifact] of Object.entries(manifest.artifacts ?? {})) {
    if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName) {
      stacks.push(...readAssembly(path.join(dir, artifact.properties.directoryName)));
    }
    if (artifact.type !== 'aws:cloudformation:stack' || !artifact.properties?.templateFile) continue;
    const file = path.join(dir, artifact.properties.templateFile);
    let template: Template;
    try {
      template = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (error) {
      throw new SimulationInputError(`the template of stack ${id} (${file}) is not readable JSON: ${(error as Error).message}`);
    }
    const env = /^aws:\/\/([^/]+)\/(.+)$/.exec(artifact.environment ?? '');
    const known = (v: string | undefined) => (v && !v.startsWith('unknown-') ? v : undefined);
    stacks.push({
      name: artifact.properties.stackName ?? artifact.displayName ?? id, id, dir, template,
      account: known(env?.[1]), region: known(env?.[2]),
    });
  }
  return stacks;
}

/** Whether a stack holds email flow rules. */
export function holdsRules(stack: AssemblyStack): boolean {
  return Object.values(stack.template.Resources ?? {}).some((r) => r.Type !== undefined && r.Type in RULE_TYPES);
}

/** The resolution context of a stack, with the pseudo parameters of `env`. */
export function resolveContext(stack: AssemblyStack, env: { region: string; account: string }, standIn?: ResolveContext['standIn']): ResolveContext {
  return {
    resources: stack.template.Resources ?? {},
    parameters: stack.template.Parameters ?? {},
    pseudo: { 'AWS::Region': env.region, 'AWS::AccountId': env.account, 'AWS::Partition': 'aws', 'AWS::StackName': stack.name, 'AWS::URLSuffix': 'amazonaws.com' },
    standIn,
  };
}

/** The functions of a stack, by logical id. */
export function readFunctions(stack: AssemblyStack, env: { region: string; account: string }): Map<string, SimulatedFunction> {
  const functions = new Map<string, SimulatedFunction>();
  const ctx = resolveContext(stack, env);
  for (const [logicalId, resource] of Object.entries(stack.template.Resources ?? {})) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const props = resource.Properties ?? {};
    const name = resolve(props.FunctionName, ctx);
    const functionName = name.ok && typeof name.value === 'string' ? name.value : logicalId;
    functions.set(logicalId, {
      logicalId,
      name: functionName,
      arn: `arn:aws:lambda:${env.region}:${env.account}:function:${functionName}`,
      runtime: typeof props.Runtime === 'string' ? props.Runtime : 'unknown (no Runtime: a container image?)',
      handler: typeof props.Handler === 'string' ? props.Handler : 'index.handler',
      timeoutSeconds: typeof props.Timeout === 'number' ? props.Timeout : 3,
      memoryMb: typeof props.MemorySize === 'number' ? props.MemorySize : 128,
      environment: props.Environment?.Variables ?? {},
      code: functionCode(stack, props, resource.Metadata ?? {}),
    });
  }
  return functions;
}

function functionCode(stack: AssemblyStack, props: Record<string, any>, metadata: Record<string, unknown>): SimulatedFunction['code'] {
  const code = props.Code ?? {};
  if (typeof code.ZipFile === 'string') return { inline: code.ZipFile };
  if (code.ImageUri !== undefined) return { unavailable: 'the function is a container image' };
  const assetPath = typeof metadata['aws:asset:path'] === 'string' ? metadata['aws:asset:path'] : undefined;
  // Without asset metadata the staged directory is still named after the hash in the S3 key.
  const key = typeof code.S3Key === 'string' ? /^([0-9a-f]{64})\.zip$/.exec(code.S3Key)?.[1] : undefined;
  const candidates = [assetPath, key ? `asset.${key}` : undefined].filter((p): p is string => p !== undefined).map((p) => path.resolve(stack.dir, p));
  const dir = candidates.find((p) => fs.existsSync(p) && fs.statSync(p).isDirectory());
  if (dir) return { dir };
  const zip = candidates.find((p) => fs.existsSync(p) || fs.existsSync(`${p}.zip`));
  if (zip) return { unavailable: `its code asset ${path.basename(zip)} is a zip file, which the simulator does not unpack` };
  return { unavailable: `its code is not in the assembly (${candidates.length ? `no ${candidates.map((c) => path.basename(c)).join(' or ')}` : 'no asset path or S3 key'})` };
}

/** The email flow rules of a stack, checked as the provider checks them at deploy time. */
export function readRules(stack: AssemblyStack, env: { region: string; account: string }): SimulatedRule[] {
  const ctx = resolveContext(stack, env, (id, attribute) => {
    // A reference to a function of the template: kept symbolic, matched to the function below.
    const type = stack.template.Resources?.[id]?.Type;
    return type === 'AWS::Lambda::Function' && (attribute === undefined || attribute === 'Arn') ? `function-ref:${id}` : undefined;
  });
  const rules: SimulatedRule[] = [];
  for (const [logicalId, resource] of Object.entries(stack.template.Resources ?? {})) {
    const direction = resource.Type ? RULE_TYPES[resource.Type] : undefined;
    if (!direction) continue;
    const where = `the ${direction.toLowerCase()} rule ${logicalId} of stack ${stack.name}`;
    const { fields: raw, problems: propertyProblems } = splitResourceProperties(resource.Properties ?? {});
    if (propertyProblems.length) throw new SimulationInputError(`${where} would be refused at deploy time: ${propertyProblems.join('; ')}`);
    const resolved = resolve(raw, ctx);
    if (!resolved.ok) throw new SimulationInputError(`${where} cannot be read before deployment: ${resolved.why}`);
    rules.push(simulatedRule(direction, resolved.value as FlowRuleFields, env, where, { stack: stack.name, logicalId }));
  }
  return rules;
}

/**
 * A rule in its wire form (a template's properties, or a rule the service listed) as the simulator runs it, checked
 * as the provider checks it at deploy time. A Run Lambda function ARN of the form `function-ref:<logicalId>` names a
 * function of the template.
 */
export function simulatedRule(
  direction: FlowDirection, fields: FlowRuleFields, env: { region: string; account: string }, where: string,
  origin: { stack: string; logicalId: string },
): SimulatedRule {
  const arn = fields.Action?.Lambda?.FunctionArn;
  const functionRef = typeof arn === 'string' && arn.startsWith('function-ref:') ? arn.slice('function-ref:'.length) : undefined;
  // The provider's own check, with a stand-in ARN for a function of the template.
  const checked = functionRef ? withArn(fields, `arn:aws:lambda:${env.region}:${env.account}:function:${functionRef.slice(0, 64)}`) : fields;
  const problems = flowRuleProblems(direction, checked, env);
  if (problems.length) throw new SimulationInputError(`${where} would be refused at deploy time: ${problems.join('; ')}`);
  const action = fields.Action;
  return {
    name: fields.Name,
    direction,
    organizationId: fields.OrganizationId,
    description: fields.Description,
    senderPatterns: fields.SenderPatterns,
    destinationPatterns: fields.DestinationPatterns,
    actionType: action.Type,
    synchronous: action.Lambda ? action.Lambda.InvocationType === 'SYNC' : undefined,
    action: { Type: action.Type, BounceMessage: action.BounceMessage, SmtpGatewayName: action.SmtpGatewayName },
    lambda: action.Lambda ? {
      logicalId: functionRef,
      arn: functionRef ? undefined : action.Lambda.FunctionArn,
      // A synchronous rule without a fallback gets DEFAULT (as the constructs give it); an asynchronous one has none.
      fallback: action.Lambda.FallbackAction ?? { Type: 'DEFAULT' },
      ruleTimeoutMinutes: action.Lambda.RuleTimeoutInMinutes,
    } : undefined,
    ...origin,
  };
}

function withArn(fields: FlowRuleFields, arn: string): FlowRuleFields {
  const action: FlowRuleAction = { ...fields.Action, Lambda: { ...fields.Action.Lambda!, FunctionArn: arn } };
  return { ...fields, Action: action };
}
