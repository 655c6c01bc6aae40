/**
 * MIME rewrite benchmark (issue 7): a generated 40 MB message with one large base64 attachment, subject
 * tagged and a disclaimer added, side by side in one run with the floor (plain stream read / plain copy)
 * and the general libraries (mailsplit, mailparser, mailparser + nodemailer MailComposer, Python `email`).
 *
 * Run alone: `npx ts-node --transpile-only bench/mime.ts` (BENCH_QUICK=1 for one sample each).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildSync } from 'esbuild';
import { simpleParser } from 'mailparser';
import { addDisclaimer, inspect, MimeTransform, rewrite, stripAttachments, tagSubject } from '../lambda/runtime/mime';
import { largeMessage } from '../test/fixtures/mime/fixtures';
import { deepMessage, wideMessage } from '../test/fixtures/mime/hostile';
import { median, ms, table } from './stats';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Splitter, Joiner } = require('mailsplit') as { Splitter: new () => NodeJS.ReadWriteStream; Joiner: new () => NodeJS.ReadWriteStream };

/**
 * The goals of the 40 MB figures. The whole process has a bar and an aim (the MIME hardening issue): the hardened
 * scanner checks every line of the parts it copies, which the first figure (1.30 before it) did not.
 */
export const MIME_GOALS = { inProcessVsRead: 2, wholeProcessVsCopy: 1.5, wholeProcessVsCopyAim: 1.3, rssGrowthVsMessage: 1.5 };
const MESSAGE_BYTES = 40 * 1024 * 1024;

export interface MimeRow {
  readonly name: string;
  readonly medianMs: number;
  readonly runsMs: number[];
  /** Peak RSS of the whole process (MiB), when measured. */
  readonly peakRssMiB?: number;
}

export interface MimeBenchResult {
  readonly messageBytes: number;
  readonly samples: number;
  readonly inProcess: MimeRow[];
  readonly wholeProcess: MimeRow[];
  /** Peak RSS of `node` running an empty script (MiB): what "growth" is measured from. */
  readonly nodeBaselineRssMiB?: number;
  readonly ratios: { inProcessVsRead: number; wholeProcessVsCopy: number; rssGrowthVsMessage?: number };
  readonly timeAvailable: boolean;
  /** Hostile structures (in-process, rewrite and inspect): their size and times. */
  readonly structures: Array<MimeRow & { bytes: number }>;
}

/** A multipart whose text part is `size` bytes of lines that look like its boundary line and are not. */
function lookAlikeMessage(size: number): Buffer {
  const line = '--lk-x\r\n--lk--y\r\n--lk \tz\r\n';
  const head = 'From: a@example.org\r\nSubject: look-alikes\r\nContent-Type: multipart/mixed; boundary="lk"\r\n\r\n--lk\r\nContent-Type: text/plain\r\n\r\n';
  return Buffer.from(`${head}${line.repeat(Math.ceil(size / line.length))}--lk--\r\n`, 'latin1');
}

async function structureBench(samples: number): Promise<Array<MimeRow & { bytes: number }>> {
  const all = () => [tagSubject('[EXTERNAL]'), addDisclaimer({ text: 'Confidential.', html: '<p>Confidential.</p>' }), stripAttachments({ when: (a) => /\.bin$/.test(a.filename ?? '') })];
  const cases: Array<[string, Buffer, () => MimeTransform[]]> = [
    ['10,000 parts (1,000 of them attachments, stripped)', wideMessage(10_000), all],
    ['100-deep nesting of multiparts', deepMessage(100), all],
    // The subject tag only: the scan, not the re-encoding of an 8 MB text part that a disclaimer would cost.
    ['8 MB of boundary look-alike lines in one part', lookAlikeMessage(8 * 1024 * 1024), () => [tagSubject('[EXTERNAL]')]],
  ];
  const rows: Array<MimeRow & { bytes: number }> = [];
  for (const [label, mime, transforms] of cases) {
    for (const [how, run] of [
      ['rewrite', () => drain(rewrite(mime, ...transforms()))],
      ['inspect', () => inspect(mime)],
    ] as const) {
      await run();
      const runs: number[] = [];
      for (let i = 0; i < samples; i++) runs.push(await timed(run));
      rows.push({ name: `${label}: ${how}`, bytes: mime.length, medianMs: median(runs), runsMs: runs.map(Math.round) });
    }
  }
  return rows;
}

function drain(stream: NodeJS.ReadableStream): Promise<number> {
  return new Promise((resolve, reject) => {
    let bytes = 0;
    stream.on('data', (c: Buffer) => (bytes += c.length));
    stream.on('end', () => resolve(bytes));
    stream.on('error', reject);
  });
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

const TIME = '/usr/bin/time';

/** Runs a command; wall time, and peak RSS from GNU time -v when it is there. */
function runProcess(cmd: string, args: string[]): { ms: number; rssMiB?: number; stdout: string } {
  const useTime = fs.existsSync(TIME);
  const start = performance.now();
  const r = useTime ? spawnSync(TIME, ['-v', cmd, ...args], { encoding: 'utf8' }) : spawnSync(cmd, args, { encoding: 'utf8' });
  const elapsed = performance.now() - start;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr?.slice(-2000)}`);
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr ?? '');
  return { ms: elapsed, rssMiB: m ? Number(m[1]) / 1024 : undefined, stdout: r.stdout };
}

export async function mimeBench(samples: number): Promise<MimeBenchResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mime-bench-'));
  try {
    const input = path.join(dir, 'in.eml');
    const out = path.join(dir, 'out.eml');
    fs.writeFileSync(input, largeMessage(MESSAGE_BYTES));
    const messageBytes = fs.statSync(input).size;

    // Children: our rewrite and the mailparser + MailComposer rebuild, each bundled on its own (as a Lambda would ship it).
    for (const name of ['rewrite', 'mailcomposer']) {
      buildSync({ entryPoints: [path.join(__dirname, 'mime', `child-${name}.ts`)], outfile: path.join(dir, `${name}.js`), bundle: true, platform: 'node', format: 'cjs', target: 'node20', minify: true, logLevel: 'error' });
    }
    fs.writeFileSync(path.join(dir, 'copy.js'), "const fs = require('fs'); fs.createReadStream(process.argv[2]).pipe(fs.createWriteStream(process.argv[3]));\n");
    fs.writeFileSync(path.join(dir, 'empty.js'), '\n');

    const transforms = () => [tagSubject('[EXTERNAL]'), addDisclaimer({ text: 'Confidential.', html: '<p>Confidential.</p>' })];
    const inProcess: Array<{ name: string; run: () => Promise<unknown> }> = [
      { name: 'plain stream read, no parsing (the floor)', run: () => drain(fs.createReadStream(input)) },
      { name: 'our rewrite (subject + disclaimer)', run: () => drain(rewrite(fs.createReadStream(input), ...transforms())) },
      { name: 'mailsplit Splitter -> Joiner, no change', run: () => drain(fs.createReadStream(input).pipe(new Splitter()).pipe(new Joiner())) },
      { name: 'mailparser parse only', run: () => simpleParser(fs.createReadStream(input)) },
    ];
    const inRuns = new Map<string, number[]>(inProcess.map((r) => [r.name, []]));
    for (const r of inProcess) await r.run(); // warm-up
    for (let i = 0; i < samples; i++) {
      for (const r of inProcess) inRuns.get(r.name)!.push(await timed(r.run));
    }

    const python = spawnSync('python3', ['--version']).status === 0;
    const whole: Array<{ name: string; cmd: string; args: string[] }> = [
      { name: 'plain copy to a file (node stream pipe)', cmd: process.execPath, args: [path.join(dir, 'copy.js'), input, out] },
      { name: 'our rewrite, file to file', cmd: process.execPath, args: [path.join(dir, 'rewrite.js'), input, out] },
      { name: 'mailparser + nodemailer MailComposer rebuild', cmd: process.execPath, args: [path.join(dir, 'mailcomposer.js'), input, out] },
      ...(python ? [{ name: 'Python email parse + serialize', cmd: 'python3', args: [path.join(__dirname, 'mime', 'python_email.py'), input, out] }] : []),
    ];
    const baseline = runProcess(process.execPath, [path.join(dir, 'empty.js')]).rssMiB;
    const wholeRuns = new Map<string, Array<{ ms: number; rssMiB?: number; stdout: string }>>(whole.map((w) => [w.name, []]));
    for (let i = 0; i < samples; i++) {
      for (const w of whole) wholeRuns.get(w.name)!.push(runProcess(w.cmd, w.args));
    }
    // Python's own parse + serialize time (it prints it): its in-process figure.
    const pyRuns = python ? wholeRuns.get('Python email parse + serialize')!.map((r) => Number(r.stdout.trim())) : [];

    const inRows: MimeRow[] = [...inRuns].map(([name, runs]) => ({ name, medianMs: median(runs), runsMs: runs.map(Math.round) }));
    if (python) inRows.push({ name: 'Python email parse + serialize (its own timer)', medianMs: median(pyRuns), runsMs: pyRuns.map(Math.round) });
    const wholeRows: MimeRow[] = [...wholeRuns].map(([name, runs]) => ({
      name,
      medianMs: median(runs.map((r) => r.ms)),
      runsMs: runs.map((r) => Math.round(r.ms)),
      peakRssMiB: runs.every((r) => r.rssMiB !== undefined) ? Math.max(...runs.map((r) => r.rssMiB!)) : undefined,
    }));
    const ours = wholeRows[1];
    return {
      messageBytes,
      samples,
      inProcess: inRows,
      wholeProcess: wholeRows,
      nodeBaselineRssMiB: baseline,
      ratios: {
        inProcessVsRead: inRows[1].medianMs / inRows[0].medianMs,
        wholeProcessVsCopy: ours.medianMs / wholeRows[0].medianMs,
        rssGrowthVsMessage: ours.peakRssMiB !== undefined && baseline !== undefined ? ((ours.peakRssMiB - baseline) * 1024 * 1024) / messageBytes : undefined,
      },
      timeAvailable: fs.existsSync(TIME),
      structures: await structureBench(samples),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function printMimeBench(r: MimeBenchResult): string {
  const met = (v: number | undefined, goal: number) => (v === undefined ? 'not measured' : v <= goal ? 'met' : 'NOT met');
  const mib = (n?: number) => (n === undefined ? '-' : `${n.toFixed(0)} MiB`);
  return [
    `message: ${(r.messageBytes / 1024 / 1024).toFixed(1)} MiB, one base64 attachment; ${r.samples} sample(s) each after a warm-up, round-robin`,
    table([['in-process (stream from a file)', 'median', 'runs (ms)'], ...r.inProcess.map((x) => [x.name, ms(x.medianMs), x.runsMs.join(', ')])]),
    '',
    table([['whole process (node/python reading a file, writing a file)', 'median', 'peak RSS', 'runs (ms)'], ...r.wholeProcess.map((x) => [x.name, ms(x.medianMs), mib(x.peakRssMiB), x.runsMs.join(', ')])]),
    `node baseline peak RSS (empty script): ${mib(r.nodeBaselineRssMiB)}${r.timeAvailable ? '' : ' (/usr/bin/time missing: RSS not measured)'}`,
    '',
    table([['hostile structures (in-process, from a Buffer)', 'size', 'median', 'runs (ms)'], ...r.structures.map((x) => [x.name, `${(x.bytes / 1024).toFixed(0)} KiB`, ms(x.medianMs), x.runsMs.join(', ')])]),
    `ratios: in-process rewrite / plain read ${r.ratios.inProcessVsRead.toFixed(2)} (goal <= ${MIME_GOALS.inProcessVsRead}: ${met(r.ratios.inProcessVsRead, MIME_GOALS.inProcessVsRead)}); ` +
      `whole process rewrite / plain copy ${r.ratios.wholeProcessVsCopy.toFixed(2)} (goal <= ${MIME_GOALS.wholeProcessVsCopy}: ${met(r.ratios.wholeProcessVsCopy, MIME_GOALS.wholeProcessVsCopy)}; aim <= ${MIME_GOALS.wholeProcessVsCopyAim}: ${met(r.ratios.wholeProcessVsCopy, MIME_GOALS.wholeProcessVsCopyAim)}); ` +
      `peak RSS growth / message size ${r.ratios.rssGrowthVsMessage?.toFixed(2) ?? 'n/a'} (goal <= ${MIME_GOALS.rssGrowthVsMessage}: ${met(r.ratios.rssGrowthVsMessage, MIME_GOALS.rssGrowthVsMessage)})`,
  ].join('\n');
}

if (require.main === module) {
  const samples = process.env.BENCH_QUICK === '1' ? 1 : 5;
  mimeBench(samples)
    .then((r) => {
      console.log(printMimeBench(r));
      if (process.env.BENCH_JSON) fs.writeFileSync(process.env.BENCH_JSON, JSON.stringify(r, null, 2) + '\n');
    })
    .catch((e) => {
      console.error(e);
      process.exit(1);
    });
}

