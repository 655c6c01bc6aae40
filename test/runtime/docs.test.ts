/**
 * The examples of docs/runtime.md are code: the complete handler and its unit tests are written out as files
 * (test/docs/blocks.ts: the package name pointing at this checkout) and the tests run here, as does the README's
 * handler and its unit test. (They type-check with every other block: test/docs/typecheck.test.ts.)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { docDir, findBlock, writeBlocks } from '../docs/blocks';

const dir = path.join(__dirname, '__docs_example__');

// Written while jest collects this file, so that the docs' own test() calls register below.
writeBlocks(dir, [
  findBlock('docs/runtime.md', { fileName: 'handler.ts' }),
  findBlock('docs/runtime.md', { fileName: 'handler-tests.ts' }),
  findBlock('README.md', { fileName: 'handler.ts' }),
  findBlock('README.md', { fileName: 'handler-tests.ts' }),
]);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test("the README's example handler bounces what it says and delivers the rest", async () => {
  const { handler } = require(path.join(docDir(dir, 'README.md'), 'handler.ts'));
  const event = (subject: string) => ({
    summaryVersion: '2018-10-10', envelope: { mailFrom: { address: 'a@example.com' }, recipients: [{ address: 'b@example.com' }] },
    subject, messageId: 'm', truncated: false,
  });
  const context = { getRemainingTimeInMillis: () => 15_000 };
  expect(await handler(event('LOTTERY win'), context)).toEqual({ actions: [{ action: { type: 'BOUNCE', parameters: { bounceMessage: 'Rejected by policy.' } }, allRecipients: true }] });
  expect(await handler(event('Minutes'), context)).toEqual({ actions: [{ action: { type: 'DEFAULT' }, allRecipients: true }] });
});

describe("the README's unit test of its handler", () => {
  require(path.join(docDir(dir, 'README.md'), 'handler-tests.ts'));
});

describe("docs/runtime.md's unit tests of its handler", () => {
  require(path.join(docDir(dir, 'docs/runtime.md'), 'handler-tests.ts'));
});
