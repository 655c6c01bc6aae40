/**
 * The README works where it is read: in the installed package (node_modules/cdk-workmail-lambda, an editor's
 * preview), on npm and on Construct Hub (which show the package's README). Every link of the README is relative
 * and resolves inside the packed tarball, to a file and, for `#anchor`, to a heading of it; the same holds for the
 * relative links of the docs it links to, which ship with it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pack, ROOT } from './packed';

interface Link { doc: string; line: number; target: string }

/** The links of a markdown text: inline `[text](target)` and `<a href>` outside code blocks and code spans, and reference definitions. */
function linksOf(doc: string, text: string): Link[] {
  const links: Link[] = [];
  let fenced = false;
  text.split('\n').forEach((raw, i) => {
    if (/^\s*```/.test(raw)) {
      fenced = !fenced;
      return;
    }
    if (fenced) return;
    const line = raw.replace(/`[^`]*`/g, '');
    for (const m of line.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) links.push({ doc, line: i + 1, target: m[1] });
    for (const m of line.matchAll(/<a\s[^>]*href="([^"]+)"/g)) links.push({ doc, line: i + 1, target: m[1] });
    const def = /^\s{0,3}\[[^\]]+\]:\s*(\S+)/.exec(line);
    if (def) links.push({ doc, line: i + 1, target: def[1] });
  });
  return links;
}

/** GitHub's anchors of a markdown text's headings (lower case, punctuation but `-` and `_` dropped, spaces to `-`, repeats numbered). */
function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of text.split('\n')) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const slug = heading[1].replace(/<[^>]+>/g, '').toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return anchors;
}

/** What is wrong with each link of `doc` in the file set `files` (paths relative to the package root). */
function brokenLinks(doc: string, text: string, files: Set<string>, read: (file: string) => string): string[] {
  return linksOf(doc, text).flatMap(({ line, target }) => {
    const at = `${doc}:${line} ${target}`;
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) return [`${at}: links to another host`];
    const [file, anchor] = target.split('#');
    const resolved = file === '' ? doc : path.posix.normalize(path.posix.join(path.posix.dirname(doc), decodeURIComponent(file)));
    if (resolved.startsWith('../')) return [`${at}: outside the package`];
    const isDir = [...files].some((f) => f.startsWith(`${resolved.replace(/\/$/, '')}/`));
    if (!files.has(resolved) && !isDir) return [`${at}: ${resolved} is not in the package`];
    if (anchor !== undefined && resolved.endsWith('.md') && !anchorsOf(read(resolved)).has(anchor)) return [`${at}: no heading #${anchor} in ${resolved}`];
    return [];
  });
}

let tmp: string;
let files: Set<string>;
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-workmail-links-'));
  files = new Set(pack(tmp).files.map((f) => f.path));
});

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test('every link of the README is relative and resolves inside the packed tarball (file and heading)', () => {
  const links = linksOf('README.md', read('README.md'));
  // The README links to the docs, the API reference and its own sections.
  expect(links.length).toBeGreaterThan(10);
  expect(links.map((l) => l.target)).toEqual(expect.arrayContaining(['docs/runtime.md', 'API.md', 'API.python.md']));
  expect(brokenLinks('README.md', read('README.md'), files, read)).toEqual([]);
});

test('the relative links of the shipped docs resolve inside the tarball too', () => {
  const docs = [...files].filter((f) => /^docs\/.*\.md$/.test(f));
  expect(docs.length).toBeGreaterThan(5);
  const broken = docs.flatMap((doc) => brokenLinks(doc, read(doc), files, read).filter((problem) => !problem.endsWith('links to another host')));
  expect(broken).toEqual([]);
});

test('the check reports a link to a file that does not ship, to a missing heading, outside the package and to another host', () => {
  const text = [
    'See [the source](lambda/rules/contract.ts), [limits](docs/service-limits.md#no-such-heading),',
    '[up](../other/README.md), [site](https://example.com/docs) and [fine](docs/runtime.md#bundling-a-handler).',
    '```',
    '[in a code block](not/checked.md)',
    '```',
  ].join('\n');
  expect(brokenLinks('README.md', text, files, read)).toEqual([
    'README.md:1 lambda/rules/contract.ts: lambda/rules/contract.ts is not in the package',
    'README.md:1 docs/service-limits.md#no-such-heading: no heading #no-such-heading in docs/service-limits.md',
    'README.md:2 ../other/README.md: outside the package',
    'README.md:2 https://example.com/docs: links to another host',
  ]);
});

test("package.json's repository and homepage are set (jsii requires them; npm and Construct Hub link to them)", () => {
  const pkg = JSON.parse(read('package.json'));
  expect(pkg.repository).toEqual({ type: 'git', url: expect.stringMatching(/^https:\/\/github\.com\/[\w.-]+\/cdk-workmail-lambda\.git$/) });
  expect(pkg.homepage).toBe(`${pkg.repository.url.replace(/\.git$/, '')}#readme`);
});
