/**
 * Stand-ins for what CloudFormation and Lambda do with a synthesized custom resource provider: find its
 * asset in cdk.out, load the bundle through aws-cdk-lib's entry point, resolve the few intrinsics the
 * flow-rule resources use, and capture the response the entry point would PUT to the ResponseURL.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';

export interface Template {
  readonly Resources: Record<string, { Type: string; Properties?: Record<string, any>; Metadata?: Record<string, any> }>;
}

/** The JSON body the entry point PUTs to the ResponseURL, and where it would go. */
export interface CloudFormationResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason: string;
  readonly PhysicalResourceId: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly NoEcho?: boolean;
  readonly Data?: Record<string, string>;
  readonly request: { hostname: string; path: string; method: string };
}

/** The directory in cdk.out of the custom resource provider of `template` (the function whose handler is `__entrypoint__.handler`). */
export function providerAssetDir(assembly: CloudAssembly, stackName: string, template: Template): string {
  const stack = assembly.getStackByName(stackName);
  const providers = Object.entries(template.Resources)
    .filter(([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties?.Handler === '__entrypoint__.handler');
  if (providers.length !== 1) throw new Error(`expected one custom resource provider function, found ${providers.map(([id]) => id).join(', ') || 'none'}`);
  const [, provider] = providers[0];
  const hash = String(provider.Properties!.Code.S3Key).replace(/\.zip$/, '');
  const manifestArtifact = stack.dependencies.find((d) => d.id === `${stack.id}.assets`) as { file?: string } | undefined;
  const manifestFile = manifestArtifact?.file ?? path.join(assembly.directory, `${stack.id}.assets.json`);
  const manifest = JSON.parse(fs.readFileSync(path.isAbsolute(manifestFile) ? manifestFile : path.join(assembly.directory, manifestFile), 'utf8'));
  const source = manifest.files?.[hash]?.source;
  if (!source || source.packaging !== 'zip') throw new Error(`the asset manifest has no zip asset ${hash}`);
  const metadataPath = provider.Metadata?.['aws:asset:path'];
  if (metadataPath !== undefined && metadataPath !== source.path) {
    throw new Error(`aws:asset:path ${metadataPath} and the asset manifest's ${source.path} disagree`);
  }
  return path.join(assembly.directory, source.path);
}

/**
 * Runs events through the provider's entry point in a child Node process (`lambda-runner.js`), with the
 * environment of the moment (so `AWS_ENDPOINT_URL_WORKMAIL` reaches it) and the response PUT captured.
 */
export function providerInvoker(assetDir: string): (event: CloudFormationCustomResourceEvent, context: { remainingMs: number; invokedFunctionArn: string }) => Promise<CloudFormationResponse> {
  return async (event, context) => {
    const child = spawn(process.execPath, [path.join(__dirname, 'lambda-runner.js')], { env: { ...process.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const exited = new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code) => resolve(code));
    });
    child.stdin.end(JSON.stringify({ assetDir, event, ...context }));
    const code = await exited;
    const line = stdout.split('\n').find((l) => l.startsWith('@@RESULT@@'));
    if (code !== 0 || !line) throw new Error(`the provider process exited with ${code}:\n${stdout}\n${stderr}`);
    const { responses } = JSON.parse(line.slice('@@RESULT@@'.length)) as { responses: CloudFormationResponse[] };
    if (responses.length !== 1) throw new Error(`expected one response, got ${responses.length}:\n${stderr}`);
    return responses[0];
  };
}

/** What CloudFormation would pass for the values of a template: intrinsics resolved, scalars as strings. */
export function resolveProperties(value: unknown, where: { account: string; region: string }): any {
  if (Array.isArray(value)) return value.map((v) => resolveProperties(v, where));
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 1 && (entries[0][0] === 'Ref' || entries[0][0].startsWith('Fn::'))) return intrinsic(entries[0][0], entries[0][1], where);
    return Object.fromEntries(entries.map(([k, v]) => [k, resolveProperties(v, where)]));
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return value;
}

function intrinsic(name: string, arg: any, where: { account: string; region: string }): string {
  const pseudo: Record<string, string> = {
    'AWS::AccountId': where.account, 'AWS::Region': where.region, 'AWS::Partition': 'aws', 'AWS::URLSuffix': 'amazonaws.com',
  };
  switch (name) {
    case 'Ref':
      if (pseudo[arg]) return pseudo[arg];
      break;
    case 'Fn::GetAtt':
      // The only attributes the flow-rule resources read are function ARNs.
      if (arg[1] === 'Arn') return `arn:aws:lambda:${where.region}:${where.account}:function:${arg[0]}`;
      break;
    case 'Fn::Join':
      return (resolveProperties(arg[1], where) as string[]).join(arg[0]);
  }
  throw new Error(`the e2e stand-in cannot resolve ${name} ${JSON.stringify(arg)}`);
}
