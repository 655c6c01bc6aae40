/**
 * Every TypeScript block of README.md and docs/*.md type-checks (strict) against this checkout, as a module, a
 * fragment with what its marker says the rest of the file declares, or the body of a stack (test/docs/blocks.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { allBlocks, documents, ROOT, typeProblems, writeBlocks } from './blocks';

const dir = path.join(__dirname, '__doc_blocks__');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('every ```ts block of the README and docs/ is found: the fences the parser sees are all there are', () => {
  const blocks = allBlocks();
  expect(blocks.length).toBeGreaterThan(10);
  for (const doc of ['README.md', 'docs/runtime.md', 'docs/message-content.md']) expect(blocks.some((b) => b.doc === doc)).toBe(true);
  for (const doc of documents()) {
    const fences = (fs.readFileSync(path.join(ROOT, doc), 'utf8').match(/^```(ts|typescript|tsx|mts)\b.*$/gm) ?? []).length;
    expect([doc, blocks.filter((b) => b.doc === doc).length]).toEqual([doc, fences]);
  }
});

test('every block type-checks (strict); two control blocks in the same program, with mistakes, are reported', () => {
  const blocks = allBlocks();
  const files = writeBlocks(dir, blocks);
  expect(files).toHaveLength(blocks.length);
  // The controls show the check sees the mistakes a document can make: a name the runtime does not export, a wrong type.
  const controls = writeBlocks(path.join(dir, 'control'), [
    { doc: 'control.md', line: 1, kind: 'module', fileName: 'wrong.ts', given: '', code: "import type { WorkMailEvent } from 'cdk-workmail-lambda/runtime';\nexport const e: WorkMailEvent | undefined = undefined;" },
    { doc: 'control.md', line: 5, kind: 'stack', fileName: 'stack.ts', given: '', code: "import { Duration } from 'aws-cdk-lib';\nconst d: Duration = 5;" },
  ]);
  expect(typeProblems([...files, ...controls]).sort()).toEqual([
    expect.stringMatching(/^control\.md:1 .*has no exported member 'WorkMailEvent'/),
    expect.stringMatching(/^control\.md:5 .*Type 'number' is not assignable to type 'Duration'/),
  ]);
}, 180_000);
