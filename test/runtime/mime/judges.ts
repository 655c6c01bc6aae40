/**
 * The two judges of the hostile-input tests: mailparser (with mailsplit, the Node.js view) and Python's
 * `email` (python3, a persistent child process: test/runtime/mime/judge.py). What each sees as the leaf
 * parts of a message, in one shape, so that tests can compare them with each other and with the rewrite.
 */
import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { Libmime } from 'libmime';
import { simpleParser } from 'mailparser';

/** A leaf part as a judge sees it. */
export interface JudgedLeaf {
  readonly type: string;
  readonly filename?: string;
  /** sha256 of the decoded content. */
  readonly sha256: string;
}

export interface PythonView {
  readonly leaves: Array<JudgedLeaf & { path: string; disposition: string | null; size: number }>;
  readonly headers: string[];
  readonly subject: string;
}

/** One python3 process answering many messages. */
export class PythonJudge {
  private readonly child: ChildProcessWithoutNullStreams;
  private buffer = '';
  private readonly waiting: Array<(line: string) => void> = [];

  constructor() {
    this.child = spawn('python3', [path.join(__dirname, 'judge.py')]);
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (d: string) => {
      this.buffer += d;
      for (let nl = this.buffer.indexOf('\n'); nl !== -1; nl = this.buffer.indexOf('\n')) {
        const line = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        this.waiting.shift()?.(line);
      }
    });
  }

  public view(mime: Buffer): Promise<PythonView> {
    return new Promise((resolve, reject) => {
      this.waiting.push((line) => {
        const answer = JSON.parse(line) as PythonView & { error?: string };
        if (answer.error) reject(new Error(`python email: ${answer.error}`));
        else resolve(answer);
      });
      const head = Buffer.alloc(8);
      head.writeBigUInt64BE(BigInt(mime.length));
      this.child.stdin.write(Buffer.concat([head, mime]));
    });
  }

  public close(): Promise<void> {
    return new Promise((resolve) => {
      this.child.on('close', () => resolve());
      this.child.stdin.end();
    });
  }
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** mailparser's attachments (every leaf part it does not take as the text or HTML body). */
export async function mailparserAttachments(mime: Buffer): Promise<JudgedLeaf[]> {
  const parsed = await simpleParser(mime, { skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true, maxChildNodes: 100_000 } as Parameters<typeof simpleParser>[1]);
  return parsed.attachments.map((a) => ({ type: a.contentType, ...(a.filename !== undefined ? { filename: a.filename } : {}), sha256: sha(a.content) }));
}

const libmime = new Libmime();

/** File names that a judge shows, sorted (what an attachment filter must see); RFC 2047 decoded (Python leaves them encoded in a quoted parameter). */
export const names = (leaves: ReadonlyArray<{ filename?: string | null }>): string[] =>
  leaves.map((l) => l.filename).filter((n): n is string => typeof n === 'string').map((n) => (n.includes('=?') ? libmime.decodeWords(n) : n)).sort();
