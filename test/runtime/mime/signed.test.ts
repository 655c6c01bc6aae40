/**
 * Signed and encrypted mail: by default no transform changes signed content (the signature still verifies
 * with openssl / gpg); the options change that knowingly (`signed: 'strip'`) or put the disclaimer around it
 * (`signed: 'wrap'`). The signatures are made at test time (test/runtime/mime/signing.ts).
 */
import { addDisclaimer, inspect, MimeTransform, rewrite, stripAttachments, tagSubject } from '../../../lambda/runtime/mime';
import { collect, messageFlowProblems, parse } from './helpers';
import { mailparserAttachments, names, PythonJudge } from './judges';
import { Signer, unwrap } from './signing';

let signer: Signer;
let python: PythonJudge;
beforeAll(() => {
  signer = new Signer();
  python = new PythonJudge();
});
afterAll(async () => {
  signer.cleanup();
  await python.close();
});

const KINDS = {
  'S/MIME multipart/signed': { make: () => signer.smimeDetached(), valid: (m: Buffer) => signer.smimeValid(m), detached: true },
  'S/MIME application/pkcs7-mime': { make: () => signer.smimeOpaque(), valid: (m: Buffer) => signer.smimeValid(m), detached: false },
  'PGP/MIME multipart/signed': { make: () => signer.pgp(), valid: (m: Buffer) => signer.pgpValid(m), detached: true },
};
const DISCLAIMER = { text: 'Confidential.', html: '<p>Confidential.</p>' };

async function run(mime: Buffer, ...transforms: MimeTransform[]) {
  const stream = rewrite(mime, ...transforms);
  const out = await collect(stream);
  return { out, report: stream.report };
}

describe.each(Object.entries(KINDS))('%s', (_name, kind) => {
  test('the input verifies (the test makes real signatures)', () => {
    const mime = kind.make();
    expect(kind.valid(mime)).toBe(true);
    const tampered = Buffer.from(mime.toString('latin1').replace(/The signed text\.|MIIG/, (m) => (m.startsWith('The') ? 'The signed text!' : 'MIIH')), 'latin1');
    expect(kind.valid(tampered)).toBe(false);
  });

  test('by default addDisclaimer and stripAttachments leave signed content as it is, say so, and the signature verifies', async () => {
    const mime = kind.make();
    const { out, report } = await run(mime, tagSubject('[EXT]'), addDisclaimer(DISCLAIMER), stripAttachments());
    expect(report.changes).toEqual(['message: headers']);
    expect(report.left).toEqual(expect.arrayContaining([expect.stringMatching(/disclaimer was not added: the part is signed/)]));
    if (kind.detached) expect(report.left).toEqual(expect.arrayContaining([expect.stringMatching(/"signed\.exe".*left \(stripAttachments signed: 'leave'\)/)]));
    expect(kind.valid(out)).toBe(true);
    expect(messageFlowProblems(out)).toEqual([]);
    expect((await parse(out)).subject).toBe('[EXT] signed');
  });

  test("addDisclaimer({ signed: 'wrap' }) puts the disclaimer around the signed content, which still verifies; a second run adds nothing", async () => {
    const mime = kind.make();
    const { out, report } = await run(mime, addDisclaimer({ ...DISCLAIMER, signed: 'wrap' }));
    expect(report.changes).toEqual([expect.stringMatching(/^message: wrapped the (multipart\/signed|signed) content with a disclaimer part$/)]);
    expect(messageFlowProblems(out)).toEqual([]);
    expect(kind.valid(unwrap(out))).toBe(true);
    const parsed = await parse(out);
    expect(parsed.text).toContain('Confidential.');
    expect(parsed.html).toContain('<p>Confidential.</p>');
    const py = await python.view(out);
    expect(py.leaves.slice(0, 2).map((l) => l.type)).toEqual(['text/plain', 'text/html']);
    const again = await run(out, addDisclaimer({ ...DISCLAIMER, signed: 'wrap' }));
    expect(again.report.changes).toEqual([]);
    expect(again.out.equals(out)).toBe(true);
  });
});

describe.each(Object.entries(KINDS).filter(([, k]) => k.detached))('%s, signed: strip', (_name, kind) => {
  test("stripAttachments({ signed: 'strip' }) removes the attachment knowingly: both readers lose it, the signature no longer verifies", async () => {
    const mime = kind.make();
    expect(names((await inspect(mime)).parts.filter((p) => p.isAttachment && p.protection === 'signed'))).toContain('signed.exe');
    const { out, report } = await run(mime, stripAttachments({ when: (a) => a.filename === 'signed.exe', signed: 'strip' }));
    expect(report.changes).toEqual(['0.1: removed application/x-msdownload "signed.exe"']);
    expect(names(await mailparserAttachments(out))).not.toContain('signed.exe');
    expect(names((await python.view(out)).leaves)).not.toContain('signed.exe');
    expect(kind.valid(out)).toBe(false);
  });
});

test('multipart/encrypted (PGP/MIME): nothing inside is changed, an attachment-looking part is left', async () => {
  const mime = Buffer.from([
    'From: a@example.org', 'To: b@example.com', 'Subject: secret', 'MIME-Version: 1.0',
    'Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="enc"', '', '--enc', 'Content-Type: application/pgp-encrypted', '', 'Version: 1', '',
    '--enc', 'Content-Type: application/octet-stream; name="encrypted.asc"', 'Content-Disposition: inline; filename="encrypted.asc"', '',
    '-----BEGIN PGP MESSAGE-----', '', 'hQEMA1234567890abcdef', '-----END PGP MESSAGE-----', '', '--enc--', ''].join('\r\n'));
  const { out, report } = await run(mime, addDisclaimer(DISCLAIMER), stripAttachments());
  expect(report.changes).toEqual([]);
  expect(report.left).toEqual(['1: application/octet-stream "encrypted.asc": a matching attachment in encrypted content was left (stripAttachments signed: \'leave\')']);
  expect(out.equals(mime)).toBe(true);
});

test('options: signed must be one of the modes', () => {
  expect(() => addDisclaimer({ text: 'x', signed: 'strip' as never })).toThrow(expect.objectContaining({ name: 'WorkMailConfigurationError', code: 'INVALID_OPTION' }));
  expect(() => stripAttachments({ signed: 'wrap' as never })).toThrow(/stripAttachments: signed must be 'leave' or 'strip', got "wrap"/);
});

test('signed content with a line WorkMail refuses: unchanged it passes, changed elsewhere the rewrite fails with SIGNED (not retryable)', async () => {
  const content = Buffer.from(`Content-Type: text/plain; charset=us-ascii\r\n\r\n${'w'.repeat(1200)}\r\n`);
  const mime = signer.pgp(content);
  const untouched = await run(mime, addDisclaimer({ text: 'x' }));
  expect(untouched.report.changes).toEqual([]);
  expect(signer.pgpValid(untouched.out)).toBe(true);
  await expect(collect(rewrite(mime, tagSubject('[EXT]')))).rejects.toMatchObject({ name: 'MimeRewriteError', code: 'SIGNED', retryable: false });
});
