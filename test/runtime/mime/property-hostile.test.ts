/**
 * Properties over generated hostile MIME trees (digests, embedded messages, parts without headers, boundary
 * look-alike lines, encoded words with CR/LF in subjects and file names), any chunking, any transforms:
 * the scan's work is bounded by the input size, the output meets WorkMail's line rules, no header is
 * injected, attachments keep their bytes unless removed, and mailparser and Python's `email` see the same
 * attachments in the output.
 */
import fc from 'fast-check';
import { addDisclaimer, inspect, MimeTransform, setHeader, stripAttachments, tagSubject } from '../../../lambda/runtime/mime';
import { scan, workBound } from './scan';
import { messageFlowProblems } from './helpers';
import { mailparserAttachments, names, PythonJudge } from './judges';

interface Leaf { kind: 'leaf'; type: string; name?: string; body: string; cte: '7bit' | 'base64' | 'quoted-printable'; headerless?: boolean }
interface Multi { kind: 'multi'; subtype: 'mixed' | 'alternative' | 'digest' | 'related'; children: Node[] }
interface Embedded { kind: 'message'; inner: Node }
type Node = Leaf | Multi | Embedded;

const evilWord = (s: string) => `=?utf-8?B?${Buffer.from(s).toString('base64')}?=`;
const fileName = fc.constantFrom('a.pdf', 'b.png', 'c.exe', evilWord('x\r\nX-Evil: 1\r\n\r\n--B0\r\nd.exe'), evilWord('e\n.zip'), 'f g.txt');
const lineBits = fc.constantFrom('hello', ' ', '-- ', '--B0x', '--B1--x', '--B0 -x', ' --B2', '=', 'é', '--', 'a'.repeat(40));
const body = fc.array(lineBits, { maxLength: 12 }).map((a) => a.join('')).chain((first) => fc.array(fc.constant(first), { maxLength: 3 }).map((l) => l.join('\r\n')));
const leaf: fc.Arbitrary<Leaf> = fc.record({
  kind: fc.constant('leaf' as const),
  type: fc.constantFrom('text/plain', 'text/html', 'application/octet-stream', 'image/png'),
  name: fc.option(fileName, { nil: undefined }),
  body,
  cte: fc.constantFrom('7bit' as const, 'base64' as const, 'quoted-printable' as const),
  headerless: fc.boolean(),
});
const { tree } = fc.letrec<{ tree: Node; multi: Multi; message: Embedded }>((tie) => ({
  tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('multi'), tie('message')),
  multi: fc.record({ kind: fc.constant('multi' as const), subtype: fc.constantFrom('mixed' as const, 'alternative' as const, 'digest' as const, 'related' as const), children: fc.array(tie('tree'), { minLength: 0, maxLength: 3 }) }),
  message: fc.record({ kind: fc.constant('message' as const), inner: tie('tree') }),
}));

function serialize(node: Node, ids: { n: number }, inDigest = false): string {
  if (node.kind === 'multi') {
    const b = `B${ids.n++}`;
    return `Content-Type: multipart/${node.subtype}; boundary="${b}"\r\n\r\npreamble\r\n` +
      node.children.map((c) => `--${b}\r\n${serialize(c, ids, node.subtype === 'digest')}\r\n`).join('') + `--${b}--\r\nepilogue`;
  }
  if (node.kind === 'message') {
    // In a digest the type may be left out (RFC 2046 5.1.5).
    return `${inDigest ? '' : 'Content-Type: message/rfc822\r\n'}\r\nSubject: ${evilWord('inner\r\nBcc: x@example.org')}\r\n${serialize(node.inner, ids)}`;
  }
  if (node.headerless) return `\r\n${node.body}`;
  const name = node.name ? `; name="${node.name}"` : '';
  const disp = node.name ? `Content-Disposition: attachment; filename="${node.name}"\r\n` : '';
  const content = node.cte === 'base64' ? Buffer.from(node.body).toString('base64').replace(/.{76}/g, '$&\r\n')
    : node.cte === 'quoted-printable' ? node.body.replace(/=/g, '=3D').replace(/é/g, '=C3=A9').replace(/^-/gm, '=2D') : node.body;
  return `Content-Type: ${node.type}; charset=utf-8${name}\r\n${disp}Content-Transfer-Encoding: ${node.cte === '7bit' && /é/.test(node.body) ? '8bit' : node.cte}\r\n\r\n${content}`;
}

const message = (node: Node): Buffer =>
  Buffer.from(`From: a@example.org\r\nTo: b@example.com\r\nSubject: ${evilWord('hi\r\nReply-To: evil@example.org')} there\r\nMIME-Version: 1.0\r\n${serialize(node, { n: 0 })}\r\n`, 'utf8');

const TRANSFORMS: MimeTransform[] = [
  tagSubject('[外部]'), addDisclaimer({ text: 'Disclaimer – ü.', html: '<p>Disclaimer.</p>' }), stripAttachments({ when: (a) => /\.(exe|png)$/i.test(a.filename ?? '') }),
  stripAttachments({ maxBytes: 60, note: (a) => `Removed ${a.filename}` }), setHeader('X-Checked', 'ü'),
];

let python: PythonJudge;
beforeAll(() => {
  python = new PythonJudge();
});
afterAll(() => python.close());

test('generated hostile trees: bounded work, valid output, nothing injected, attachments kept or removed whole, both readers agree', async () => {
  await fc.assert(
    fc.asyncProperty(tree, fc.subarray(TRANSFORMS), fc.integer({ min: 1, max: 300 }), async (node, transforms, chunk) => {
      const input = message(node);
      const { out, work } = scan(input, chunk, transforms);
      expect(work).toBeLessThanOrEqual(workBound(input.length, chunk));
      expect(messageFlowProblems(out)).toEqual([]);

      const [before, after] = [await python.view(input), await python.view(out)];
      // Content-Type and Content-Transfer-Encoding are ours to write when the message itself is an edited text part.
      const allowed = new Set([...before.headers.map((h) => h.toLowerCase()), 'subject', 'x-checked', 'content-type', 'content-transfer-encoding']);
      expect(after.headers.map((h) => h.toLowerCase()).filter((h) => !allowed.has(h))).toEqual([]);
      // Every attachment in the output is one of the input's, byte for byte (or a note of ours, text/plain).
      const inputBytes = new Set(before.leaves.map((l) => l.sha256));
      for (const l of after.leaves) if (l.filename) expect(inputBytes.has(l.sha256)).toBe(true);
      expect(names(after.leaves).filter((n) => /\.(exe|png)$/i.test(n) && transforms.includes(TRANSFORMS[2]))).toEqual([]);
      // Where the two readers agree on the input, they agree on what we wrote; either way inspect sees every
      // attachment either of them shows (mailparser does not look into a message/rfc822 that is not inline).
      const [mpIn, mpOut] = [names(await mailparserAttachments(input)), names(await mailparserAttachments(out))];
      if (JSON.stringify(mpIn) === JSON.stringify(names(before.leaves))) expect(mpOut).toEqual(names(after.leaves));
      const seen = names((await inspect(out)).parts.filter((p) => p.isAttachment));
      expect(seen).toEqual(expect.arrayContaining([...mpOut, ...names(after.leaves)]));
    }),
    { numRuns: 200 },
  );
});
