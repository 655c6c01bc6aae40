/**
 * The hostile corpus (test/fixtures/mime/hostile.ts), one describe per class of defect of docs/mime.md
 * "Hostile input", judged by mailparser and Python's `email` (test/runtime/mime/judge.py).
 */
import { Readable } from 'node:stream';
import { parse as parseHtml } from 'parse5';
import { addDisclaimer, inspect, MIME_LIMITS, MimeRewriteError, MimeTransform, rewrite, setHeader, stripAttachments, tagSubject } from '../../../lambda/runtime/mime';
import { deepMessage, EXE_B64, HOSTILE, HostileCase, wideMessage } from '../../fixtures/mime/hostile';
import { collect, messageFlowProblems, parse } from './helpers';
import { mailparserAttachments, names, PythonJudge } from './judges';
import { scan, workBound } from './scan';

let python: PythonJudge;
beforeAll(() => {
  python = new PythonJudge();
});
afterAll(() => python.close());

const cases = (kind: HostileCase['kind']) => HOSTILE.filter((c) => c.kind === kind).map((c) => [c.name, c] as const);
const ALL = (): MimeTransform[] => [tagSubject('[外部]'), addDisclaimer({ text: 'Disclaimer.', html: '<p class="disclaimer">Disclaimer.</p>' }), stripAttachments(), setHeader('X-Checked', 'yes')];

async function run(mime: Buffer, ...transforms: MimeTransform[]) {
  const stream = rewrite(mime, ...transforms);
  const out = await collect(stream);
  return { out, report: stream.report };
}

describe('termination: every loop makes progress, n bytes cost O(n) work', () => {
  test.each(cases('termination'))('%s: rewrite and inspect end, in work bounded by the input, in any chunking', async (_n, c) => {
    for (const chunk of [1, 3, 64, c.mime.length]) {
      const { work } = scan(c.mime, chunk, ALL());
      expect(work).toBeLessThanOrEqual(workBound(c.mime.length, chunk));
    }
    const { out } = await run(c.mime, ...ALL());
    expect(messageFlowProblems(out)).toEqual([]);
    await expect(inspect(c.mime)).resolves.toMatchObject({ parts: expect.any(Array) });
    // The digest's entries are messages; inside them text/plain applies again (RFC 2046 5.1.5, RFC 2045 5.2).
    const before = await python.view(c.mime);
    const after = await python.view(out);
    expect(after.leaves.map((l) => l.type)).toEqual(before.leaves.map((l) => l.type));
  });

  test('the digest of the issue: its entry is a message whose body is text', async () => {
    const scanned = await inspect(HOSTILE.find((c) => c.name === 'digest-default')!.mime);
    expect(scanned.parts.map((p) => [p.path.join('.'), p.contentType, p.inEmbeddedMessage])).toEqual([['0.0', 'text/plain', true]]);
  });
});

describe('header injection: no header the rewrite writes carries a CR or LF', () => {
  test.each(cases('header'))('%s: the header fields both readers see are the input\'s (and ours), nothing injected', async (_n, c) => {
    for (const transforms of [[tagSubject('[外部]')], [tagSubject('[EXT]')], ALL()]) {
      const { out } = await run(c.mime, ...transforms);
      expect(messageFlowProblems(out)).toEqual([]);
      const [before, after] = [await python.view(c.mime), await python.view(out)];
      const expected = new Set([...before.headers.map((h) => h.toLowerCase()), 'subject', ...(transforms.length > 1 ? ['x-checked'] : [])]);
      expect(after.headers.map((h) => h.toLowerCase()).filter((h) => !expected.has(h))).toEqual([]);
      const parsed = await parse(out);
      expect(parsed.headers.has('reply-to')).toBe(false);
      expect(parsed.headers.has('bcc')).toBe(false);
      expect(parsed.headers.has('x-evil')).toBe(false);
      expect(parsed.subject).toMatch(/^\[(外部|EXT)\] /);
    }
  });

  test('the encoded CR LF stays in the Subject, encoded: readers decode the same text', async () => {
    const { out } = await run(HOSTILE.find((c) => c.name === 'subject-encoded-crlf')!.mime, tagSubject('[外部]'));
    expect((await parse(out)).subject).toBe('[外部] hello x\r\nReply-To: evil@example.org');
    expect(out.toString('latin1').split('\r\n\r\n')[0]).not.toMatch(/\r\nReply-To:/i);
  });

  test('a header value a transform would write with a line break is refused with a typed error', async () => {
    const injecting: MimeTransform = { description: 'bad', start: () => ({ headers: (_p, h) => h.set('X-Bad', 'a\r\nBcc: evil@example.org') }) };
    await expect(collect(rewrite(HOSTILE[0].mime, injecting))).rejects.toMatchObject({ name: 'MimeRewriteError', code: 'HEADER', retryable: false });
  });
});

describe('one view of the parts: what a reader shows, the filter sees', () => {
  test.each(cases('parts'))('%s: inspect finds every attachment mailparser or Python shows; stripAttachments removes them for both', async (_n, c) => {
    const shown = new Set([...names(await mailparserAttachments(c.mime)), ...names((await python.view(c.mime)).leaves), ...(c.attachments ?? [])]);
    const found = names((await inspect(c.mime)).parts.filter((p) => p.isAttachment));
    expect(found).toEqual(expect.arrayContaining([...shown]));
    const { out, report } = await run(c.mime, stripAttachments());
    expect(messageFlowProblems(out)).toEqual([]);
    expect(names(await mailparserAttachments(out))).toEqual([]);
    expect(names((await python.view(out)).leaves)).toEqual([]);
    expect(out.toString('latin1')).not.toContain(EXE_B64);
    expect(report.changes.length).toBeGreaterThanOrEqual(shown.size);
  });

  test.each(cases('parts'))('%s: a transform that changes nothing leaves every leaf as both readers saw it', async (_n, c) => {
    const { out } = await run(c.mime, tagSubject('[EXT]'));
    const [before, after] = [await python.view(c.mime), await python.view(out)];
    expect(after.leaves.map((l) => [l.type, l.filename, l.sha256])).toEqual(before.leaves.map((l) => [l.type, l.filename, l.sha256]));
  });
});

describe('notes: an attacker\'s file name in a note of the user\'s creates no part', () => {
  test.each(cases('note'))('%s', async (_n, c) => {
    const { out, report } = await run(c.mime, stripAttachments({ note: (p) => `Removed ${p.filename}` }));
    expect(report.changes).toEqual([expect.stringMatching(/^1: removed application\/pdf/)]);
    for (const view of [names(await mailparserAttachments(out)), names((await python.view(out)).leaves)]) expect(view).toEqual([]);
    expect((await python.view(out)).leaves.map((l) => l.type)).toEqual(['text/plain', 'text/plain']);
    expect(messageFlowProblems(out)).toEqual([]);
    // The note keeps the name's text (decoded by readers), written so that no line of it is a boundary line.
    expect((await parse(out)).text).toContain('Removed a');
  });
});

describe('HTML: the disclaimer goes to the real end of the body', () => {
  const DISCLAIMER = '<p class="disclaimer">Confidential.</p>';
  test.each(cases('html'))('%s: a browser parsing the output finds the disclaimer in the body, not in a comment or script', async (_n, c) => {
    const { out } = await run(c.mime, addDisclaimer({ html: DISCLAIMER }));
    const html = (await parse(out)).html as string;
    const doc = parseHtml(html) as unknown as Node5;
    const found = findAll(doc, (n) => n.nodeName === 'p' && (n.attrs ?? []).some((a) => a.name === 'class' && a.value === 'disclaimer'));
    expect(found).toHaveLength(1);
    expect(ancestors(found[0]).map((n) => n.nodeName)).toContain('body');
  });
});

describe('output: what WorkMail would refuse is written anew, content unchanged', () => {
  test.each(cases('output'))('%s: Message Flow rules met, every leaf decodes to the same bytes for both readers', async (_n, c) => {
    const { out, report } = await run(c.mime, tagSubject('[EXT]'));
    expect(messageFlowProblems(out)).toEqual([]);
    const [before, after] = [await python.view(c.mime), await python.view(out)];
    const binary = (l: { type: string }) => !l.type.startsWith('text/plain');
    expect(after.leaves.filter(binary).map((l) => l.sha256)).toEqual(before.leaves.filter(binary).map((l) => l.sha256));
    // In what we wrote, both readers see the same attachments with the same bytes (mailparser missed one in the input).
    expect((await mailparserAttachments(out)).map((a) => a.sha256).sort()).toEqual(after.leaves.filter((l) => l.filename).map((l) => l.sha256).sort());
    if (c.name !== 'latin1-labelled-utf8') expect(report.repaired.length).toBeGreaterThan(0);
  });

  test('a part whose bytes are not valid in its charset is not decoded (nothing lost), and says so', async () => {
    const c = HOSTILE.find((x) => x.name === 'latin1-labelled-utf8')!;
    const { out, report } = await run(c.mime, addDisclaimer({ text: 'Disclaimer.' }));
    expect(report.changes).toEqual([]);
    expect(report.warnings).toEqual(['message: not edited: its bytes are not valid utf-8 (decoding would lose them)']);
    expect(out.subarray(out.indexOf('\r\n\r\n')).equals(c.mime.subarray(c.mime.indexOf('\r\n\r\n')))).toBe(true);
  });
});

describe('limits: deeper or wider than MIME_LIMITS is refused with LIMIT', () => {
  test(`10,000 parts and ${MIME_LIMITS.maxDepth}-deep nesting are read, in work bounded by the input`, async () => {
    for (const mime of [wideMessage(10_000), deepMessage(MIME_LIMITS.maxDepth)]) {
      const { out, work } = scan(mime, 65536, ALL());
      expect(work).toBeLessThanOrEqual(workBound(mime.length, 65536));
      expect(messageFlowProblems(out)).toEqual([]);
      const scanned = await inspect(Readable.from([mime]));
      expect(scanned.parts.length).toBeGreaterThan(1);
      expect(names(await mailparserAttachments(out))).toEqual([]);
      expect(names((await python.view(out)).leaves)).toEqual([]);
    }
    expect((await inspect(wideMessage(10_000))).parts.filter((p) => p.isAttachment)).toHaveLength(1000);
  });

  test.each([
    ['nesting', deepMessage(MIME_LIMITS.maxDepth + 1), /nested 101 levels deep; at most 100/],
    ['parts', wideMessage(MIME_LIMITS.maxParts), /more than 20000 parts/],
    ['header block', Buffer.from(`Subject: x\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nX-Pad: ${'a'.repeat(MIME_LIMITS.maxHeaderBytes)}\r\n\r\nx\r\n--b--\r\n`), /header block is longer than 262144 bytes/],
    ['boundary', Buffer.from(`Subject: x\r\nContent-Type: multipart/mixed; boundary="${'b'.repeat(MIME_LIMITS.maxBoundaryLength + 1)}"\r\n\r\nx\r\n`), /boundary of 201 characters/],
  ])('%s', async (_n, mime, message) => {
    for (const attempt of [collect(rewrite(mime, ...ALL())), inspect(mime)]) {
      const error = await (attempt as Promise<unknown>).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MimeRewriteError);
      expect(error).toMatchObject({ code: 'LIMIT', retryable: false, message: expect.stringMatching(message) });
    }
  });
});

interface Node5 { nodeName: string; attrs?: Array<{ name: string; value: string }>; childNodes?: Node5[]; content?: Node5; parentNode?: Node5 }
function findAll(n: Node5, pred: (n: Node5) => boolean, acc: Node5[] = []): Node5[] {
  if (pred(n)) acc.push(n);
  for (const c of n.childNodes ?? []) findAll(c, pred, acc);
  return acc;
}
function ancestors(n: Node5): Node5[] {
  const out: Node5[] = [];
  for (let p = n.parentNode; p; p = p.parentNode) out.push(p);
  return out;
}
