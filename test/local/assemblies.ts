/**
 * Cloud assemblies for the simulator's tests: the example app synthesized (bin/example-stack.ts), and hand-written
 * ones (a manifest, a template, asset directories) as a user without this library's constructs would have them.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { ExampleStack } from '../../bin/example-stack';

export const ORG = 'm-0123456789abcdef0123456789abcdef';
export const OTHER_ORG = 'm-fedcba9876543210fedcba9876543210';
export const MESSAGES = path.join(__dirname, '..', '..', 'bin', 'messages');

const made: string[] = [];

/** A temporary directory removed by `removeAssemblies()`. */
export function tempDir(prefix = 'cdk-workmail-sim-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function removeAssemblies(): void {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** The example app (bin/) synthesized into a temporary cdk.out. */
export function exampleAssembly(): string {
  const outdir = tempDir();
  const app = new App({ outdir });
  new ExampleStack(app, 'WorkMailLambdaExample', { organizationId: ORG, env: { region: 'us-east-1', account: '123456789012' } });
  app.synth();
  return outdir;
}

/** A rule resource in the wire shape (what the constructs write). */
export function ruleResource(direction: 'INBOUND' | 'OUTBOUND', props: {
  name: string; senders?: string[]; destinations?: string[]; action: Record<string, unknown>; organizationId?: unknown;
}): Record<string, unknown> {
  return {
    Type: direction === 'INBOUND' ? 'Custom::WorkMailInboundFlowRule' : 'Custom::WorkMailOutboundFlowRule',
    Properties: {
      ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:provider',
      OrganizationId: props.organizationId ?? ORG,
      Name: props.name,
      SenderPatterns: props.senders ?? ['*'],
      DestinationPatterns: props.destinations ?? ['*'],
      Action: props.action,
    },
  };
}

/** A synchronous (or asynchronous) Run Lambda action on a function of the template. */
export function runLambda(logicalId: string, options: { synchronous?: boolean; fallback?: Record<string, unknown> } = {}): Record<string, unknown> {
  const synchronous = options.synchronous ?? true;
  return {
    Type: 'RUN_LAMBDA',
    Lambda: {
      FunctionArn: { 'Fn::GetAtt': [logicalId, 'Arn'] },
      InvocationType: synchronous ? 'SYNC' : 'ASYNC',
      ...(synchronous ? { FallbackAction: options.fallback ?? { Type: 'DEFAULT' }, RuleTimeoutInMinutes: 30 } : {}),
    },
  };
}

/** A Node.js function whose code is `source` (index.js of a staged asset directory named after `logicalId`). */
export function functionResource(logicalId: string, options: { timeout?: number; runtime?: string; environment?: Record<string, unknown> } = {}): Record<string, unknown> {
  return {
    Type: 'AWS::Lambda::Function',
    Properties: {
      Code: { S3Bucket: 'assets', S3Key: `${hash(logicalId)}.zip` },
      Handler: 'index.handler',
      Runtime: options.runtime ?? 'nodejs24.x',
      Timeout: options.timeout ?? 15,
      ...(options.environment ? { Environment: { Variables: options.environment } } : {}),
    },
    Metadata: { 'aws:asset:path': `asset.${hash(logicalId)}`, 'aws:asset:property': 'Code' },
  };
}

function hash(id: string): string {
  return Buffer.from(id).toString('hex').padEnd(64, '0').slice(0, 64);
}

/**
 * A hand-written cloud assembly: one stack (or several) with `resources`, and for each entry of `code` the asset
 * directory of that function holding `index.js`.
 */
export function handWrittenAssembly(stacks: Record<string, { resources: Record<string, unknown>; parameters?: Record<string, unknown> }>, code: Record<string, string> = {}): string {
  const dir = tempDir();
  const artifacts: Record<string, unknown> = {};
  for (const [name, { resources, parameters }] of Object.entries(stacks)) {
    fs.writeFileSync(path.join(dir, `${name}.template.json`), JSON.stringify({ Parameters: parameters, Resources: resources }));
    artifacts[name] = { type: 'aws:cloudformation:stack', environment: 'aws://123456789012/us-east-1', properties: { templateFile: `${name}.template.json` }, displayName: name };
  }
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ version: '36.0.0', artifacts }));
  for (const [logicalId, source] of Object.entries(code)) {
    const asset = path.join(dir, `asset.${hash(logicalId)}`);
    fs.mkdirSync(asset);
    fs.writeFileSync(path.join(asset, 'index.js'), source);
  }
  return dir;
}

/** Whether a process of this pid is alive. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Whether something listens at `url`'s port on 127.0.0.1. */
export function listening(url: string): Promise<boolean> {
  const { port } = new URL(url);
  return new Promise((resolve) => {
    const socket = require('node:net').connect(Number(port), '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
