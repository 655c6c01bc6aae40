/** Whole-process benchmark child: rewrites argv[2] into argv[3] (subject tag + disclaimer), as a handler would. */
import * as fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { addDisclaimer, rewrite, tagSubject } from '../../lambda/runtime/mime';

pipeline(
  rewrite(fs.createReadStream(process.argv[2]), tagSubject('[EXTERNAL]'), addDisclaimer({ text: 'Confidential.', html: '<p>Confidential.</p>' })),
  fs.createWriteStream(process.argv[3]),
).catch((e) => {
  console.error(e);
  process.exit(1);
});
