/**
 * The environment a function runs with in a simulation: its template's variables, with references to resources of
 * the app replaced by local stand-ins (a bucket's name becomes a bucket of the local S3 endpoint), Lambda's own
 * variables, the local endpoints' variables, and a module path on which the AWS SDK resolves as Lambda's Node.js
 * runtimes provide it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type AssemblyStack, type SimulatedFunction, resolveContext } from './assembly';
import { resolve } from './template';

/** The local stand-in of a resource referenced by a function's environment, and the buckets to create for them. */
export function standIns(stack: AssemblyStack, env: { region: string; account: string }): {
  standIn: (logicalId: string, attribute?: string) => string | undefined;
  buckets: Set<string>;
} {
  const buckets = new Set<string>();
  const resources = stack.template.Resources ?? {};
  const standIn = (logicalId: string, attribute?: string): string | undefined => {
    const resource = resources[logicalId];
    if (!resource) return undefined;
    if (resource.Type === 'AWS::S3::Bucket') {
      const given = resource.Properties?.BucketName;
      const name = typeof given === 'string' && /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(given)
        ? given : `local-${logicalId.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`.slice(0, 63).replace(/-+$/, '');
      buckets.add(name);
      if (attribute === undefined) return name;
      if (attribute === 'Arn') return `arn:aws:s3:::${name}`;
      if (attribute === 'DomainName' || attribute === 'RegionalDomainName') return `${name}.s3.${env.region}.amazonaws.com`;
    }
    if (attribute === 'Arn') return `arn:aws:local:${env.region}:${env.account}:${logicalId}`;
    return attribute === undefined ? `local-${logicalId}` : `local-${logicalId}-${attribute}`;
  };
  return { standIn, buckets };
}

/** The `node_modules` directories above `dirs`: where a bundle's external packages (the AWS SDK) are found. */
export function modulePath(dirs: readonly string[]): string {
  const found: string[] = [];
  for (const start of dirs) {
    for (let d = path.resolve(start); ; d = path.dirname(d)) {
      const candidate = path.join(d, 'node_modules');
      if (!found.includes(candidate) && fs.existsSync(candidate)) found.push(candidate);
      if (path.dirname(d) === d) break;
    }
  }
  return found.join(path.delimiter);
}

/** The environment of a function's process. */
export function functionEnvironment(
  fn: SimulatedFunction, codeDir: string, stack: AssemblyStack, env: { region: string; account: string },
  standIn: (logicalId: string, attribute?: string) => string | undefined, local: Readonly<Record<string, string>>, nodePath: string,
): { env: Record<string, string>; problems: string[] } {
  const ctx = resolveContext(stack, env, standIn);
  const vars: Record<string, string> = {};
  const problems: string[] = [];
  for (const [name, value] of Object.entries(fn.environment)) {
    const r = resolve(value, ctx);
    if (r.ok) vars[name] = typeof r.value === 'string' ? r.value : JSON.stringify(r.value);
    else problems.push(`${name}: ${r.why}`);
  }
  return {
    problems,
    env: {
      ...vars,
      PATH: process.env.PATH ?? '',
      ...(process.env.SYSTEMROOT ? { SYSTEMROOT: process.env.SYSTEMROOT } : {}),
      NODE_PATH: nodePath,
      AWS_LAMBDA_FUNCTION_NAME: fn.name,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
      AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
      LAMBDA_TASK_ROOT: codeDir,
      // Lambda runs a newer Node.js than the oldest this package supports: no SDK warning about the local one.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...local,
    },
  };
}
