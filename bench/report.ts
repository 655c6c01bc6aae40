/**
 * What `npm run bench` writes besides .bench/results.json: docs/benchmarks.md (the figures, the machine, the date
 * and the method) and the README's one paragraph of headline ratios. Only the parts between the markers are
 * rewritten; the notes around them are kept.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const BENCHMARKS_DOC = path.join(__dirname, '..', 'docs', 'benchmarks.md');
const README = path.join(__dirname, '..', 'README.md');
const FIGURES = ['<!-- bench:figures (written by npm run bench) -->', '<!-- /bench:figures -->'] as const;
const HEADLINE = ['<!-- bench:headline (written by npm run bench) -->', '<!-- /bench:headline -->'] as const;

/** One printed section of the run. */
export interface ReportSection {
  readonly title: string;
  readonly key: string;
  readonly text: string;
}

/** How each section measures, for the reader of the figures. */
const METHOD: Readonly<Record<string, string>> = {
  cliSynth: '`cdk synth -q` through the CDK CLI, the example app (its subject guard bundled at synth by WorkMailNodejsFunction) against the same function alone as a plain `NodejsFunction` bundling the same source (same settings, no rules, permission or organization), and that function on its prebuilt asset (`lambda.Function`, no bundling); runs interleaved after a warm-up each; wall time of the CLI process.',
  inProcessSynth: '`new App()` + the stack + `app.synth()` in one process with the modules loaded and aws-cdk-lib\'s asset cache cleared before each run (each bundles, as a `cdk synth` does), rotating the three apps after two warm-ups.',
  libraryLoad: 'a fresh `node` per sample: aws-cdk-lib and aws-lambda (with `lambda.Function` loaded), then `require` of the compiled lib/, then a first organization, `WorkMailFunction`, synchronous rule and read grant; then, side by side, aws-s3 and aws-dynamodb, which such an app no longer loads.',
  scale: 'in-process construct + synth of one stack with 1, 50 and 200 rules (half synchronous inbound, half asynchronous outbound, one function).',
  coldLoad: 'a fresh `node -e` per sample, round-robin over the variants: `require` of the provider asset against aws-cdk-lib\'s `AwsCustomResource` handler (with and without the SDK client it loads at run time).',
  coldFirstCall: 'a fresh process per sample: load the handler and make its first WorkMail call to the local emulator.',
  latency: 'the bundled provider handler in-process against the local WorkMail emulator, Create / Update / Delete one at a time.',
  runtimeOverhead: '`JSON.parse` + `parseEvent` + `SyncResponse` ... `build()` on the seed event against bare `JSON.parse` + `JSON.stringify`, batches alternating.',
  runtimeColdRequire: "a fresh `node -e` per sample: `require('cdk-workmail-lambda/runtime')` (the CommonJS build).",
  runtimeBundle: 'esbuild bundles of handlers (minified), the AWS SDK clients not counted.',
  mime: 'a generated 40 MB message (one large base64 attachment), Subject tagged and a disclaimer added; in-process streamed from a file, and whole processes file to file, round-robin after a warm-up, against the plain read/copy and the general libraries.',
  messageContentCold: 'a fresh `node` per sample on handler bundles made as scripts/bundle.mjs makes them; the first call goes to the local Message Flow endpoint.',
  simulation: 'rule selection in-process against rules holding 1,000 sender patterns; the `simulate` command run cold in a fresh process on the example app; 100 messages through one `createMailFlowSimulator` with the function processes warm, against the handlers\' own time measured inside the worker (bench/simulation.ts).',
};

function replaceBetween(text: string, [open, close]: readonly [string, string], body: string): string | undefined {
  const start = text.indexOf(open);
  const end = text.indexOf(close);
  if (start === -1 || end === -1 || end < start) return undefined;
  return `${text.slice(0, start + open.length)}\n${body}\n${text.slice(end)}`;
}

/** The generated part of docs/benchmarks.md. */
export function figuresMarkdown(results: Record<string, any>, sections: readonly ReportSection[], quick: boolean): string {
  const m = results.machine ?? {};
  const lines = [
    `Run of ${String(results.date).slice(0, 10)} (${results.date}), ${quick ? '**BENCH_QUICK=1: fewer samples, rough figures**' : 'full run'}.`,
    '',
    `**Machine:** Node ${m.node}, ${m.platform}, ${m.cpus} CPUs (${m.cpu ?? 'unknown model'}), load average at the start ${(m.loadAverageAtStart ?? []).map((n: number) => n.toFixed(2)).join(' / ')} (1, 5, 15 min). Samples per section: \`${JSON.stringify(results.samples)}\`.`,
    '',
    '**Method:** medians unless said otherwise; ratios are measured side by side in the same run, which is what the goals are about (absolute times move with the machine and its load).',
    '',
  ];
  for (const s of sections) {
    lines.push(`### ${s.title}`, '');
    if (METHOD[s.key]) lines.push(`How: ${METHOD[s.key]}`, '');
    lines.push('```text', s.text.trimEnd(), '```', '');
  }
  const failures: string[] = results.failures ?? [];
  if (failures.length) lines.push('**Sections that failed in this run:**', '', ...failures.map((f) => `- ${f}`), '');
  return lines.join('\n').trimEnd();
}

/** The README's paragraph: the headline ratios, each against its goal, and the link. */
export function headlineMarkdown(r: Record<string, any>): string {
  const x = (n: unknown, digits = 2) => (typeof n === 'number' && Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
  return [
    `Measured side by side by \`npm run bench\` (run of ${String(r.date).slice(0, 10)}, ${r.machine?.cpus} CPUs, Node ${r.machine?.node}):`,
    `synth of the example app ${x(r.cliSynth?.ratio)}x the bare function (goal at most 1.15x);`,
    `the handler toolkit ${x(r.runtimeOverhead?.ratio)}x bare \`JSON.parse\` + \`JSON.stringify\` per invocation (goal under 3x)`,
    `and ${x(r.runtimeColdRequire?.p50Ms, 1)} ms to \`require\` cold (goal under 30 ms);`,
    `a 40 MB MIME rewrite ${x(r.mime?.ratios?.inProcessVsRead)}x a plain read in-process (goal at most 2x) and`,
    `${x(r.mime?.ratios?.wholeProcessVsCopy)}x a plain copy as a whole process (goal at most 1.5x, aim 1.3x).`,
    'Every figure, the machine and the method: [docs/benchmarks.md](docs/benchmarks.md).',
  ].join('\n');
}

/** Writes the figures into docs/benchmarks.md and the headline into the README, between their markers. */
export function writeReport(results: Record<string, any>, sections: readonly ReportSection[], quick: boolean): string[] {
  const written: string[] = [];
  const doc = fs.readFileSync(BENCHMARKS_DOC, 'utf8');
  const newDoc = replaceBetween(doc, FIGURES, figuresMarkdown(results, sections, quick));
  if (newDoc === undefined) throw new Error(`${BENCHMARKS_DOC} has lost its markers ${FIGURES.join(' ... ')}`);
  fs.writeFileSync(BENCHMARKS_DOC, newDoc);
  written.push(BENCHMARKS_DOC);
  // A quick or partial run does not replace the README's figures: they are the last full run's.
  if (!quick && (results.failures ?? []).length === 0) {
    const readme = replaceBetween(fs.readFileSync(README, 'utf8'), HEADLINE, headlineMarkdown(results));
    if (readme === undefined) throw new Error(`README.md has lost its markers ${HEADLINE.join(' ... ')}`);
    fs.writeFileSync(README, readme);
    written.push(README);
  }
  return written;
}
