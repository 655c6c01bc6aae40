// Runs one event through a bundled handler (assets/examples/<name>/index.js, or an index.mjs) in a plain Node
// process, as the Lambda runtime would (no jest VM in between, the bundle's own SDK copies).
// stdin: { assetDir, event }; stdout: a line `@@RESULT@@<json>` with { result } or { error: { name, code, message } }.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

let input = '';
process.stdin.on('data', (chunk) => (input += chunk));
process.stdin.on('end', async () => {
  const { assetDir, event } = JSON.parse(input);
  // An ES module bundle (index.mjs, as NodejsFunction writes with format ESM) is imported, as Lambda does.
  const esm = path.join(assetDir, 'index.mjs');
  const { handler } = fs.existsSync(esm) ? await import(pathToFileURL(esm).href) : require(path.join(assetDir, 'index.js'));
  const context = { functionName: 'example', awsRequestId: 'request-1', getRemainingTimeInMillis: () => 15000 };
  let outcome;
  try {
    outcome = { result: await handler(event, context, () => undefined) };
  } catch (error) {
    outcome = { error: { name: error.name, code: error.code, message: error.message } };
  }
  process.stdout.write(`@@RESULT@@${JSON.stringify(outcome)}\n`);
});
