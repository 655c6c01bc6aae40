// Runs one event through a bundled example handler (assets/examples/<name>/index.js) in a plain Node
// process, as the Lambda runtime would (no jest VM in between, the bundle's own SDK copies).
// stdin: { assetDir, event }; stdout: a line `@@RESULT@@<json>` with { result } or { error: { name, code, message } }.
'use strict';
const path = require('node:path');

let input = '';
process.stdin.on('data', (chunk) => (input += chunk));
process.stdin.on('end', async () => {
  const { assetDir, event } = JSON.parse(input);
  const { handler } = require(path.join(assetDir, 'index.js'));
  const context = { functionName: 'example', awsRequestId: 'request-1', getRemainingTimeInMillis: () => 15000 };
  let outcome;
  try {
    outcome = { result: await handler(event, context, () => undefined) };
  } catch (error) {
    outcome = { error: { name: error.name, code: error.code, message: error.message } };
  }
  process.stdout.write(`@@RESULT@@${JSON.stringify(outcome)}\n`);
});
