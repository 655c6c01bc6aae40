import { Readable } from 'node:stream';
import * as fc from 'fast-check';
import { addDisclaimer, compose, MimeRewriteError, MimeTransform, rewrite, setHeader, stripAttachments, tagSubject } from '../../../lambda/runtime/mime';
import { collect, messageFlowProblems, split } from './helpers';

interface Leaf { kind: 'leaf'; type: string; cte: '7bit' | 'quoted-printable' | 'base64'; charset: string; filename?: string; text: string }
interface Multi { kind: 'multi'; subtype: string; children: Node[] }
type Node = Leaf | Multi;

const text = fc.string({ unit: fc.constantFrom('a', 'b', ' ', 'é', '€', '中', '-', '\n', '=', '.'), maxLength: 200 });
const leaf: fc.Arbitrary<Leaf> = fc.record({
  kind: fc.constant('leaf' as const),
  type: fc.constantFrom('text/plain', 'text/html', 'application/octet-stream', 'image/png'),
  cte: fc.constantFrom('7bit' as const, 'quoted-printable' as const, 'base64' as const),
  charset: fc.constantFrom('utf-8', 'iso-8859-1', 'windows-1252'),
  filename: fc.option(fc.constantFrom('a.pdf', 'résumé.doc', 'x y.zip'), { nil: undefined }),
  text,
});
const { tree } = fc.letrec<{ tree: Node; multi: Multi }>((tie) => ({
  tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('multi')),
  multi: fc.record({
    kind: fc.constant('multi' as const),
    subtype: fc.constantFrom('mixed', 'alternative', 'related'),
    children: fc.array(tie('tree'), { minLength: 1, maxLength: 3 }),
  }),
}));

let boundaryCounter = 0;
function serialize(node: Node, top: boolean): string {
  const head = top ? 'From: a@example.com\r\nTo: b@example.com\r\nSubject: property\r\nMIME-Version: 1.0\r\n' : '';
  if (node.kind === 'multi') {
    const b = `b${boundaryCounter++}_=-x`;
    return `${head}Content-Type: multipart/${node.subtype}; boundary="${b}"\r\n\r\n` +
      node.children.map((c) => `--${b}\r\n${serialize(c, false)}\r\n`).join('') + `--${b}--\r\n`;
  }
  const canonical = node.text.replace(/\n/g, '\r\n');
  const bytes = Buffer.from(canonical, 'utf8');
  let body: string;
  let cte = node.cte;
  if (cte === 'base64') body = bytes.toString('base64').replace(/.{76}(?!$)/g, '$&\r\n');
  else if (cte === 'quoted-printable' || /[^\x00-\x7f]/.test(canonical)) {
    cte = 'quoted-printable';
    body = [...bytes].map((c) => (c === 13 || c === 10 ? String.fromCharCode(c) : c < 33 || c > 126 || c === 61 ? `=${c.toString(16).toUpperCase().padStart(2, '0')}` : String.fromCharCode(c))).join('').replace(/[^\r\n]{70}(?=[^\r\n])/g, '$&=\r\n');
  } else body = canonical;
  const name = node.filename ? `; name="${node.filename}"` : '';
  const disp = node.filename ? `Content-Disposition: attachment; filename="${node.filename}"\r\n` : '';
  return `${head}Content-Type: ${node.type}; charset=utf-8${name}\r\n${disp}Content-Transfer-Encoding: ${cte}\r\n\r\n${body}`;
}

const transforms: fc.Arbitrary<MimeTransform[]> = fc.subarray([
  tagSubject('[EXT]'),
  addDisclaimer({ text: 'disclaimer ü', html: '<p>disclaimer</p>' }),
  stripAttachments({ when: (p) => p.contentType === 'image/png' }),
  stripAttachments({ maxBytes: 100 }),
  setHeader('X-Checked', 'yes'),
]);

test('random MIME trees through compose(...) keep their tree, never throw, and pass the Message Flow checks', async () => {
  await fc.assert(
    fc.asyncProperty(tree, transforms, fc.integer({ min: 1, max: 4096 }), fc.boolean(), async (node, ts, chunkSize, bareLf) => {
      let mime = Buffer.from(serialize(node, true), 'utf8');
      if (bareLf) mime = Buffer.from(mime.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
      const pieces: Buffer[] = [];
      for (let i = 0; i < mime.length; i += chunkSize) pieces.push(mime.subarray(i, i + chunkSize));
      const stream = rewrite(Readable.from(pieces), compose(...ts));
      const out = await collect(stream);
      expect(stream.report.warnings).toEqual([]);
      expect(messageFlowProblems(out)).toEqual([]);
      const before = await split(mime);
      const after = await split(out);
      expect(after.map((n) => n.multipart)).toEqual(before.map((n) => n.multipart));
      expect(after.filter((n) => n.multipart).map((n) => n.contentType)).toEqual(before.filter((n) => n.multipart).map((n) => n.contentType));
      if (ts.length === 0) expect(out.equals(Buffer.from(mime.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1'))).toBe(true);
    }),
    { numRuns: 150 },
  );
});

test('damaged messages (cut, spliced with random bytes, any chunking) end cleanly or fail with MimeRewriteError only', async () => {
  const base = Buffer.from(serialize({ kind: 'multi', subtype: 'mixed', children: [
    { kind: 'leaf', type: 'text/plain', cte: 'quoted-printable', charset: 'utf-8', text: 'hello ü\nworld' },
    { kind: 'multi', subtype: 'alternative', children: [{ kind: 'leaf', type: 'text/html', cte: 'base64', charset: 'utf-8', text: '<p>x</p>' }] },
    { kind: 'leaf', type: 'image/png', cte: 'base64', charset: 'utf-8', filename: 'a.pdf', text: 'binary-ish' },
  ] }, true), 'utf8');
  await fc.assert(
    fc.asyncProperty(fc.nat({ max: base.length }), fc.nat({ max: base.length }), fc.uint8Array({ maxLength: 64 }), transforms, fc.integer({ min: 1, max: 512 }),
      async (cut, at, junk, ts, chunkSize) => {
        const damaged = Buffer.concat([base.subarray(0, Math.min(at, cut)), Buffer.from(junk), base.subarray(Math.min(at, cut), cut)]);
        const pieces: Buffer[] = [];
        for (let i = 0; i < damaged.length; i += chunkSize) pieces.push(damaged.subarray(i, i + chunkSize));
        const stream = rewrite(Readable.from(pieces), compose(...ts));
        try {
          await collect(stream);
        } catch (e) {
          expect(e).toBeInstanceOf(MimeRewriteError);
        }
      }),
    { numRuns: 300 },
  );
});
