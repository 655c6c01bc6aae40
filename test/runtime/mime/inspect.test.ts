/**
 * inspect(): the read-only scan. Checked against mailsplit (a second, independent splitter) on every fixture.
 */
import { Readable } from 'node:stream';
import { inspect, MimeRewriteError } from '../../../lambda/runtime';
import { FIXTURES, largeMessage } from '../../fixtures/mime/fixtures';
import { split, toCrlf } from './helpers';

describe.each(FIXTURES.filter((f) => !f.malformed).map((f) => [f.name, f] as const))('%s', (_name, fixture) => {
  test('the leaf parts, their types and body sizes are those mailsplit finds', async () => {
    // mailsplit does not look into a forwarded message (message/rfc822); inspect does, like the transforms.
    const scan = { ...(await inspect(fixture.mime)) };
    scan.parts = scan.parts.filter((p) => !p.inEmbeddedMessage);
    const leaves = (await split(toCrlf(fixture.mime))).filter((n) => !n.multipart && n.contentType !== 'message/rfc822');
    expect(scan.parts.map((p) => p.contentType)).toEqual(leaves.map((n) => n.contentType || 'text/plain'));
    // mailsplit keeps the line end before a boundary with the body; we give it to the boundary line (RFC 2046).
    scan.parts.forEach((p, i) => expect([leaves[i].body.length, leaves[i].body.length - 2]).toContain(p.bodyBytes));
    expect(scan.parts.filter((p) => p.isAttachment)).toHaveLength(fixture.attachments - (fixture.name === 'mixed-nested' ? 1 : 0));
    expect(scan.warnings).toEqual([]);
  });

  test('the same in 7-byte chunks', async () => {
    const chunks: Buffer[] = [];
    for (let i = 0; i < fixture.mime.length; i += 7) chunks.push(fixture.mime.subarray(i, i + 7));
    expect(await inspect(Readable.from(chunks))).toEqual(await inspect(fixture.mime));
  });
});

test('malformed fixtures: the parts found, with warnings', async () => {
  for (const fixture of FIXTURES.filter((f) => f.malformed)) {
    const scan = await inspect(fixture.mime);
    expect(scan.parts.filter((p) => p.isAttachment)).toHaveLength(fixture.attachments);
    expect(scan.warnings.length).toBeGreaterThan(0);
  }
});

test('stopAt: the scan stops at that part, the parts before it are listed, the input is not read further', async () => {
  const fixture = FIXTURES.find((f) => f.name === 'mixed-nested')!;
  const early = await inspect(fixture.mime, { stopAt: (p) => p.contentType === 'image/png' });
  expect(early.stoppedAt).toMatchObject({ contentType: 'image/png', filename: 'logo.png', path: [0, 1] });
  expect(early.parts.map((p) => p.contentType)).toEqual(['text/plain', 'text/html']);

  const big = largeMessage(8 * 1024 * 1024);
  let pulled = 0;
  const chunks = Array.from({ length: Math.ceil(big.length / 65536) }, (_, i) => big.subarray(i * 65536, i * 65536 + 65536));
  const source = new Readable({ read() { this.push(pulled < chunks.length ? chunks[pulled++] : null); } });
  const scan = await inspect(source, { stopAt: (p) => p.isAttachment });
  expect(scan.stoppedAt).toMatchObject({ filename: 'figures.bin' });
  expect(pulled).toBeLessThan(chunks.length / 4);
  expect(source.destroyed).toBe(true);
});

test('bad input: NOT_MIME, INPUT, TRANSFORM', async () => {
  await expect(inspect('just text')).rejects.toMatchObject({ code: 'NOT_MIME' });
  const failing = new Readable({ read() { this.destroy(new Error('reset')); } });
  await expect(inspect(failing)).rejects.toMatchObject({ code: 'INPUT', message: 'reading the message failed: reset' });
  const thrown = await inspect(FIXTURES[0].mime, { stopAt: () => { throw new Error('bug'); } }).catch((e) => e);
  expect(thrown).toBeInstanceOf(MimeRewriteError);
  expect(thrown).toMatchObject({ code: 'TRANSFORM', message: expect.stringMatching(/bug/) });
});
