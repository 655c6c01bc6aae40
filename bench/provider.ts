/**
 * Provider benchmarks: the weight of the bundled flow-rule provider against aws-cdk-lib's AwsCustomResource
 * handler (bytes, cold load), and the latency of Create / Update / Delete through the bundled handler
 * against the local WorkMail emulator.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { WorkMailEmulator } from '../local/endpoints/workmail';
import { median, percentile, round, timeAsync } from './stats';

const ROOT = path.join(__dirname, '..');
export const PROVIDER_BUNDLE = path.join(ROOT, 'assets', 'flow-rule-provider', 'index.js');
/** What CustomResourceProvider copies into the provider's asset beside index.js, as `__entrypoint__.js`. */
export const ENTRYPOINT = path.join(ROOT, 'node_modules', 'aws-cdk-lib', 'custom-resource-handlers', 'dist', 'core', 'nodejs-entrypoint-handler', 'index.js');
export const AWS_CUSTOM_RESOURCE_HANDLER = path.join(
  ROOT, 'node_modules', 'aws-cdk-lib', 'custom-resource-handlers', 'dist', 'custom-resources', 'aws-custom-resource-handler', 'index.js');

const ORG_ID = 'm-0123456789abcdef0123456789abcdef';
const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const FUNCTION_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:bench-handler`;
const PROVIDER_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:bench-provider`;

/** The environment the provider gets: the emulator as endpoint, fake credentials, nothing from the user's AWS config ('' = unset). */
function providerEnv(endpoint: string): NodeJS.ProcessEnv {
  return {
    AWS_ENDPOINT_URL_WORKMAIL: endpoint,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    AWS_SESSION_TOKEN: '',
    AWS_PROFILE: '',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/dev/null',
    // The SDK's notice that its 2027 releases need Node 22 (see DESIGN.md), printed once per process.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  };
}

// ---- weight and cold load ----

interface LoadVariant {
  readonly name: string;
  /** What the figure holds, for the report. */
  readonly includes: string;
  /** Body of the timed region in the child (CommonJS, `R` is `require`). */
  readonly load: string;
  /** Files that make the Lambda deployment package (asset), if this variant is one. */
  readonly assetFiles?: string[];
}

function variants(): LoadVariant[] {
  const req = (file: string) => `R(${JSON.stringify(file)});`;
  const sdk = `R(R.resolve('@aws-sdk/client-workmail', { paths: [${JSON.stringify(ROOT)}] }));`;
  return [
    {
      name: 'ours: index.js',
      includes: 'assets/flow-rule-provider/index.js alone: the handler with the AWS SDK (client-workmail, credentials, signing, HTTP) bundled in',
      load: req(PROVIDER_BUNDLE),
      assetFiles: [PROVIDER_BUNDLE],
    },
    {
      name: 'ours: as deployed',
      includes: '__entrypoint__.js (aws-cdk-lib CustomResourceProvider entry point, sends the CloudFormation response) + index.js: the whole provider asset',
      load: req(ENTRYPOINT) + req(PROVIDER_BUNDLE),
      assetFiles: [ENTRYPOINT, PROVIDER_BUNDLE],
    },
    {
      name: 'AwsCustomResource: handler',
      includes: "aws-custom-resource-handler/index.js alone (its whole asset); it loads the SDK client from the Lambda runtime's node_modules at its first invocation, not counted here",
      load: req(AWS_CUSTOM_RESOURCE_HANDLER),
      assetFiles: [AWS_CUSTOM_RESOURCE_HANDLER],
    },
    {
      name: 'AwsCustomResource: + SDK',
      includes: 'the handler + require("@aws-sdk/client-workmail") and its dependencies from node_modules (v3.1048.0, unbundled CommonJS, as the runtime would load it for a WorkMail call)',
      load: req(AWS_CUSTOM_RESOURCE_HANDLER) + sdk,
    },
  ];
}

export interface LoadRow {
  readonly name: string;
  readonly includes: string;
  /** Bytes of the files in the asset (the deployment package), if the variant is one. */
  readonly assetBytes?: number;
  /** gzip -9 of the asset files, roughly what the zipped deployment package weighs. */
  readonly assetGzipBytes?: number;
  /** Bytes of every file the load put in require.cache. */
  readonly loadedBytes: number;
  readonly loadedFiles: number;
  readonly requireMs: number[];
  readonly requireMedianMs: number;
  readonly requireP95Ms: number;
}

function childScript(load: string): string {
  return `
    const fs = require('fs'); const { performance } = require('perf_hooks'); const R = require;
    const t = performance.now();
    ${load}
    const ms = performance.now() - t;
    const files = Object.keys(require.cache);
    const bytes = files.reduce((sum, f) => sum + fs.statSync(f).size, 0);
    console.log(JSON.stringify({ ms, bytes, files: files.length }));`;
}

function runNode(args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    // An empty value in `env` removes the variable.
    const merged = Object.fromEntries(Object.entries({ ...process.env, ...env }).filter(([, v]) => v !== ''));
    execFile(process.execPath, args, { cwd: ROOT, env: merged, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${error.message}\n${stderr}`));
      else resolve(stdout.trim().split('\n').pop()!);
    });
  });
}

/** Cold `require` of each variant, in a fresh `node -e` per sample, variants taken round-robin. */
export async function coldLoad(samples: number): Promise<LoadRow[]> {
  const list = variants();
  const results = list.map(() => [] as Array<{ ms: number; bytes: number; files: number }>);
  for (let i = 0; i < samples; i++) {
    for (let v = 0; v < list.length; v++) {
      // Round-robin with a rotating start, so that no variant always follows the same neighbour.
      const k = (v + i) % list.length;
      results[k].push(JSON.parse(await runNode(['-e', childScript(list[k].load)])));
    }
  }
  return list.map((variant, i) => {
    const times = results[i].map((r) => r.ms);
    const assetBytes = variant.assetFiles?.reduce((sum, f) => sum + fs.statSync(f).size, 0);
    const assetGzipBytes = variant.assetFiles
      ? zlib.gzipSync(Buffer.concat(variant.assetFiles.map((f) => fs.readFileSync(f))), { level: 9 }).length
      : undefined;
    return {
      name: variant.name,
      includes: variant.includes,
      assetBytes,
      assetGzipBytes,
      loadedBytes: results[i][0].bytes,
      loadedFiles: results[i][0].files,
      requireMs: times.map((n) => round(n, 2)),
      requireMedianMs: round(median(times), 2),
      requireP95Ms: round(percentile(times, 95), 2),
    };
  });
}

// ---- cold first call ----

export interface FirstCallRow {
  readonly name: string;
  readonly includes: string;
  readonly samples: number;
  readonly medianMs: number;
  readonly loadedBytes: number;
}

/**
 * A fresh process that loads the code and makes its first WorkMail call to the emulator: what a cold
 * invocation pays before the answer. Ours: the bundle's handler with a Create event. SDK: the
 * AwsCustomResource handler + @aws-sdk/client-workmail, a new WorkMailClient and one `ListOrganizations`
 * call (AwsCustomResource cannot send the flow-rule operations at all: they are not in the SDK's model;
 * the emulator answers this one with an error, after the full request pipeline ran).
 */
export async function coldFirstCall(samples: number): Promise<FirstCallRow[]> {
  const emulator = await WorkMailEmulator.start({ organizations: [ORG_ID], region: REGION, account: ACCOUNT });
  try {
    const env = providerEnv(emulator.endpoint);
    const ours = (i: number) => `
      const { handler } = R(${JSON.stringify(PROVIDER_BUNDLE)});
      await handler(${JSON.stringify(createEvent(`cold-${i}`, `bench-cold-${i}`))}, ${contextSource()});`;
    const sdk = () => `
      R(${JSON.stringify(AWS_CUSTOM_RESOURCE_HANDLER)});
      const { WorkMailClient, ListOrganizationsCommand } = R(R.resolve('@aws-sdk/client-workmail', { paths: [${JSON.stringify(ROOT)}] }));
      const client = new WorkMailClient({ maxAttempts: 1 });
      await client.send(new ListOrganizationsCommand({})).catch((e) => { if (!e.$metadata) throw e; });
      client.destroy();`;
    const script = (body: string) => `
      (async () => {
        const fs = require('fs'); const { performance } = require('perf_hooks'); const R = require;
        const t = performance.now();
        ${body}
        const ms = performance.now() - t;
        const bytes = Object.keys(require.cache).reduce((sum, f) => sum + fs.statSync(f).size, 0);
        console.log(JSON.stringify({ ms, bytes }));
      })().catch((e) => { console.error(e); process.exit(1); });`;
    const rows = [
      { name: 'ours: load + Create', includes: 'require the bundle, handler(Create event) until it answers', times: [] as number[], bytes: 0, body: ours },
      { name: 'AwsCustomResource + SDK: load + 1 call', includes: 'require handler + client-workmail, new client, one ListOrganizations call', times: [] as number[], bytes: 0, body: sdk },
    ];
    for (let i = 0; i < samples; i++) {
      for (const row of i % 2 === 0 ? rows : [...rows].reverse()) {
        const r = JSON.parse(await runNode(['-e', script(row.body(i))], env));
        row.times.push(r.ms);
        row.bytes = r.bytes;
      }
    }
    return rows.map((r) => ({ name: r.name, includes: r.includes, samples, medianMs: round(median(r.times), 1), loadedBytes: r.bytes }));
  } finally {
    await emulator.stop();
  }
}

// ---- latency against the emulator ----

function createEvent(logicalId: string, name: string): any {
  return {
    RequestType: 'Create',
    ServiceToken: PROVIDER_ARN,
    ResponseURL: 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/bench',
    StackId: `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/Bench/00000000-0000-0000-0000-000000000000`,
    RequestId: `request-${logicalId}`,
    LogicalResourceId: logicalId,
    ResourceType: 'Custom::WorkMailInboundFlowRule',
    ResourceProperties: { ServiceToken: PROVIDER_ARN, ...ruleFields(name) },
  };
}

/** FlowRuleFields of lambda/rules/contract.ts: a synchronous Run Lambda inbound rule. */
function ruleFields(name: string, description = 'benchmark rule') {
  return {
    OrganizationId: ORG_ID,
    Name: name,
    Description: description,
    SenderPatterns: ['*.example.com', 'sender@example.org'],
    DestinationPatterns: ['*'],
    Action: {
      Type: 'RUN_LAMBDA',
      Lambda: { FunctionArn: FUNCTION_ARN, InvocationType: 'SYNC', FallbackAction: { Type: 'DEFAULT' }, RuleTimeoutInMinutes: '30' },
    },
  };
}

function contextSource(): string {
  return `{ invokedFunctionArn: ${JSON.stringify(PROVIDER_ARN)}, getRemainingTimeInMillis: () => 300000 }`;
}

export interface LatencyRow {
  readonly operation: string;
  readonly calls: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly maxMs: number;
}

export interface LatencyResult {
  /** The first Create in this process (lazy initialisation in the bundle), not in the rows. */
  readonly firstCallMs: number;
  readonly rows: LatencyRow[];
  readonly rulesInEmulatorAfterCreate: number;
  readonly rulesInEmulatorAfterDelete: number;
}

/** N Creates, then N Updates, then N Deletes through the bundled handler, one at a time. */
export async function latency(calls: number): Promise<LatencyResult> {
  const emulator = await WorkMailEmulator.start({ organizations: [ORG_ID], region: REGION, account: ACCOUNT });
  const saved = { ...process.env };
  Object.assign(process.env, providerEnv(emulator.endpoint));
  for (const key of ['AWS_SESSION_TOKEN', 'AWS_PROFILE']) delete process.env[key];
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { handler } = require(PROVIDER_BUNDLE) as { handler: (event: any, context: any) => Promise<{ PhysicalResourceId: string }> };
    const context = { invokedFunctionArn: PROVIDER_ARN, getRemainingTimeInMillis: () => 300_000 };
    const firstCallMs = await timeAsync(() => handler(createEvent('Warm', 'bench-warm'), context));

    const ids: string[] = [];
    const create: number[] = [];
    for (let i = 0; i < calls; i++) {
      create.push(await timeAsync(async () => ids.push((await handler(createEvent(`Rule${i}`, `bench-rule-${i}`), context)).PhysicalResourceId)));
    }
    const afterCreate = emulator.rules(ORG_ID, 'INBOUND').length;
    const update: number[] = [];
    for (let i = 0; i < calls; i++) {
      const event = {
        ...createEvent(`Rule${i}`, `bench-rule-${i}`),
        RequestType: 'Update',
        RequestId: `update-${i}`,
        PhysicalResourceId: ids[i],
        ResourceProperties: { ServiceToken: PROVIDER_ARN, ...ruleFields(`bench-rule-${i}`, 'updated benchmark rule') },
        OldResourceProperties: { ServiceToken: PROVIDER_ARN, ...ruleFields(`bench-rule-${i}`) },
      };
      update.push(await timeAsync(() => handler(event, context)));
    }
    const remove: number[] = [];
    for (let i = 0; i < calls; i++) {
      const event = { ...createEvent(`Rule${i}`, `bench-rule-${i}`), RequestType: 'Delete', RequestId: `delete-${i}`, PhysicalResourceId: ids[i] };
      remove.push(await timeAsync(() => handler(event, context)));
    }
    const row = (operation: string, times: number[]): LatencyRow => ({
      operation, calls: times.length, p50Ms: round(percentile(times, 50), 2), p95Ms: round(percentile(times, 95), 2), maxMs: round(Math.max(...times), 2),
    });
    return {
      firstCallMs: round(firstCallMs, 1),
      rows: [row('Create', create), row('Update', update), row('Delete', remove)],
      rulesInEmulatorAfterCreate: afterCreate,
      rulesInEmulatorAfterDelete: emulator.rules(ORG_ID, 'INBOUND').length,
    };
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
    await emulator.stop();
  }
}
