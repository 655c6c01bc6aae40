/**
 * Runtime toolkit benchmarks (`cdk-workmail-lambda/runtime`): the per-invocation cost of parseEvent +
 * SyncResponse + build() against what any handler pays anyway (JSON.parse of the event, JSON.stringify of
 * the answer), the cold `require` of the module in fresh processes, its `import` from an ES module against that
 * `require`, and its size bundled by esbuild.
 *
 * Goals (issue 6): overhead under 3x the bare JSON work and well under 1 ms; cold require under 30 ms;
 * bundle under 50 KB without the AWS SDK clients. Issue 12: `import` within 1.5x of `require`.
 *
 * Runs from `npm run bench` (bench/index.ts), or alone: `npm run build && npx ts-node --transpile-only bench/runtime.ts`.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as zlib from 'node:zlib';
import { build } from 'esbuild';
import { kib, median, percentile, round, table } from './stats';

const ROOT = path.join(__dirname, '..');
/** The compiled runtime, as the package's `./runtime` export resolves (built by `npm run build`). */
export const RUNTIME_JS = path.join(ROOT, 'dist', 'runtime', 'index.js');
/** The seed's example event (the WorkMail Lambda documentation), as WorkMail would send it: a JSON string. */
const SEED_EVENT = fs.readFileSync(path.join(ROOT, 'test', 'runtime', 'fixtures', 'events', 'seed-inbound-2018-10-10.json'), 'utf8');

export const RUNTIME_GOALS = { overheadRatio: 3, perInvocationMs: 1, coldRequireMs: 30, bundleBytes: 50 * 1024 };

export interface OverheadResult {
  readonly iterationsPerBatch: number;
  readonly batches: number;
  /** Median time per invocation, in microseconds. */
  readonly bareUs: number;
  readonly toolkitUs: number;
  /** toolkitUs / bareUs. */
  readonly ratio: number;
  /** The toolkit's share alone (toolkitUs - bareUs), in microseconds. */
  readonly addedUs: number;
}

/**
 * Side by side, in one process, batches alternating: `bare` = JSON.parse(event) + JSON.stringify(a literal
 * answer); `toolkit` = JSON.parse(event) + parseEvent + SyncResponse.forEvent().bounce/defaultAction().build()
 * + JSON.stringify. Both give the same answer for the seed's event.
 */
export function runtimeOverhead(batches: number, iterationsPerBatch = 20_000): OverheadResult {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parseEvent, SyncResponse } = require(RUNTIME_JS) as typeof import('../lambda/runtime');
  const blocked = /lottery/i;
  let sink = 0;
  const bare = () => {
    const event = JSON.parse(SEED_EVENT);
    const answer = blocked.test(event.subject)
      ? { actions: [{ action: { type: 'BOUNCE', parameters: { bounceMessage: 'Rejected by policy.' } }, allRecipients: true }] }
      : { actions: [{ action: { type: 'DEFAULT' }, allRecipients: true }] };
    sink += JSON.stringify(answer).length;
  };
  const toolkit = () => {
    const event = parseEvent(JSON.parse(SEED_EVENT));
    const response = SyncResponse.forEvent(event);
    const answer = (blocked.test(event.subject) ? response.bounce('Rejected by policy.') : response.defaultAction()).build();
    sink += JSON.stringify(answer).length;
  };
  const batch = (fn: () => void) => {
    const start = performance.now();
    for (let i = 0; i < iterationsPerBatch; i++) fn();
    return ((performance.now() - start) * 1000) / iterationsPerBatch;
  };
  // Warm-up: let the JIT settle both paths before measuring.
  batch(bare);
  batch(toolkit);
  const times = { bare: [] as number[], toolkit: [] as number[] };
  for (let i = 0; i < batches; i++) {
    if (i % 2 === 0) {
      times.bare.push(batch(bare));
      times.toolkit.push(batch(toolkit));
    } else {
      times.toolkit.push(batch(toolkit));
      times.bare.push(batch(bare));
    }
  }
  if (sink === 0) throw new Error('no answer was produced');
  const bareUs = median(times.bare);
  const toolkitUs = median(times.toolkit);
  return {
    iterationsPerBatch, batches,
    bareUs: round(bareUs, 3), toolkitUs: round(toolkitUs, 3), ratio: round(toolkitUs / bareUs, 2), addedUs: round(toolkitUs - bareUs, 3),
  };
}

export interface ColdRequireResult {
  readonly samples: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  /** The files `require` loaded (the runtime's own and lambda/rules). */
  readonly loadedFiles: number;
  readonly loadedBytes: number;
  /** Same, of a typical handler bundled with the runtime (parseEvent + SyncResponse + withDeadline, one file). */
  readonly bundleP50Ms: number;
  /** Same, of an empty file: the floor that any first require pays on this machine. */
  readonly emptyP50Ms: number;
}

function runNode(script: string, esm = false): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [...(esm ? ['--input-type=module'] : []), '-e', script], { cwd: ROOT }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${error.message}\n${stderr}`));
      else resolve(stdout.trim().split('\n').pop()!);
    });
  });
}

function coldScript(specifier: string): string {
  return `
    const fs = require('fs'); const { performance } = require('perf_hooks');
    const t = performance.now();
    require(${JSON.stringify(specifier)});
    const ms = performance.now() - t;
    const files = Object.keys(require.cache);
    console.log(JSON.stringify({ ms, files: files.length, bytes: files.reduce((s, f) => s + fs.statSync(f).size, 0) }));`;
}

/**
 * `require('cdk-workmail-lambda/runtime')` in a fresh `node -e` per sample, from the package root (Node
 * resolves the package's own name through its `exports` map to the compiled files, as in a project that
 * installed it), alternating with a require of a typical handler bundled with it (minified).
 */
export async function runtimeColdRequire(samples: number): Promise<ColdRequireResult> {
  const bundleFile = path.join(ROOT, '.bench', 'runtime-bundle.js');
  fs.mkdirSync(path.dirname(bundleFile), { recursive: true });
  fs.writeFileSync(bundleFile, await bundle({ contents: TOOLKIT_HANDLER }));
  const runs: { ms: number; files: number; bytes: number }[] = [];
  const emptyFile = path.join(ROOT, '.bench', 'empty.js');
  fs.writeFileSync(emptyFile, '');
  const bundled: number[] = [];
  const empty: number[] = [];
  for (let i = 0; i < samples; i++) {
    runs.push(JSON.parse(await runNode(coldScript('cdk-workmail-lambda/runtime'))));
    bundled.push(JSON.parse(await runNode(coldScript(bundleFile))).ms);
    empty.push(JSON.parse(await runNode(coldScript(emptyFile))).ms);
  }
  const times = runs.map((r) => r.ms);
  return {
    samples,
    p50Ms: round(median(times), 2), p95Ms: round(percentile(times, 95), 2),
    loadedFiles: runs[0].files, loadedBytes: runs[0].bytes,
    bundleP50Ms: round(median(bundled), 2),
    emptyP50Ms: round(median(empty), 2),
  };
}

export interface ColdImportResult {
  readonly samples: number;
  /** `require('cdk-workmail-lambda/runtime')` in a CommonJS process (the `default` condition: dist/runtime/index.js). */
  readonly requireP50Ms: number;
  /** `await import('cdk-workmail-lambda/runtime')` as the first import of an ES module process (the `import` condition). */
  readonly importP50Ms: number;
  /** importP50Ms / requireP50Ms. */
  readonly ratio: number;
  /** The same two after an empty module was loaded first (each loader started, as in a handler that is already running). */
  readonly requireStartedP50Ms: number;
  readonly importStartedP50Ms: number;
  /** importStartedP50Ms / requireStartedP50Ms: the goal is under 1.5 (an ES module importing the runtime is running already). */
  readonly ratioStarted: number;
  /** `import` of the CommonJS file (what `import` loaded before the `import` condition), loader started. */
  readonly importCommonJsStartedP50Ms: number;
  /** The floors: an empty file by `require`, an empty ES module by a first `import`. */
  readonly emptyRequireP50Ms: number;
  readonly emptyImportP50Ms: number;
  /** The file `import` resolved to. */
  readonly importResolved: string;
}

export const IMPORT_RATIO_GOAL = 1.5;

/**
 * `import` against `require` of the runtime, each in a fresh process per sample, round-robin: first load in the
 * process, and after an empty module (the loader's own start-up paid, as for a handler module that is running).
 */
export async function runtimeColdImport(samples: number): Promise<ColdImportResult> {
  const dir = path.join(ROOT, '.bench');
  fs.mkdirSync(dir, { recursive: true });
  const emptyCjs = path.join(dir, 'empty.js');
  const emptyEsm = path.join(dir, 'empty.mjs');
  fs.writeFileSync(emptyCjs, '');
  fs.writeFileSync(emptyEsm, '');
  const spec = JSON.stringify('cdk-workmail-lambda/runtime');
  const timed = (load: string, before = '', extra = '') => `${before}const t = performance.now(); ${load}; console.log(JSON.stringify({ ms: performance.now() - t${extra} }));`;
  const variants = {
    require: [timed(`require(${spec})`), false],
    import: [timed(`await import(${spec})`, '', `, resolved: import.meta.resolve(${spec})`), true],
    requireStarted: [timed(`require(${spec})`, `require(${JSON.stringify(emptyCjs)}); `), false],
    importStarted: [timed(`await import(${spec})`, `await import(${JSON.stringify(emptyEsm)}); `), true],
    importCommonJsStarted: [timed(`await import(${JSON.stringify(RUNTIME_JS)})`, `await import(${JSON.stringify(emptyEsm)}); `), true],
    emptyRequire: [timed(`require(${JSON.stringify(emptyCjs)})`), false],
    emptyImport: [timed(`await import(${JSON.stringify(emptyEsm)})`), true],
  } as const;
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  let importResolved = '';
  for (let i = 0; i < samples; i++) {
    for (const [name, [script, esm]] of Object.entries(variants)) {
      const out = JSON.parse(await runNode(script, esm));
      times[name].push(out.ms);
      if (out.resolved) importResolved = path.relative(ROOT, new URL(out.resolved).pathname);
    }
  }
  const p50 = (name: string) => round(median(times[name]), 2);
  return {
    samples,
    requireP50Ms: p50('require'), importP50Ms: p50('import'), ratio: round(median(times.import) / median(times.require), 2),
    requireStartedP50Ms: p50('requireStarted'), importStartedP50Ms: p50('importStarted'),
    ratioStarted: round(median(times.importStarted) / median(times.requireStarted), 2),
    importCommonJsStartedP50Ms: p50('importCommonJsStarted'),
    emptyRequireP50Ms: p50('emptyRequire'), emptyImportP50Ms: p50('emptyImport'),
    importResolved,
  };
}

export function printColdImport(r: ColdImportResult): string {
  return [
    table([
      ['load of cdk-workmail-lambda/runtime', 'first in the process', 'loader started'],
      ["require (dist/runtime/index.js)", `${r.requireP50Ms.toFixed(2)} ms`, `${r.requireStartedP50Ms.toFixed(2)} ms`],
      [`import (${r.importResolved})`, `${r.importP50Ms.toFixed(2)} ms`, `${r.importStartedP50Ms.toFixed(2)} ms`],
      ['import of the CommonJS file (before the import condition)', '-', `${r.importCommonJsStartedP50Ms.toFixed(2)} ms`],
      ['an empty file (require / import)', `${r.emptyRequireP50Ms.toFixed(2)} / ${r.emptyImportP50Ms.toFixed(2)} ms`, '-'],
    ]),
    `import / require from a running module (loader started): ${r.ratioStarted.toFixed(2)}x (goal < ${IMPORT_RATIO_GOAL}x: ` +
      `${met(r.ratioStarted < IMPORT_RATIO_GOAL)}). First in the process: ${r.ratio.toFixed(2)}x, of which Node's ES module loader ` +
      `start is ${(r.emptyImportP50Ms - r.emptyRequireP50Ms).toFixed(2)} ms (an empty module: import - require), paid by any ES module ` +
      `handler for itself; without it ${round((r.importP50Ms - r.emptyImportP50Ms) / (r.requireP50Ms - r.emptyRequireP50Ms), 2).toFixed(2)}x. ` +
      `p50 of ${r.samples} fresh processes each, round-robin`,
  ].join('\n');
}

/** The ES module build of the runtime (the package's `module` export condition, which bundlers use). */
export const RUNTIME_ESM = path.join(ROOT, 'esm', 'lambda', 'runtime', 'index.js');

/** A handler as a user writes it: parse, answer, deadline (what the example handler imports). */
const TOOLKIT_HANDLER = `
import { parseEvent, SyncResponse, withDeadline } from ${JSON.stringify(RUNTIME_ESM)};
export const handler = withDeadline(async (input) => {
  const event = parseEvent(input);
  return SyncResponse.forEvent(event).defaultAction().build();
}, { onTimeout: () => ({ actions: [{ action: { type: 'DEFAULT' }, allRecipients: true }] }) });
`;

/** esbuild as NodejsFunction runs it (CommonJS output, minified), the AWS SDK clients external. */
async function bundle(entry: { file: string } | { contents: string }): Promise<string> {
  const result = await build({
    ...('file' in entry ? { entryPoints: [entry.file] } : { stdin: { contents: entry.contents, resolveDir: ROOT, loader: 'js' } }),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minify: true,
    write: false,
    // The AWS SDK clients (message content) are provided by the Lambda runtime or bundled by the user: not counted.
    external: ['@aws-sdk/*', '@smithy/*'],
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

export interface BundleSizeResult {
  /** A handler using parseEvent + SyncResponse + withDeadline, bundled from the ES module build. */
  readonly handlerBytes: number;
  readonly handlerGzipBytes: number;
  /** Every export of the runtime (the CommonJS build, nothing left out: the MIME libraries included). */
  readonly runtimeBytes: number;
  readonly runtimeGzipBytes: number;
  /** The example handler's deployment bundle (assets/examples/subject-guard/index.js), as shipped. */
  readonly exampleBytes?: number;
  readonly exampleGzipBytes?: number;
}

/** esbuild bundles of `cdk-workmail-lambda/runtime`: a typical handler, and all of it; raw and gzip -9. */
export async function runtimeBundleSize(): Promise<BundleSizeResult> {
  const handler = await bundle({ contents: TOOLKIT_HANDLER });
  const all = await bundle({ file: RUNTIME_JS });
  const gzip = (b: Buffer | string) => zlib.gzipSync(b, { level: 9 }).length;
  const example = path.join(ROOT, 'assets', 'examples', 'subject-guard', 'index.js');
  const exampleCode = fs.existsSync(example) ? fs.readFileSync(example) : undefined;
  return {
    handlerBytes: Buffer.byteLength(handler),
    handlerGzipBytes: gzip(handler),
    runtimeBytes: Buffer.byteLength(all),
    runtimeGzipBytes: gzip(all),
    exampleBytes: exampleCode?.length,
    exampleGzipBytes: exampleCode ? gzip(exampleCode) : undefined,
  };
}

const met = (ok: boolean) => (ok ? 'met' : 'NOT met');

export function printOverhead(r: OverheadResult): string {
  return [
    table([
      ['per invocation (seed event)', 'median'],
      ['bare: JSON.parse + JSON.stringify', `${r.bareUs.toFixed(2)} µs`],
      ['toolkit: + parseEvent + SyncResponse...build()', `${r.toolkitUs.toFixed(2)} µs`],
    ]),
    `ratio ${r.ratio.toFixed(2)}x (goal < ${RUNTIME_GOALS.overheadRatio}x: ${met(r.ratio < RUNTIME_GOALS.overheadRatio)}); ` +
      `toolkit ${(r.toolkitUs / 1000).toFixed(4)} ms per invocation (goal well under ${RUNTIME_GOALS.perInvocationMs} ms: ${met(r.toolkitUs < 100)}); ` +
      `added ${r.addedUs.toFixed(2)} µs; ${r.batches} batches of ${r.iterationsPerBatch}, alternating`,
  ].join('\n');
}

export function printColdRequire(r: ColdRequireResult): string {
  return `require('cdk-workmail-lambda/runtime'): p50 ${r.p50Ms.toFixed(2)} ms, p95 ${r.p95Ms.toFixed(2)} ms over ${r.samples} fresh processes ` +
    `(goal < ${RUNTIME_GOALS.coldRequireMs} ms: ${met(r.p50Ms < RUNTIME_GOALS.coldRequireMs)}); ${r.loadedFiles} files, ${kib(r.loadedBytes)} loaded ` +
    `(one CommonJS file, dist/runtime/index.js); a bundled handler: p50 ${r.bundleP50Ms.toFixed(2)} ms; an empty file: p50 ${r.emptyP50Ms.toFixed(2)} ms`;
}

export function printBundleSize(r: BundleSizeResult): string {
  return [
    `handler with parseEvent + SyncResponse + withDeadline (esbuild, minified, from the ES module build): ${kib(r.handlerBytes)}, ` +
      `gzip ${kib(r.handlerGzipBytes)} (goal < ${kib(RUNTIME_GOALS.bundleBytes)}: ${met(r.handlerBytes < RUNTIME_GOALS.bundleBytes)})`,
    `every export of the runtime (CommonJS build, MIME libraries included, AWS SDK external): ${kib(r.runtimeBytes)}, gzip ${kib(r.runtimeGzipBytes)}`,
    r.exampleBytes !== undefined ? `example handler deployment bundle (assets/examples/subject-guard/index.js): ${kib(r.exampleBytes)}, gzip ${kib(r.exampleGzipBytes!)}` : '',
  ].filter(Boolean).join('\n');
}

if (require.main === module) {
  (async () => {
    if (!fs.existsSync(RUNTIME_JS)) throw new Error(`${RUNTIME_JS} is missing; run \`npm run build\` first`);
    console.log('== Runtime per-invocation overhead');
    console.log(printOverhead(runtimeOverhead(15)));
    console.log('\n== Runtime cold require');
    console.log(printColdRequire(await runtimeColdRequire(15)));
    console.log('\n== Runtime cold import vs require');
    console.log(printColdImport(await runtimeColdImport(15)));
    console.log('\n== Runtime bundle size');
    console.log(printBundleSize(await runtimeBundleSize()));
  })().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
