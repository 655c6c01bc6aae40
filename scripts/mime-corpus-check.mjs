// Runs every MIME transform over every message of ../shared/corpus/mime (real test messages of mailparser
// and postal-mime) and checks each output: no error, CRLF line ends, no line over 1000 bytes that the input
// did not already have, the same tree (mailsplit) and the same subject/attachments (mailparser) as expected.
// For CI (.ci/run), which fails when the corpus is missing or holds no message; `npm test` never reads ../shared.
// Usage: node scripts/mime-corpus-check.mjs [dir]
import { buildSync } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { corpusCases } from './corpus-cases.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const corpus = process.argv[2] ?? join(root, '..', 'shared', 'corpus', 'mime');
// Before anything is built: a missing or empty corpus ends the run at once, saying so.
const cases = corpusCases('mime-corpus-check', corpus, '.eml');
const require = createRequire(import.meta.url);
const { simpleParser } = require('mailparser');
const { Splitter } = require('mailsplit');

const tmp = mkdtempSync(join(tmpdir(), 'mime-corpus-'));
const bundle = join(tmp, 'mime.js');
buildSync({ entryPoints: [join(root, 'lambda/runtime/mime/index.ts')], outfile: bundle, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'error' });
const mime = require(bundle);
rmSync(tmp, { recursive: true, force: true });

const TEXT = 'Confidential – corpus check.';
const HTML = '<p>Confidential – corpus check.</p>';
const SETS = {
  tagSubject: () => [mime.tagSubject('[EXTERNAL]')],
  addDisclaimer: () => [mime.addDisclaimer({ text: TEXT, html: HTML })],
  stripAttachments: () => [mime.stripAttachments()],
  setHeader: () => [mime.setHeader('X-Corpus-Check', 'yes')],
  composed: () => [mime.compose(mime.tagSubject('[EXTERNAL]'), mime.addDisclaimer({ text: TEXT, html: HTML }), mime.stripAttachments(), mime.setHeader('X-Corpus-Check', 'yes'))],
};

const collect = async (stream) => { const c = []; for await (const x of stream) c.push(x); return Buffer.concat(c); };
const toCrlf = (b) => Buffer.from(b.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
const longLines = (b) => new Set(b.toString('latin1').split('\r\n').filter((l) => l.length > 998));
const tree = (b) => new Promise((resolve, reject) => {
  const nodes = [];
  const s = new Splitter();
  s.on('data', (d) => { if (d.type === 'node') nodes.push(d.multipart ? `multipart/${d.multipart}` : 'leaf'); });
  s.on('end', () => resolve(nodes));
  s.on('error', reject);
  s.end(b);
});

// Inputs on which the second parser reads the structure differently from RFC 2045/2046, and why.
const KNOWN_TREE_DIFFERENCES = {
  'mailparser-spam.eml': 'a text/html part with a boundary parameter: mailsplit splits it like a multipart; the rewrite reads one text/html part and edits it as such',
};

const failures = [];
let checks = 0;
const files = cases.map((c) => c.name);
for (const { name: file, path } of cases) {
  const input = readFileSync(path);
  const normal = toCrlf(input);
  const inTree = await tree(normal);
  const inParsed = await simpleParser(normal);
  const inLong = longLines(normal);
  for (const [name, make] of Object.entries(SETS)) {
    checks++;
    const fail = (why) => failures.push(`${file} / ${name}: ${why}`);
    let out;
    let stream;
    try {
      stream = mime.rewrite(input, ...make());
      out = await collect(stream);
    } catch (e) {
      fail(`${e.name} ${e.code ?? ''}: ${e.message}`);
      continue;
    }
    if (/(^|[^\r])\n/.test(out.toString('latin1'))) fail('bare LF in the output');
    const newLong = [...longLines(out)].filter((l) => !inLong.has(l));
    if (newLong.length) fail(`${newLong.length} new line(s) over 998 bytes`);
    const outTree = await tree(out);
    if (JSON.stringify(outTree) !== JSON.stringify(inTree) && !KNOWN_TREE_DIFFERENCES[file]) fail(`tree changed: ${inTree.join(',')} -> ${outTree.join(',')}`);
    const parsed = await simpleParser(out);
    const tagged = name === 'tagSubject' || name === 'composed';
    const expectedSubject = tagged ? (inParsed.subject && !inParsed.subject.includes('[EXTERNAL]') ? `[EXTERNAL] ${inParsed.subject}` : inParsed.subject ?? '[EXTERNAL]') : inParsed.subject;
    if (parsed.subject !== expectedSubject) fail(`subject ${JSON.stringify(parsed.subject)}, expected ${JSON.stringify(expectedSubject)}`);
    const stripped = name === 'stripAttachments' || name === 'composed';
    const removed = stream.report.changes.filter((c) => c.includes(': removed ')).length;
    if (!stripped && removed) fail(`${removed} part(s) removed`);
    // The message itself is never removed, even when its only part is disposed as an attachment.
    // Attachments inside signed content are left by default (the signature stays valid) and named in report.left.
    const remaining = parsed.attachments.filter((a) => a.contentDisposition === 'attachment').length;
    if (stripped && inTree.length > 1 && remaining > stream.report.left.length) fail(`${remaining} attachment(s) still there, ${stream.report.left.length} left in signed content`);
    if ((name === 'addDisclaimer' || name === 'composed') && inParsed.text && stream.report.changes.some((c) => c.includes('edited text/plain')) && !parsed.text?.includes(TEXT)) fail('text disclaimer missing');
    if (stream.report.warnings.length) console.log(`  note ${file} / ${name}: ${stream.report.warnings.join('; ')}`);
  }
}
for (const [file, why] of Object.entries(KNOWN_TREE_DIFFERENCES)) console.log(`  known: ${file}: ${why}`);
console.log(`MIME corpus: ${files.length} messages x ${Object.keys(SETS).length} transforms = ${checks} checks, ${failures.length} failed`);
for (const f of failures) console.log(`  FAIL ${f}`);
process.exitCode = failures.length ? 1 : 0;
