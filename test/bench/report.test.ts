/** What `npm run bench` writes besides its JSON: the figures page and the README's headline (bench/report.ts). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BENCHMARKS_DOC, figuresMarkdown, headlineMarkdown } from '../../bench/report';

const ROOT = path.join(__dirname, '..', '..');
const RESULTS = {
  date: '2026-12-01T10:00:00.000Z',
  machine: { node: 'v20.20.2', platform: 'linux x64', cpus: 2, cpu: 'Test CPU', loadAverageAtStart: [0.5, 0.6, 0.7] },
  samples: { cliRuns: 5 },
  cliSynth: { ratio: 1.0876 },
  runtimeOverhead: { ratio: 1.66 },
  runtimeColdRequire: { p50Ms: 12.04 },
  mime: { ratios: { inProcessVsRead: 0.65, wholeProcessVsCopy: 1.3 } },
  failures: [],
};

test('the figures page and the README hold the markers the bench writes between (a run would fail at its end otherwise)', () => {
  const doc = fs.readFileSync(BENCHMARKS_DOC, 'utf8');
  expect(doc).toMatch(/<!-- bench:figures[^>]*-->[\s\S]+<!-- \/bench:figures -->/);
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  expect(readme).toMatch(/<!-- bench:headline[^>]*-->[\s\S]+docs\/benchmarks\.md[\s\S]*<!-- \/bench:headline -->/);
});

test('the figures say the date, the machine, the method of each section and what each section printed', () => {
  const md = figuresMarkdown(RESULTS, [{ title: 'Library load', key: 'libraryLoad', text: 'a | b\n1 | 2' }], false);
  expect(md).toContain('Run of 2026-12-01');
  expect(md).toContain('Node v20.20.2, linux x64, 2 CPUs (Test CPU), load average at the start 0.50 / 0.60 / 0.70');
  expect(md).toContain('### Library load');
  expect(md).toMatch(/How: a fresh `node` per sample/);
  expect(md).toContain('```text\na | b\n1 | 2\n```');
  expect(figuresMarkdown(RESULTS, [], true)).toContain('BENCH_QUICK=1');
  expect(figuresMarkdown({ ...RESULTS, failures: ['MIME: boom'] }, [], false)).toContain('- MIME: boom');
});

test('the headline gives each ratio against its goal and links the page', () => {
  const md = headlineMarkdown(RESULTS);
  expect(md).toContain('synth of the example app 1.09x the bare function (goal at most 1.15x)');
  expect(md).toContain('1.66x bare `JSON.parse`');
  expect(md).toContain('12.0 ms to `require` cold');
  expect(md).toContain('0.65x a plain read');
  expect(md).toContain('[docs/benchmarks.md](docs/benchmarks.md)');
  expect(headlineMarkdown({ date: 'x' })).toContain('n/a');
});
