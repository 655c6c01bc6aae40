import { Readable } from 'node:stream';
import { Libmime } from 'libmime';
import { addDisclaimer, compose, MimeRewriteError, MimeTransform, rewrite, setHeader, stripAttachments, tagSubject } from '../../../lambda/runtime/mime';
import { FIXTURES } from '../../fixtures/mime/fixtures';
import { collect, messageFlowProblems, parse, split, toCrlf } from './helpers';

const decodeWords = (s: string): string => new Libmime().decodeWords(s);
const TEXT = 'Confidential: meant for the addressee only. Vertraulich – ü.';
const HTML = '<p class="disclaimer">Confidential – ü</p>';

const TRANSFORMS: Record<string, () => MimeTransform[]> = {
  tagSubject: () => [tagSubject('[EXTERNAL]')],
  addDisclaimer: () => [addDisclaimer({ text: TEXT, html: HTML })],
  stripAttachments: () => [stripAttachments()],
  setHeader: () => [setHeader('X-Disclaimer', 'added ✓')],
  composed: () => [compose(tagSubject('[EXTERNAL]'), addDisclaimer({ text: TEXT, html: HTML }), stripAttachments(), setHeader('X-Disclaimer', 'added ✓'))],
};

async function run(mime: Buffer, transforms: MimeTransform[]) {
  const stream = rewrite(mime, ...transforms);
  const out = await collect(stream);
  return { out, report: stream.report };
}

describe.each(FIXTURES.map((f) => [f.name, f] as const))('fixture %s', (_name, fixture) => {
  const input = toCrlf(fixture.mime);

  test.each(Object.keys(TRANSFORMS))('%s: Message Flow checks, same tree, untouched parts byte-identical', async (key) => {
    const { out, report } = await run(fixture.mime, TRANSFORMS[key]());
    expect(messageFlowProblems(out)).toEqual([]);
    expect(report.normalisedLineEnds).toBe(fixture.name === 'bare-lf');
    if (!fixture.malformed) expect(report.warnings).toEqual([]);
    else expect(report.warnings.length).toBeGreaterThan(0);

    const before = await split(input);
    const after = await split(out);
    const stripping = key === 'stripAttachments' || key === 'composed';
    // Same tree: same node count, same types, except removed attachments, now text/plain notes.
    expect(after.map((n) => n.multipart)).toEqual(before.map((n) => n.multipart));
    const removed = report.changes.filter((c) => c.includes(': removed ')).length;
    const edited = report.changes.filter((c) => c.includes(': edited ')).length;
    let differingBodies = 0;
    let differingHeaders = 0;
    before.forEach((b, i) => {
      const a = after[i];
      if (a.contentType !== b.contentType) expect(stripping && a.contentType === 'text/plain').toBe(true);
      if (!a.body.equals(b.body)) differingBodies++;
      if (!a.headers.equals(b.headers) && i > 0) differingHeaders++;
    });
    // Only the parts the report names changed; every other body is byte for byte the input's.
    // On malformed input mailsplit may draw part edges elsewhere (it does not let an outer boundary close an
    // unclosed inner multipart), so two changed parts can fall in one of its nodes.
    if (fixture.malformed) expect(differingBodies).toBeLessThanOrEqual(removed + edited);
    else expect(differingBodies).toBe(removed + edited);
    expect(differingHeaders).toBeLessThanOrEqual(removed + edited);
    if (key === 'tagSubject' || key === 'setHeader') {
      expect(differingBodies).toBe(0);
      // Only the message's header block changed: everything after it is identical.
      const bodyStart = (m: Buffer) => m.indexOf('\r\n\r\n') + 4;
      expect(out.subarray(bodyStart(out)).equals(input.subarray(bodyStart(input)))).toBe(true);
    }

    const parsed = await parse(out);
    const original = await parse(input);
    if (key === 'tagSubject' || key === 'composed') {
      expect(parsed.subject).toBe(original.subject ? `[EXTERNAL] ${original.subject}` : '[EXTERNAL]');
    } else {
      expect(parsed.subject).toBe(original.subject);
    }
    if (key === 'setHeader' || key === 'composed') expect(decodeWords(String(parsed.headers.get('x-disclaimer')))).toBe('added ✓');
    if (key === 'addDisclaimer' || key === 'composed') {
      if (fixture.text !== undefined) {
        expect(parsed.text).toContain(fixture.text);
        expect(parsed.text).toContain(TEXT);
      }
      if (fixture.html !== undefined) {
        expect(parsed.html).toContain(fixture.html);
        expect(parsed.html).toContain(HTML);
        if (/<\/body>/i.test(original.html || '')) expect(parsed.html).toMatch(new RegExp(`${HTML}\\s*</body>`));
      }
      expect(edited).toBe((fixture.text !== undefined ? 1 : 0) + (fixture.html !== undefined ? 1 : 0));
    } else {
      expect(parsed.text ?? '').toContain(fixture.text ?? '');
    }
    if (stripping) {
      expect(removed).toBe(fixture.attachments);
      expect(parsed.attachments.filter((a) => a.contentDisposition === 'attachment')).toHaveLength(0);
    } else {
      expect(removed).toBe(0);
    }
  });

  test('tagSubject is idempotent: a second run changes nothing', async () => {
    const once = await run(fixture.mime, [tagSubject('[EXTERNAL]')]);
    const twice = await run(once.out, [tagSubject('[EXTERNAL]')]);
    expect(twice.out.equals(once.out)).toBe(true);
    expect(twice.report.changes).toEqual([]);
  });
});

describe('changed parts', () => {
  const byName = (name: string) => FIXTURES.find((f) => f.name === name)!.mime;

  test('a QP iso-8859-1 part that cannot carry the disclaimer becomes UTF-8, still quoted-printable', async () => {
    const { out } = await run(byName('alternative'), [addDisclaimer({ text: 'Ω note' })]);
    const nodes = await split(out);
    const text = nodes.find((n) => n.contentType === 'text/plain')!;
    expect(text.headers.toString()).toMatch(/charset=utf-8/i);
    expect(text.headers.toString()).toMatch(/Content-Transfer-Encoding: quoted-printable/);
    expect(text.body.toString('latin1')).toContain('Caf=C3=A9 ouvert =C3=A0 midi.');
    expect(text.body.toString('latin1')).toContain('=CE=A9 note');
  });

  test('a charset that can carry the disclaimer is kept (iso-8859-1 stays iso-8859-1)', async () => {
    const { out } = await run(byName('alternative'), [addDisclaimer({ text: 'Café fermé' })]);
    const text = (await split(out)).find((n) => n.contentType === 'text/plain')!;
    expect(text.headers.toString()).toMatch(/charset=iso-8859-1/);
    expect(text.body.toString('latin1')).toContain('Caf=E9 ferm=E9');
  });

  test('base64 parts stay base64 with 76-column lines', async () => {
    const { out } = await run(byName('gb2312-base64'), [addDisclaimer({ text: '机密', html: '<p>机密</p>' })]);
    const nodes = await split(out);
    for (const type of ['text/plain', 'text/html']) {
      const n = nodes.find((x) => x.contentType === type)!;
      expect(n.headers.toString()).toMatch(/charset=gb2312/);
      expect(n.headers.toString()).toMatch(/Content-Transfer-Encoding: base64/);
      expect(n.body.toString('latin1').split('\r\n').every((l) => l.length <= 76)).toBe(true);
    }
    const parsed = await parse(out);
    expect(parsed.text).toContain('中文邮件正文');
    expect(parsed.text).toContain('机密');
  });

  test('an 8bit part is re-encoded as quoted-printable once touched', async () => {
    const { out } = await run(byName('mixed-nested'), [addDisclaimer({ text: 'x' })]);
    const text = (await split(out)).find((n) => n.contentType === 'text/plain')!;
    expect(text.headers.toString()).toMatch(/Content-Transfer-Encoding: quoted-printable/);
    expect([...text.body].every((b) => b < 128)).toBe(true);
    expect((await parse(out)).text).toContain('Price: 5 € “quoted”');
  });

  test('ISO-2022-JP (which iconv-lite cannot encode) is decoded and the edited part written as UTF-8', async () => {
    const { out } = await run(byName('iso-2022-jp'), [addDisclaimer({ text: '社外秘' })]);
    expect(out.toString('latin1')).toMatch(/Content-Type: text\/plain; charset=utf-8/i);
    const parsed = await parse(out);
    expect(parsed.text).toContain('お元気ですか。');
    expect(parsed.text).toContain('社外秘');
    expect(parsed.subject).toBe('こんにちは');
  });

  test('tagSubject keeps an ASCII-prefixed subject in its own encoded words, and encodes a non-ASCII prefix', async () => {
    const { out } = await run(byName('iso-2022-jp'), [tagSubject('[EXT]')]);
    expect(out.toString('latin1')).toMatch(/^Subject: \[EXT\] =\?ISO-2022-JP\?B\?/m);
    expect((await parse(out)).subject).toBe('[EXT] こんにちは');
    const { out: out2 } = await run(byName('plain'), [tagSubject('[Extern–ü]')]);
    const subjectLine = out2.toString('latin1').split('\r\n').find((l) => l.startsWith('Subject:'))!;
    expect(subjectLine).toMatch(/=\?UTF-8\?Q\?/);
    expect((await parse(out2)).subject).toBe('[Extern–ü] Plain hello');
  });

  test('tagSubject never tags twice, also when the tag sits after Re:', async () => {
    const mime = Buffer.from('Subject: Re: [EXT] hello\r\nContent-Type: text/plain\r\n\r\nx\r\n');
    const { out, report } = await run(mime, [tagSubject('[EXT]')]);
    expect(out.equals(mime)).toBe(true);
    expect(report.changes).toEqual([]);
  });

  test('stripAttachments({ when }) removes only matching attachments and passes declared size and filename', async () => {
    const seen: Array<{ filename?: string; contentType: string; size?: number }> = [];
    const { out, report } = await run(byName('mixed-nested'), [
      stripAttachments({ when: (p) => (seen.push({ filename: p.filename, contentType: p.contentType, size: p.size }), p.contentType === 'application/pdf') }),
    ]);
    expect(seen).toEqual([
      { filename: 'logo.png', contentType: 'image/png', size: undefined },
      { filename: 'résumé.pdf', contentType: 'application/pdf', size: 3000 },
      { filename: 'fwd.eml', contentType: 'message/rfc822', size: undefined },
    ]);
    expect(report.changes).toEqual(['1: removed application/pdf "résumé.pdf"']);
    const parsed = await parse(out);
    expect(parsed.attachments.map((a) => a.filename)).toEqual(['logo.png', 'fwd.eml']);
    expect(out.toString('latin1')).toContain('The attachment "r=C3=A9sum=C3=A9.pdf" (application/pdf) was removed.');
  });

  test('stripAttachments({ maxBytes }) removes attachments whose body is larger, keeps smaller ones byte for byte', async () => {
    const { out, report } = await run(byName('mixed-nested'), [stripAttachments({ maxBytes: 2000, note: (p) => `removed ${p.filename}` })]);
    expect(report.changes).toEqual(['1: removed application/pdf "résumé.pdf" (body over 2000 bytes)']);
    expect(out.toString('latin1')).toContain('removed r=C3=A9sum=C3=A9.pdf');
    const before = await split(toCrlf(byName('mixed-nested')));
    const after = await split(out);
    expect(after.find((n) => n.contentType === 'image/png')!.body.equals(before.find((n) => n.contentType === 'image/png')!.body)).toBe(true);
  });

  test('attachments inside a forwarded message (message/rfc822) are removed too; its text gets no disclaimer', async () => {
    const mime = Buffer.from([
      'Subject: fwd', 'Content-Type: multipart/mixed; boundary=o', '', '--o', 'Content-Type: message/rfc822', '',
      'Subject: inner', 'Content-Type: multipart/mixed; boundary=i', '', '--i', 'Content-Type: text/plain', '', 'inner text', '--i',
      'Content-Type: application/zip; name=x.zip', 'Content-Transfer-Encoding: base64', '', 'UEsDBA==', '--i--', '', '--o--', ''].join('\r\n'));
    const { out, report } = await run(mime, [stripAttachments(), addDisclaimer({ text: 'D' })]);
    expect(report.changes).toEqual(['0.0.1: removed application/zip "x.zip"']);
    expect(out.toString()).not.toContain('UEsDBA==');
    expect(out.toString()).toContain('inner text\r\n--i');
  });

  test('setHeader replaces all fields of that name with one, and adds it when absent', async () => {
    const mime = Buffer.from('Subject: s\r\nX-Tag: a\r\nX-Tag: b\r\nContent-Type: text/plain\r\n\r\nbody\r\n');
    const { out } = await run(mime, [setHeader('X-Tag', 'c')]);
    expect(out.toString()).toBe('Subject: s\r\nX-Tag: c\r\nContent-Type: text/plain\r\n\r\nbody\r\n');
  });

  test.each(['Content-Type', 'content-transfer-encoding', 'MIME-Version', 'From', 'Message-ID', 'Date', 'To', 'Received', 'Resent-From', 'DKIM-Signature', 'ARC-Seal'])(
    'setHeader refuses %s',
    (name) => {
      expect(() => setHeader(name, 'x')).toThrow(new RegExp(`^setHeader: ${name} cannot be changed`));
    },
  );

  test('configuration mistakes are WorkMailConfigurationError INVALID_OPTION, not retryable', () => {
    for (const make of [() => setHeader('X Bad', 'x'), () => addDisclaimer({}), () => tagSubject(''), () => stripAttachments({ maxBytes: 1.5 })]) {
      expect(make).toThrow(expect.objectContaining({ name: 'WorkMailConfigurationError', code: 'INVALID_OPTION', retryable: false }));
    }
  });

  test('setHeader refuses a bad name and a multi-line value; transforms refuse empty options', () => {
    expect(() => setHeader('X Bad', 'x')).toThrow('setHeader: "X Bad" is not a header field name');
    expect(() => setHeader('X-Ok', 'a\r\nBcc: evil@example.com')).toThrow('setHeader: the value of X-Ok must be one line');
    expect(() => addDisclaimer({})).toThrow('addDisclaimer: give `text`, `html` or both');
    expect(() => tagSubject(' ')).toThrow('tagSubject: the prefix must be non-empty');
    expect(() => stripAttachments({ maxBytes: -1 })).toThrow('stripAttachments: maxBytes must be a whole number of bytes >= 0, got -1');
  });
});

describe('bad input', () => {
  test('input that is not MIME fails with MimeRewriteError NOT_MIME, nothing written', async () => {
    const stream = rewrite('just some text\nwithout headers\n', tagSubject('[X]'));
    const chunks: Buffer[] = [];
    stream.on('data', (c) => chunks.push(c));
    const error = await new Promise<unknown>((resolve) => stream.on('error', resolve));
    expect(error).toBeInstanceOf(MimeRewriteError);
    expect((error as MimeRewriteError).code).toBe('NOT_MIME');
    expect((error as Error).message).toMatch(/does not start with a header field \(first line: "just some text"\)/);
    expect(chunks).toEqual([]);
  });

  test('one line without a line end that is not a header field is not MIME; one that is a field is a header-only message', async () => {
    await expect(collect(rewrite('garbage without headers', tagSubject('[X]')))).rejects.toMatchObject({
      code: 'NOT_MIME', message: expect.stringMatching(/first line: "garbage without headers"/),
    });
    expect((await collect(rewrite('Subject: hi', tagSubject('[X]')))).toString()).toMatch(/^Subject: \[X\] hi/);
  });

  test('empty input is not MIME', async () => {
    await expect(collect(rewrite(Buffer.alloc(0)))).rejects.toMatchObject({ code: 'NOT_MIME' });
  });

  test('a failing input stream surfaces as MimeRewriteError INPUT', async () => {
    const input = new Readable({ read() {} });
    input.push('Subject: x\r\n\r\nbody');
    setImmediate(() => input.destroy(new Error('socket hang up')));
    await expect(collect(rewrite(input, tagSubject('[X]')))).rejects.toMatchObject({ code: 'INPUT', message: 'reading the message failed: socket hang up' });
  });

  test('a throwing when() surfaces as MimeRewriteError TRANSFORM', async () => {
    const mime = FIXTURES.find((f) => f.name === 'mixed-nested')!.mime;
    const failing = stripAttachments({ when: () => { throw new Error('boom'); } });
    await expect(collect(rewrite(mime, failing))).rejects.toMatchObject({ code: 'TRANSFORM', message: 'a transform failed: boom' });
  });

  test('malformed structure is carried through unchanged with warnings naming the defect', async () => {
    for (const [name, warning] of [
      ['missing-final-boundary', 'message: missing final boundary "cut" (input ends inside the multipart)'],
      ['truncated', 'message: missing final boundary "tr" (input ends inside the multipart)'],
      ['malformed-boundary', '0: no close delimiter for boundary "inner"'],
    ]) {
      const mime = FIXTURES.find((f) => f.name === name)!.mime;
      const { out, report } = await run(mime, []);
      expect(out.equals(mime)).toBe(true);
      expect(report.warnings).toContain(warning);
    }
  });

  test('a leading mbox "From " line is dropped with a warning', async () => {
    const { out, report } = await run(Buffer.from('From someone@example.com Mon Nov 23 10:00:00 2026\r\nSubject: x\r\n\r\nbody\r\n'), []);
    expect(out.toString()).toBe('Subject: x\r\n\r\nbody\r\n');
    expect(report.warnings).toEqual(['message: dropped a leading mbox "From " line']);
  });

  test('headers only, no body: passed through', async () => {
    const mime = Buffer.from('Subject: x\r\nFrom: a@example.com\r\n');
    const { out } = await run(mime, [tagSubject('[T]')]);
    expect(out.toString()).toBe('Subject: [T] x\r\nFrom: a@example.com\r\n\r\n');
  });
});

describe('streaming', () => {
  test('any chunking gives the same output (boundaries split across chunks)', async () => {
    for (const fixture of FIXTURES) {
      const transforms = () => [tagSubject('[E]'), addDisclaimer({ text: 'T', html: '<p>H</p>' }), stripAttachments({ maxBytes: 1000 })];
      const whole = await run(fixture.mime, transforms());
      for (const size of [1, 2, 3, 7, 64]) {
        const pieces: Buffer[] = [];
        for (let i = 0; i < fixture.mime.length; i += size) pieces.push(fixture.mime.subarray(i, i + size));
        const out = await collect(rewrite(Readable.from(pieces), ...transforms()));
        expect({ fixture: fixture.name, size, same: out.equals(whole.out) }).toEqual({ fixture: fixture.name, size, same: true });
      }
    }
  });
});
