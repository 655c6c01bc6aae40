/**
 * Synth benchmarks: the example app against the same app with only the bare function (through the CDK CLI,
 * and in-process), the cost of loading the library, and synth of 1 / 50 / 200 rules in one stack.
 *
 * The example's subject guard is a WorkMailNodejsFunction, bundled by esbuild at every synth; the comparable bare
 * app bundles the same source with a plain NodejsFunction (bench/apps/bare-stack.ts). A third app, the bare function
 * on the prebuilt asset, shows what bundling at synth costs by itself.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, AssetStaging, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ExampleStack } from '../bin/example-stack';
import {
  InboundAction, InboundFlowRule, OutboundAction, OutboundFlowRule, WorkMailFunction, WorkMailOrganization,
} from '../lib';
import { BareStack } from './apps/bare-stack';
import { median, round, timeSync } from './stats';

export const ROOT = path.join(__dirname, '..');
const ORG_ID = 'm-0123456789abcdef0123456789abcdef';
const ENV = { account: '123456789012', region: 'us-east-1' };

/**
 * The app commands. `example` is cdk.json's `app`, read from it: ts-node with swc as its transpiler and
 * `--prefer-ts-exts`, so that the example's imports of lib/ load the .ts sources. `bare` and `bareAsset` run the
 * same way. `exampleCompiled` is the example without `--prefer-ts-exts`: lib/ resolves to the compiled .js, as in a
 * project that installs the package.
 */
const CDK_APP: string = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')).app;
export const APP_COMMANDS = {
  example: CDK_APP,
  exampleCompiled: CDK_APP.replace(' --prefer-ts-exts', ''),
  bare: CDK_APP.replace('bin/app.ts', 'bench/apps/bare-app.ts'),
  bareAsset: CDK_APP.replace('bin/app.ts', 'bench/apps/bare-asset-app.ts'),
};
type AppName = keyof typeof APP_COMMANDS;

/**
 * The machine is offline: the CLI's network-bound side tasks (notices, version check, telemetry, EC2
 * metadata probe for the default account) are turned off in every run, for both apps alike.
 */
const CLI_ENV = {
  CDK_DISABLE_VERSION_CHECK: 'true',
  CDK_DISABLE_CLI_TELEMETRY: 'true',
  AWS_EC2_METADATA_DISABLED: 'true',
};

function tmpdir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `cdk-workmail-bench-${prefix}-`));
}

export interface CliSeries {
  readonly command: string;
  readonly runsMs: number[];
  readonly medianMs: number;
}

export interface CliResult {
  readonly cli: string;
  readonly cliVersion: string;
  readonly runsPerApp: number;
  readonly example: CliSeries;
  readonly exampleCompiled: CliSeries;
  /** The same function as a plain NodejsFunction bundling the same source: the comparable baseline. */
  readonly bare: CliSeries;
  /** The bare function on the prebuilt asset (no bundling at synth). */
  readonly bareAsset: CliSeries;
  /** example / bare, the goal's figure. */
  readonly ratio: number;
  /** exampleCompiled / bare. */
  readonly ratioCompiled: number;
  /** example / bareAsset: the library and bundling at synth together. */
  readonly ratioToPrebuilt: number;
  /** bare - bareAsset: what NodejsFunction's bundling (npx esbuild) adds to one synth. */
  readonly bundlingMs: number;
  /** os.loadavg() (1 min) before and after: a busy machine makes these figures noisy. */
  readonly loadAverage: { readonly before: number; readonly after: number };
}

function cliPath(): string {
  return process.env.BENCH_CDK_CLI ?? path.join(ROOT, 'node_modules', 'aws-cdk', 'bin', 'cdk');
}

/** One `cdk synth -q` run; returns its wall time in ms, or throws with the CLI's output. */
function cliSynth(cli: string, app: string, outdir: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, [cli, 'synth', '-q', '--no-notices', '-a', app, '-o', outdir], {
      cwd: ROOT,
      env: { ...process.env, ...CLI_ENV },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
      const manifest = path.join(outdir, 'manifest.json');
      if (code !== 0 || !fs.existsSync(manifest)) {
        reject(new Error(`cdk synth -a "${app}" failed (exit ${code}):\n${output.trim()}`));
      } else {
        resolve(elapsed);
      }
    });
  });
}

/** `cdk synth` of each app, runs interleaved (the order rotates), after one unmeasured warm-up run of each. */
export async function cliSynthOverhead(runs: number): Promise<CliResult> {
  const cli = cliPath();
  const version = spawnSync(process.execPath, [cli, '--version'], { encoding: 'utf8', env: { ...process.env, ...CLI_ENV } });
  const names = Object.keys(APP_COMMANDS) as AppName[];
  const times = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<AppName, number[]>;
  const before = os.loadavg()[0];
  const dir = tmpdir('cli');
  try {
    for (const name of names) await cliSynth(cli, APP_COMMANDS[name], path.join(dir, `warm-${name}`));
    for (let i = 0; i < runs; i++) {
      // Rotate which app goes first, so that drift on a busy machine hits every app alike.
      for (let k = 0; k < names.length; k++) {
        const name = names[(k + i) % names.length];
        times[name].push(await cliSynth(cli, APP_COMMANDS[name], path.join(dir, `${name}-${i}`)));
      }
    }
    const series = (name: AppName): CliSeries => ({ command: APP_COMMANDS[name], runsMs: times[name].map((n) => round(n)), medianMs: round(median(times[name])) });
    const bare = median(times.bare);
    return {
      cli, cliVersion: (version.stdout || version.stderr).trim(), runsPerApp: runs,
      example: series('example'), exampleCompiled: series('exampleCompiled'), bare: series('bare'), bareAsset: series('bareAsset'),
      ratio: round(median(times.example) / bare, 3), ratioCompiled: round(median(times.exampleCompiled) / bare, 3),
      ratioToPrebuilt: round(median(times.example) / median(times.bareAsset), 3), bundlingMs: round(bare - median(times.bareAsset)),
      loadAverage: { before: round(before, 2), after: round(os.loadavg()[0], 2) },
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export interface InProcessResult {
  readonly runsPerApp: number;
  readonly exampleMedianMs: number;
  /** The comparable baseline: a plain NodejsFunction bundling the same source. */
  readonly bareMedianMs: number;
  /** The bare function on the prebuilt asset. */
  readonly bareAssetMedianMs: number;
  readonly ratio: number;
  readonly differenceMs: number;
  readonly exampleTemplateBytes: number;
  readonly bareTemplateBytes: number;
}

type InProcessApp = 'example' | 'bare' | 'bareAsset';

function synthInProcess(which: InProcessApp, outdir: string): { ms: number; templateBytes: number } {
  // aws-cdk-lib keeps bundled assets for the life of the process; a `cdk synth` is a fresh process, which bundles.
  AssetStaging.clearAssetHashCache();
  let templateFile = '';
  const elapsed = timeSync(() => {
    const app = new App({ outdir });
    const stack = which === 'example'
      ? new ExampleStack(app, 'WorkMailLambdaExample', { organizationId: ORG_ID, env: ENV })
      : new BareStack(app, 'WorkMailLambdaBare', { env: ENV, code: which === 'bare' ? 'source' : 'asset' });
    templateFile = app.synth().getStackByName(stack.stackName).templateFullPath;
  });
  return { ms: elapsed, templateBytes: fs.statSync(templateFile).size };
}

/** `new App()` + the stack + `app.synth()` in this process (modules already loaded, every bundle made again), rotating. */
export function inProcessSynth(runs: number): InProcessResult {
  const dir = tmpdir('inproc');
  const apps: InProcessApp[] = ['example', 'bare', 'bareAsset'];
  try {
    let n = 0;
    const next = () => path.join(dir, String(n++));
    for (let i = 0; i < 2; i++) for (const which of apps) synthInProcess(which, next());
    const times: Record<InProcessApp, number[]> = { example: [], bare: [], bareAsset: [] };
    const bytes: Record<InProcessApp, number> = { example: 0, bare: 0, bareAsset: 0 };
    for (let i = 0; i < runs; i++) {
      for (let k = 0; k < apps.length; k++) {
        const which = apps[(k + i) % apps.length];
        const r = synthInProcess(which, next());
        times[which].push(r.ms);
        bytes[which] = r.templateBytes;
      }
    }
    const e = median(times.example);
    const b = median(times.bare);
    return {
      runsPerApp: runs, exampleMedianMs: round(e), bareMedianMs: round(b), bareAssetMedianMs: round(median(times.bareAsset)),
      ratio: round(e / b, 3), differenceMs: round(e - b), exampleTemplateBytes: bytes.example, bareTemplateBytes: bytes.bare,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export interface LoadResult {
  readonly samples: number;
  /** aws-cdk-lib + aws-lambda with lambda.Function loaded (what the bare function app loads). */
  readonly awsLambdaMedianMs: number;
  /** `require('cdk-workmail-lambda')` alone: lib/index.js loads each module on first use (scripts/lazy-index.mjs). */
  readonly libraryMedianMs: number;
  /** Then the first organization, WorkMailFunction, synchronous rule and read grant (no synth). */
  readonly firstUseMedianMs: number;
  /** Then aws-s3's Bucket and aws-dynamodb's Table: what the library loaded at require() before, and no longer does for such an app. */
  readonly s3AndDynamoDbMedianMs: number;
  /** Whether aws-s3 or aws-dynamodb was loaded after the first use, in any sample (should be false). */
  readonly s3OrDynamoDbLoaded: boolean;
}

/**
 * What the library adds to an app that already loads aws-cdk-lib/aws-lambda (the bare app's imports), in a
 * fresh process per sample, from the compiled lib/ as the package ships it: the require, the first use of a
 * WorkMailFunction with a rule and a read grant, and, side by side, what loading aws-s3 and aws-dynamodb costs
 * on top (the library loaded both at require() until its index loaded modules on first use).
 */
export function libraryLoad(samples: number): LoadResult {
  const script = `
    const { performance } = require('perf_hooks');
    let t = performance.now();
    require('aws-cdk-lib'); const lambda = require('aws-cdk-lib/aws-lambda'); lambda.Function;
    const base = performance.now() - t;
    t = performance.now();
    const lib = require(${JSON.stringify(path.join(ROOT, 'lib', 'index.js'))});
    const required = performance.now() - t;
    t = performance.now();
    const { App, Stack } = require('aws-cdk-lib');
    const stack = new Stack(new App(), 'Load', { env: ${JSON.stringify(ENV)} });
    const organization = lib.WorkMailOrganization.fromOrganizationId(stack, 'Organization', ${JSON.stringify(ORG_ID)});
    const fn = new lib.WorkMailFunction(stack, 'Handler', { organization, runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('x') });
    fn.addInboundRule('Rule', { synchronous: true });
    fn.grantReadMessageContent();
    const firstUse = performance.now() - t;
    const heavy = Object.keys(require.cache).some((f) => /aws-cdk-lib[\\/](aws-s3|aws-dynamodb)[\\/]/.test(f));
    t = performance.now();
    require('aws-cdk-lib/aws-s3').Bucket; require('aws-cdk-lib/aws-dynamodb').Table;
    const s3AndDynamoDb = performance.now() - t;
    console.log(JSON.stringify({ base, required, firstUse, heavy, s3AndDynamoDb }));`;
  const rows: { base: number; required: number; firstUse: number; heavy: boolean; s3AndDynamoDb: number }[] = [];
  for (let i = 0; i < samples; i++) {
    const r = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`loading lib/index.js failed:\n${r.stderr}`);
    rows.push(JSON.parse(r.stdout.trim().split('\n').pop()!));
  }
  const med = (key: 'base' | 'required' | 'firstUse' | 's3AndDynamoDb') => round(median(rows.map((r) => r[key])));
  return {
    samples, awsLambdaMedianMs: med('base'), libraryMedianMs: med('required'), firstUseMedianMs: med('firstUse'),
    s3AndDynamoDbMedianMs: med('s3AndDynamoDb'), s3OrDynamoDbLoaded: rows.some((r) => r.heavy),
  };
}

export interface ScaleRow {
  readonly rules: number;
  readonly providerFunctions: number;
  readonly permissions: number;
  readonly flowRuleResources: number;
  readonly templateBytes: number;
  /** (template bytes - template bytes of the same stack with no rule) / rules */
  readonly marginalBytesPerRule: number;
  readonly constructMedianMs: number;
  readonly synthMedianMs: number;
  readonly totalMedianMs: number;
}

/** A stack with one WorkMailFunction and `rules` rules, half inbound (synchronous), half outbound (asynchronous). */
function scaleApp(rules: number, outdir: string): { app: App; stack: Stack } {
  const app = new App({ outdir });
  const stack = new Stack(app, 'Scale', { env: ENV });
  const organization = WorkMailOrganization.fromOrganizationId(stack, 'Organization', ORG_ID);
  const fn = new WorkMailFunction(stack, 'Handler', {
    organization,
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ actions: [] });'),
  });
  for (let i = 0; i < rules; i++) {
    if (i % 2 === 0) {
      new InboundFlowRule(stack, `Inbound${i}`, {
        organization,
        senderPatterns: [`sender${i}.example.com`],
        action: InboundAction.runLambda(fn, { synchronous: true, fallbackAction: InboundAction.DEFAULT }),
      });
    } else {
      new OutboundFlowRule(stack, `Outbound${i}`, {
        organization,
        senderPatterns: [`user${i}@example.com`],
        action: OutboundAction.runLambda(fn),
      });
    }
  }
  return { app, stack };
}

function countResources(template: any, type: string, filter: (r: any) => boolean = () => true): number {
  return Object.values<any>(template.Resources ?? {}).filter((r) => r.Type === type && filter(r)).length;
}

export function scale(ruleCounts: number[], runs: number): ScaleRow[] {
  const dir = tmpdir('scale');
  try {
    let n = 0;
    const next = () => path.join(dir, String(n++));
    const synth = (rules: number) => {
      let app!: App;
      let stack!: Stack;
      const constructMs = timeSync(() => ({ app, stack } = scaleApp(rules, next())));
      let templateFile = '';
      const synthMs = timeSync(() => (templateFile = app.synth().getStackByName(stack.stackName).templateFullPath));
      return { constructMs, synthMs, templateFile };
    };
    synth(1); // warm-up
    const baseline = fs.statSync(synth(0).templateFile).size;
    return ruleCounts.map((rules) => {
      const samples = Array.from({ length: runs }, () => synth(rules));
      const last = samples[samples.length - 1];
      const bytes = fs.statSync(last.templateFile).size;
      const template = JSON.parse(fs.readFileSync(last.templateFile, 'utf8'));
      return {
        rules,
        providerFunctions: countResources(template, 'AWS::Lambda::Function', (r) => r.Properties?.Handler === '__entrypoint__.handler'),
        permissions: countResources(template, 'AWS::Lambda::Permission'),
        flowRuleResources: countResources(template, 'Custom::WorkMailInboundFlowRule') + countResources(template, 'Custom::WorkMailOutboundFlowRule'),
        templateBytes: bytes,
        marginalBytesPerRule: Math.round((bytes - baseline) / rules),
        constructMedianMs: round(median(samples.map((s) => s.constructMs))),
        synthMedianMs: round(median(samples.map((s) => s.synthMs))),
        totalMedianMs: round(median(samples.map((s) => s.constructMs + s.synthMs))),
      };
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
