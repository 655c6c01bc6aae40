/**
 * The TypeScript blocks of README.md and docs/*.md as code: every ```ts (or ```typescript, or ```mts) block is found, written
 * out as a file that imports this checkout instead of the published package, and type-checked (strict) by
 * test/docs/typecheck.test.ts. Tests that also run or synthesize a block take its file from here.
 *
 * A block is a whole module unless the line before its fence says otherwise, visibly:
 *
 *   <!-- doc-block: fragment; given: <TypeScript> -->   part of a file: `given` is what the rest of the file
 *                                                        declares (imports, `declare const ...`), put before it
 *   <!-- doc-block: stack; given: <TypeScript> -->      the body of a Stack's constructor (`this` is the stack),
 *                                                        the class exported as `DocStack`; its imports hoisted
 *   <!-- doc-block: module as handler.ts -->            a module written as `handler.ts` (blocks of one document
 *                                                        share a directory: another block may import './handler')
 *
 * `as <name>` and `given:` may be combined with any kind; text after a `;` is a note for readers, and `given:`
 * comes last (it runs to the end of the marker).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

export const ROOT = path.join(__dirname, '..', '..');

export type DocBlockKind = 'module' | 'fragment' | 'stack';

export interface DocBlock {
  /** The document, relative to the repository root (README.md, docs/runtime.md, ...). */
  readonly doc: string;
  /** The line of the opening fence (1-based). */
  readonly line: number;
  readonly kind: DocBlockKind;
  /** The file name the block is written as (`as <name>`), else `block-<line>.ts`. */
  readonly fileName: string;
  /** What the rest of the file declares, for fragments and stack bodies. */
  readonly given: string;
  /** The block's code, as the document shows it. */
  readonly code: string;
}

/** README.md and every docs/*.md. */
export function documents(): string[] {
  return ['README.md', ...fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
}

// ```mts marks TypeScript that runs in Node.js only (a handler's code): jsii-rosetta, which translates the README's
// ```ts blocks for the Python documentation (Construct Hub, API.python.md), leaves it as it is.
const FENCE = /^```(ts|typescript|mts)\s*$/;
const MARKER = /^<!--\s*doc-block:\s*(.*?)\s*-->$/;

/** The TypeScript blocks of one document, with their markers; a malformed marker throws, naming the line. */
export function blocksOf(doc: string): DocBlock[] {
  const lines = fs.readFileSync(path.join(ROOT, doc), 'utf8').split('\n');
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].startsWith('```')) continue;
    const open = i;
    let close = open + 1;
    while (close < lines.length && !lines[close].startsWith('```')) close++;
    i = close;
    if (!FENCE.test(lines[open])) continue;
    const marker = MARKER.exec(lines[open - 1] ?? '');
    const { kind, fileName, given } = parseMarker(marker?.[1], `${doc}:${open}`);
    blocks.push({ doc, line: open + 1, kind, fileName: fileName ?? `block-${open + 1}.ts`, given, code: lines.slice(open + 1, close).join('\n') });
  }
  return blocks;
}

function parseMarker(text: string | undefined, where: string): { kind: DocBlockKind; fileName?: string; given: string } {
  if (text === undefined) return { kind: 'module', given: '' };
  // `given:` runs to the end of the marker (its statements have their own semicolons); notes come before it.
  const at = text.search(/(^|;)\s*given:/);
  const given = at < 0 ? '' : text.slice(text.indexOf('given:', at) + 'given:'.length).trim();
  const head = (at < 0 ? text : text.slice(0, at)).split(';')[0].trim();
  const match = /^(module|fragment|stack)(?:\s+as\s+([\w.-]+\.ts))?$/.exec(head);
  if (!match) throw new Error(`${where}: doc-block marker must start with module, fragment or stack (optionally "as <name>.ts"), got "${head}"`);
  return { kind: match[1] as DocBlockKind, fileName: match[2], given: given ? `${given.replace(/;?$/, ';')}` : '' };
}

/** Every block of README.md and docs/*.md. */
export function allBlocks(): DocBlock[] {
  return documents().flatMap(blocksOf);
}

/** The package's specifiers, pointing at this checkout's sources from `dir`. */
function toCheckout(code: string, dir: string): string {
  const rel = (p: string) => {
    const r = path.relative(dir, path.join(ROOT, p)).split(path.sep).join('/');
    return r.startsWith('.') ? r : `./${r}`;
  };
  return code
    .replace(/(['"])cdk-workmail-lambda\/runtime\1/g, `'${rel('lambda/runtime')}'`)
    .replace(/(['"])cdk-workmail-lambda\/testing\1/g, `'${rel('local')}'`)
    .replace(/(['"])cdk-workmail-lambda\1/g, `'${rel('lib')}'`);
}

/** The source of the file a block is written as, in `dir`. */
export function sourceOf(block: DocBlock, dir: string): string {
  const header = `// ${block.doc}:${block.line} (${block.kind}), written by test/docs/blocks.ts\n`;
  if (block.kind === 'stack') {
    const lines = block.code.split('\n');
    // The imports (with their continuation lines) go to the top; the rest is the constructor's body.
    const imports: string[] = [];
    let i = 0;
    while (i < lines.length && (/^import\b/.test(lines[i]) || lines[i].trim() === '')) {
      imports.push(lines[i]);
      if (/^import\b/.test(lines[i]) && !/;\s*$/.test(lines[i])) {
        while (++i < lines.length && !/;\s*$/.test(lines[i])) imports.push(lines[i]);
        if (i < lines.length) imports.push(lines[i]);
      }
      i++;
    }
    return toCheckout(`${header}${imports.join('\n')}
import { Stack as DocStackBase } from 'aws-cdk-lib';
import type { Construct as DocConstruct } from 'constructs';
${block.given}
export class DocStack extends DocStackBase {
  constructor(scope: DocConstruct, id: string) {
    super(scope, id, { env: { account: '123456789012', region: 'us-east-1' } });
${lines.slice(i).join('\n')}
  }
}
`, dir);
  }
  return toCheckout(`${header}${block.given ? `${block.given}\n` : ''}${block.code}\n${block.kind === 'fragment' ? 'export {};\n' : ''}`, dir);
}

/** The directory of a document's blocks under `root`. */
export function docDir(root: string, doc: string): string {
  return path.join(root, doc.replace(/\.md$/, '').replace(/[^\w]+/g, '-'));
}

/** Writes `blocks` under `root` (a directory per document); returns the file of each block, in order. */
export function writeBlocks(root: string, blocks: readonly DocBlock[]): string[] {
  return blocks.map((block) => {
    const dir = docDir(root, block.doc);
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, block.fileName);
    fs.writeFileSync(file, sourceOf(block, dir));
    return file;
  });
}

/** The block of `doc` written as `fileName` (`as <name>`), or the one at `line`. */
export function findBlock(doc: string, which: { fileName: string } | { line: number }): DocBlock {
  const found = blocksOf(doc).find((b) => ('fileName' in which ? b.fileName === which.fileName : b.line === which.line));
  if (!found) throw new Error(`${doc} has no TypeScript block ${JSON.stringify(which)}`);
  return found;
}

/**
 * Type errors in `files`, with this repository's strict settings (tsconfig.dev.json) except the unused-name
 * checks (an example may import more than it uses), as ES modules resolved the way a bundler does (an example may
 * `await` at the top level, as in an ES module script). One program for all files.
 */
export function typeProblems(files: readonly string[]): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, 'tsconfig.dev.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
  const program = ts.createProgram(files as string[], {
    ...config.options, noUnusedLocals: false, noUnusedParameters: false, noEmit: true,
    module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler,
  });
  return ts.getPreEmitDiagnostics(program)
    .filter((d) => d.file && files.includes(d.file.fileName))
    .map((d) => {
      const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
      const origin = /^\/\/ (\S+) /.exec(d.file!.text)?.[1] ?? d.file!.fileName;
      return `${origin} (${path.basename(d.file!.fileName)} line ${line + 1}): ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
}
