import { Readable } from 'node:stream';
import { simpleParser, ParsedMail } from 'mailparser';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Splitter } = require('mailsplit') as { Splitter: new () => NodeJS.ReadWriteStream };

export async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** One MIME node as mailsplit (a second, independent MIME splitter) sees it. */
export interface SplitNode {
  contentType: string;
  multipart: boolean;
  headers: Buffer;
  body: Buffer;
}

export function split(mime: Buffer): Promise<SplitNode[]> {
  return new Promise((resolve, reject) => {
    const nodes: SplitNode[] = [];
    const bodies: Buffer[][] = [];
    const splitter = new Splitter();
    splitter.on('data', (d: { type: string; contentType?: string; multipart?: string | false; getHeaders?: () => Buffer; value?: Buffer }) => {
      if (d.type === 'node') {
        nodes.push({ contentType: d.contentType ?? '', multipart: !!d.multipart, headers: d.getHeaders!(), body: Buffer.alloc(0) });
        bodies.push([]);
      } else if (d.type === 'body') bodies[bodies.length - 1].push(d.value!);
    });
    splitter.on('end', () => {
      nodes.forEach((n, i) => (n.body = Buffer.concat(bodies[i])));
      resolve(nodes);
    });
    splitter.on('error', reject);
    splitter.end(mime);
  });
}

export function parse(mime: Buffer): Promise<ParsedMail> {
  return simpleParser(mime, { skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true });
}

/** Bare LF turned into CRLF (what the rewrite does to a bare-LF message), for byte comparisons. */
export function toCrlf(mime: Buffer): Buffer {
  return Buffer.from(mime.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
}

/** The checks WorkMail's PutRawMessageContent makes on line ends and lengths: problems found, [] when none. */
export function messageFlowProblems(mime: Buffer): string[] {
  const problems: string[] = [];
  let lineStart = 0;
  let line = 1;
  for (let i = 0; i < mime.length; i++) {
    if (mime[i] === 10) {
      if (i === 0 || mime[i - 1] !== 13) problems.push(`line ${line}: bare LF`);
      if (i + 1 - lineStart > 1000) problems.push(`line ${line}: ${i + 1 - lineStart} bytes incl. CRLF (over 1000)`);
      lineStart = i + 1;
      line++;
    }
  }
  if (mime.length - lineStart > 998) problems.push(`last line: ${mime.length - lineStart} bytes`);
  return problems.slice(0, 5);
}
