/**
 * `npm run bench`: prints the benchmark figures, writes them to .bench/results.json and to docs/benchmarks.md (with the
 * machine, the date and the method), and refreshes the README's paragraph of headline ratios (bench/report.ts).
 *
 * Sections: synth overhead (CDK CLI and in-process, example app vs. the bare function), library load,
 * scale (1 / 50 / 200 rules), provider weight and cold load vs. aws-cdk-lib's AwsCustomResource handler,
 * Create / Update / Delete latency against the local WorkMail emulator, the runtime toolkit's
 * per-invocation overhead, cold require, cold import against require, and bundled size (bench/runtime.ts), and MIME
 * rewriting of a 40 MB message vs. the plain read/copy and the general libraries (bench/mime.ts, also runnable
 * alone), and the mail-flow simulation (bench/simulation.ts).
 *
 * Environment: BENCH_CDK_CLI=<path to the cdk bin> to use another CDK CLI than node_modules/aws-cdk;
 * BENCH_CLI_RUNS=<n> for more CDK CLI runs per app than 5 (on a busy machine); BENCH_QUICK=1 for fewer samples
 * (a smoke run; the figures are then rough).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AWS_CUSTOM_RESOURCE_HANDLER, PROVIDER_BUNDLE, coldFirstCall, coldLoad, latency } from './provider';
import { messageContentCold } from './message-content';
import { APP_COMMANDS, cliSynthOverhead, inProcessSynth, libraryLoad, ROOT, scale } from './synth';
import {
  printBundleSize, printColdImport, printColdRequire, printOverhead, runtimeBundleSize, runtimeColdImport, runtimeColdRequire, runtimeOverhead,
} from './runtime';
import { mimeBench, printMimeBench } from './mime';
import { writeReport, type ReportSection } from './report';
import { printSimulationBench, simulationBench } from './simulation';
import { kib, ms, table } from './stats';

const QUICK = process.env.BENCH_QUICK === '1';
const N = {
  cliRuns: Number(process.env.BENCH_CLI_RUNS ?? (QUICK ? 1 : 5)),
  inProcessRuns: QUICK ? 2 : 7,
  libraryLoadSamples: QUICK ? 2 : 7,
  scaleRuns: QUICK ? 1 : 5,
  coldLoadSamples: QUICK ? 3 : 15,
  coldFirstCallSamples: QUICK ? 1 : 5,
  messageContentSamples: QUICK ? 3 : 11,
  latencyCalls: QUICK ? 10 : 50,
  runtimeBatches: QUICK ? 5 : 21,
  runtimeColdSamples: QUICK ? 3 : 15,
  mimeSamples: QUICK ? 1 : 5,
};
const SYNTH_RATIO_GOAL = 1.15;

const results: Record<string, unknown> = {
  date: new Date().toISOString(),
  machine: { node: process.version, platform: `${os.platform()} ${os.arch()}`, cpus: os.cpus().length, cpu: os.cpus()[0]?.model, loadAverageAtStart: os.loadavg() },
  samples: N,
};
const failures: string[] = [];
const printed: ReportSection[] = [];

async function section<T>(title: string, key: string, run: () => Promise<T> | T, print: (r: T) => string): Promise<void> {
  process.stdout.write(`\n== ${title}\n`);
  const start = Date.now();
  try {
    const result = await run();
    results[key] = result;
    const text = print(result);
    printed.push({ title, key, text });
    console.log(text);
  } catch (e) {
    const message = (e as Error)?.message ?? String(e);
    results[key] = { error: message };
    failures.push(`${title}: ${message.split('\n')[0]}`);
    printed.push({ title, key, text: `FAILED: ${message.split('\n')[0]}` });
    console.log(`FAILED: ${message}`);
  }
  console.log(`(${((Date.now() - start) / 1000).toFixed(1)} s)`);
}

async function main(): Promise<void> {
  for (const file of [PROVIDER_BUNDLE, AWS_CUSTOM_RESOURCE_HANDLER]) {
    if (!fs.existsSync(file)) throw new Error(`${file} is missing; run \`npm run build\` (and \`npm ci\`) first`);
  }
  console.log(`cdk-workmail-lambda benchmarks — Node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg().map((n) => n.toFixed(2)).join(' ')}${QUICK ? ' — QUICK (rough figures)' : ''}`);

  await section('Synth overhead through the CDK CLI: example app vs. the bare function', 'cliSynth', () => cliSynthOverhead(N.cliRuns), (r) => [
    `cdk synth -q, ${r.runsPerApp} runs each after 1 warm-up each, interleaved; CLI ${r.cliVersion}; load average ${r.loadAverage.before} -> ${r.loadAverage.after}`,
    table([
      ['app', 'median', 'runs (ms)'],
      ['example, as cdk.json runs it (lib/ from .ts)', ms(r.example.medianMs), r.example.runsMs.join(', ')],
      ['example, lib/ compiled (as a package user)', ms(r.exampleCompiled.medianMs), r.exampleCompiled.runsMs.join(', ')],
      ['bare function, bundled from source at synth (plain NodejsFunction)', ms(r.bare.medianMs), r.bare.runsMs.join(', ')],
      ['bare function, prebuilt asset (lambda.Function)', ms(r.bareAsset.medianMs), r.bareAsset.runsMs.join(', ')],
    ]),
    // The example bundles its subject guard at synth (WorkMailNodejsFunction); the comparable bare app does the same.
    `ratio example / bare (both bundle the same source with esbuild): ${r.ratio.toFixed(3)} (goal <= ${SYNTH_RATIO_GOAL}: ${r.ratio <= SYNTH_RATIO_GOAL ? 'met' : 'NOT met'}); ` +
      `with lib/ compiled: ${r.ratioCompiled.toFixed(3)} (${r.ratioCompiled <= SYNTH_RATIO_GOAL ? 'met' : 'NOT met'})`,
    `bundling at synth (NodejsFunction: npx esbuild) adds ${ms(r.bundlingMs)} to the bare app; example / prebuilt bare: ${r.ratioToPrebuilt.toFixed(3)} ` +
      '(the library and bundling together; not the goal\'s comparison)',
    ...Object.values(APP_COMMANDS).map((c) => `  -a "${c}"`),
  ].join('\n'));

  await section('Synth in-process (new App + stack + app.synth(), modules loaded, bundles made again each run)', 'inProcessSynth', () => inProcessSynth(N.inProcessRuns), (r) => [
    table([
      ['app', 'median', 'template'],
      ['example', ms(r.exampleMedianMs), `${r.exampleTemplateBytes} B`],
      ['bare function, bundled from source', ms(r.bareMedianMs), `${r.bareTemplateBytes} B`],
      ['bare function, prebuilt asset', ms(r.bareAssetMedianMs), '-'],
    ]),
    `${r.runsPerApp} runs each after 2 warm-ups, rotating; ratio example / bare from source ${r.ratio.toFixed(2)}, difference ${ms(r.differenceMs)}`,
  ].join('\n'));

  await section("Library load: require('cdk-workmail-lambda') (compiled lib/) after aws-cdk-lib/aws-lambda", 'libraryLoad', () => libraryLoad(N.libraryLoadSamples), (r) => [
    table([
      ['step (fresh process, in this order)', 'median'],
      ['aws-cdk-lib + aws-lambda (lambda.Function loaded)', ms(r.awsLambdaMedianMs)],
      ["require('cdk-workmail-lambda')", ms(r.libraryMedianMs)],
      ['first WorkMailFunction + synchronous rule + read grant (no synth)', ms(r.firstUseMedianMs)],
      ['then aws-s3 Bucket + aws-dynamodb Table (no longer loaded by such an app)', ms(r.s3AndDynamoDbMedianMs)],
    ]),
    `median of ${r.samples} samples; aws-s3 or aws-dynamodb loaded by the app: ${r.s3OrDynamoDbLoaded ? 'YES (they should not be)' : 'no'}`,
  ].join('\n'));

  await section('Scale: rules in one stack (in-process; half inbound sync, half outbound async, one function)', 'scale', () => scale([1, 50, 200], N.scaleRuns), (rows) => [
    table([
      ['rules', 'provider fns', 'permissions', 'rule resources', 'template', 'bytes/rule*', 'construct', 'synth', 'total'],
      ...rows.map((r) => [r.rules, r.providerFunctions, r.permissions, r.flowRuleResources, `${r.templateBytes} B`, r.marginalBytesPerRule,
        ms(r.constructMedianMs), ms(r.synthMedianMs), ms(r.totalMedianMs)]),
    ]),
    `* (template bytes - template bytes of the same stack with no rule) / rules; times are medians of ${N.scaleRuns}`,
    rows.every((r) => r.providerFunctions === 1) ? 'provider functions: 1 at every size' : 'PROVIDER FUNCTIONS ARE NOT 1',
  ].join('\n'));

  await section('Provider weight and cold require (fresh `node -e` per sample, round-robin)', 'coldLoad', () => coldLoad(N.coldLoadSamples), (rows) => [
    table([
      ['variant', 'asset', 'asset gzip', 'loaded', 'files', 'require p50', 'p95'],
      ...rows.map((r) => [r.name, r.assetBytes !== undefined ? kib(r.assetBytes) : '-', r.assetGzipBytes !== undefined ? kib(r.assetGzipBytes) : '-',
        kib(r.loadedBytes), r.loadedFiles, ms(r.requireMedianMs), ms(r.requireP95Ms)]),
    ]),
    `${N.coldLoadSamples} samples each. asset = bytes of the asset's files; loaded = bytes of every file in require.cache after the load.`,
    ...rows.map((r) => `  ${r.name}: ${r.includes}`),
  ].join('\n'));

  await section('Cold first call (fresh process: load + first WorkMail call to the emulator)', 'coldFirstCall', () => coldFirstCall(N.coldFirstCallSamples), (rows) => [
    table([['variant', 'median', 'loaded'], ...rows.map((r) => [r.name, ms(r.medianMs), kib(r.loadedBytes)])]),
    `${N.coldFirstCallSamples} samples each.`,
    ...rows.map((r) => `  ${r.name}: ${r.includes}`),
  ].join('\n'));

  await section(`Provider latency against the emulator (bundled handler in-process, ${N.latencyCalls} calls each, one at a time)`, 'latency', () => latency(N.latencyCalls), (r) => [
    table([['operation', 'calls', 'p50', 'p95', 'max'], ...r.rows.map((x) => [x.operation, x.calls, ms(x.p50Ms), ms(x.p95Ms), ms(x.maxMs)])]),
    `first Create in the process (not in the rows): ${ms(r.firstCallMs)}; rules in the emulator after the Creates: ${r.rulesInEmulatorAfterCreate} (incl. the warm-up one), after the Deletes: ${r.rulesInEmulatorAfterDelete}`,
  ].join('\n'));

  await section('Runtime toolkit per invocation: parseEvent + SyncResponse + build() vs bare JSON.parse/JSON.stringify (seed event)', 'runtimeOverhead',
    () => runtimeOverhead(N.runtimeBatches), printOverhead);

  await section("Runtime toolkit cold require (fresh `node -e` per sample): require('cdk-workmail-lambda/runtime')", 'runtimeColdRequire',
    () => runtimeColdRequire(N.runtimeColdSamples), printColdRequire);

  await section("Runtime toolkit cold import from an ES module vs require (fresh process per sample)", 'runtimeColdImport',
    () => runtimeColdImport(N.runtimeColdSamples), printColdImport);

  await section('Runtime toolkit bundled size (esbuild, minified; AWS SDK clients not counted)', 'runtimeBundle', () => runtimeBundleSize(), printBundleSize);
  await section('MIME rewrite of a 40 MB message (subject tag + disclaimer) vs. the floor and the general libraries', 'mime', () => mimeBench(N.mimeSamples), printMimeBench);
  await section('Message content: handler cold start (fresh `node` per sample, bundles as scripts/bundle.mjs makes them)', 'messageContentCold',
    () => messageContentCold(N.messageContentSamples), (rows) => [
      table([['handler', 'bundle', 'require p50', 'require + first getRawMessage p50'],
        ...rows.map((r) => [r.name, kib(r.bundleBytes), ms(r.requireMedianMs), r.firstCallMedianMs === undefined ? '-' : ms(r.firstCallMedianMs)])]),
      `${N.messageContentSamples} samples each; the first call goes to the local Message Flow endpoint.`,
    ].join('\n'));

  await section('Mail-flow simulation: rule selection, a cold CLI run, 100 messages through a warm simulator (bench/simulation.ts)', 'simulation',
    () => simulationBench(QUICK), printSimulationBench);

  const out = path.join(ROOT, '.bench', 'results.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify({ ...results, failures }, null, 2) + '\n');
  console.log(`\nresults written to ${path.relative(process.cwd(), out)}`);
  for (const file of writeReport({ ...results, failures }, printed, QUICK)) console.log(`figures written to ${path.relative(process.cwd(), file)}`);
  if (failures.length) {
    console.log(`\n${failures.length} section(s) failed:\n${failures.map((f) => `  - ${f}`).join('\n')}`);
    process.exitCode = 1;
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
