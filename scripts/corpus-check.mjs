// Runs the bundled example handler on the real Run Lambda events in ../shared/corpus/events (written by
// other projects) and checks each answer against the synchronous response schema. CI (.ci/run) runs it and
// fails when the corpus is missing or empty; `npm test` does not need it. Usage: node scripts/corpus-check.mjs [dir]
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { corpusCases } from './corpus-cases.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const corpus = process.argv[2] ?? join(root, '..', 'shared', 'corpus', 'events');
const cases = corpusCases('corpus-check', corpus, '.json');
const require = createRequire(import.meta.url);
const bundle = join(root, 'assets', 'examples', 'subject-guard', 'index.js');
// The runtime toolkit's own check of a response (compiled by `npm run build`), as resolveDispositions applies it.
const { checkResponse, parseEvent } = require(join(root, 'dist', 'runtime', 'index.js'));

function load(blockedSubject) {
  delete require.cache[require.resolve(bundle)];
  process.env.BLOCKED_SUBJECT = blockedSubject;
  return require(bundle).handler;
}

const problems = [];
let checked = 0;
for (const [blocked, expected] of [['lottery', 'DEFAULT'], ['amazon workmail', 'BOUNCE']]) {
  const handler = load(blocked);
  for (const { name, path } of cases) {
    const event = JSON.parse(readFileSync(path, 'utf-8'));
    // A Lambda context with WorkMail's whole 15 s budget left (the handler is wrapped with withDeadline).
    const answer = await handler(event, { getRemainingTimeInMillis: () => 15_000 });
    checked++;
    if (event.flowDirection === 'OUTBOUND') {
      if (answer !== undefined) problems.push(`${name}: an outbound (asynchronous) event got an answer`);
      continue;
    }
    const actions = answer?.actions;
    if (!Array.isArray(actions) || actions.length === 0 || actions.length > 10) {
      problems.push(`${name}: expected 1..10 actions, got ${JSON.stringify(answer)}`);
      continue;
    }
    for (const p of checkResponse(answer, parseEvent(event).flowDirection).problems) problems.push(`${name}: ${p.message}`);
    for (const a of actions) {
      if (a.action?.type !== expected) problems.push(`${name}: expected ${expected} with BLOCKED_SUBJECT=${blocked}, got ${JSON.stringify(a)}`);
      if (a.action?.type === 'BOUNCE' && !a.action.parameters?.bounceMessage) problems.push(`${name}: BOUNCE without a bounceMessage`);
      if (a.allRecipients !== true && !Array.isArray(a.recipients)) problems.push(`${name}: an action names no recipients`);
    }
  }
}
for (const p of problems) console.log(`corpus-check: ${p}`);
console.log(`corpus-check: ${checked - problems.length} of ${checked} handler runs on ${corpus} answered as expected`);
process.exit(problems.length === 0 ? 0 : 1);
