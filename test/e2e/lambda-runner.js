// Runs one CloudFormation event through a provider asset's `__entrypoint__.js` in a plain Node process,
// as the Lambda runtime would (no jest VM in between), with the response PUT captured instead of sent.
// stdin: { assetDir, event, remainingMs, invokedFunctionArn }; stdout: a line `@@RESULT@@<json>` with the responses.
'use strict';
const path = require('node:path');

let input = '';
process.stdin.on('data', (chunk) => (input += chunk));
process.stdin.on('end', async () => {
  const { assetDir, event, remainingMs, invokedFunctionArn } = JSON.parse(input);
  const end = Date.now() + remainingMs;
  const entry = require(path.join(assetDir, '__entrypoint__.js'));
  const responses = [];
  entry.external.log = () => undefined;
  // The entry point PUTs to port 443 of the ResponseURL's host whatever its port: this is the seam.
  entry.external.sendHttpRequest = async (options, body) => {
    responses.push({ ...JSON.parse(body), request: { hostname: options.hostname, path: options.path, method: options.method } });
  };
  const context = {
    functionName: invokedFunctionArn.split(':')[6],
    invokedFunctionArn,
    awsRequestId: event.RequestId,
    getRemainingTimeInMillis: () => Math.max(0, end - Date.now()),
  };
  await entry.handler(event, context);
  process.stdout.write(`@@RESULT@@${JSON.stringify({ responses })}\n`);
});
