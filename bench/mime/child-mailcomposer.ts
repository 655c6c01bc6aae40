/**
 * Whole-process benchmark child: the public templates' way in Node: parse the whole message with mailparser,
 * change it, rebuild it with nodemailer's MailComposer, write argv[3].
 */
import * as fs from 'node:fs';
import { simpleParser } from 'mailparser';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const MailComposer = require('nodemailer/lib/mail-composer') as new (mail: object) => { compile(): { createReadStream(): NodeJS.ReadableStream } };

async function main(): Promise<void> {
  const mail = await simpleParser(fs.createReadStream(process.argv[2]));
  const composer = new MailComposer({
    from: mail.from?.text,
    to: Array.isArray(mail.to) ? mail.to.map((a) => a.text).join(', ') : mail.to?.text,
    subject: `[EXTERNAL] ${mail.subject ?? ''}`,
    date: mail.date,
    messageId: mail.messageId,
    text: `${mail.text ?? ''}\r\nConfidential.`,
    html: typeof mail.html === 'string' ? mail.html.replace('</body>', '<p>Confidential.</p></body>') : undefined,
    attachments: mail.attachments.map((a) => ({ filename: a.filename, content: a.content, contentType: a.contentType })),
  });
  await new Promise<void>((resolve, reject) => {
    composer.compile().createReadStream().pipe(fs.createWriteStream(process.argv[3])).on('finish', resolve).on('error', reject);
  });
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
