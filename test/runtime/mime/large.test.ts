import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { addDisclaimer, rewrite, tagSubject } from '../../../lambda/runtime/mime';
import { largeMessage } from '../../fixtures/mime/fixtures';
import { messageFlowProblems, parse } from './helpers';

// WorkMail's largest message: 40 MB as MIME. Generated at test time, streamed from a file to a file.
test('a 40 MB message streams through: attachment bytes identical, text changed, output valid', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mime-large-'));
  try {
    const input = largeMessage(40 * 1024 * 1024);
    expect(input.length).toBeGreaterThan(40 * 1024 * 1024 - 1024);
    const inFile = path.join(dir, 'in.eml');
    const outFile = path.join(dir, 'out.eml');
    fs.writeFileSync(inFile, input);
    const stream = rewrite(fs.createReadStream(inFile), tagSubject('[EXTERNAL]'), addDisclaimer({ text: 'Confidential.', html: '<p>Confidential.</p>' }));
    await pipeline(stream, fs.createWriteStream(outFile));
    const out = fs.readFileSync(outFile);

    expect(stream.report.changes).toEqual(['message: headers', '0.0: edited text/plain body', '0.1: edited text/html body']);
    expect(stream.report.warnings).toEqual([]);
    expect(messageFlowProblems(out)).toEqual([]);
    // The attachment part, from its headers to the end of the message, is byte for byte the input's.
    const marker = 'Content-Type: application/octet-stream';
    const hash = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    expect(hash(out.subarray(out.indexOf(marker)))).toBe(hash(input.subarray(input.indexOf(marker))));
    const parsed = await parse(out);
    expect(parsed.subject).toBe('[EXTERNAL] Quarterly figures');
    expect(parsed.text).toContain('Please find the figures attached.');
    expect(parsed.text).toContain('Confidential.');
    expect(parsed.html).toMatch(/<p>Confidential\.<\/p>\r?\n<\/body>/);
    expect(parsed.attachments).toHaveLength(1);
    expect(parsed.attachments[0].size).toBeGreaterThan(29 * 1024 * 1024);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
