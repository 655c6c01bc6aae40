/**
 * Cold start of handlers that use message content (`getRawMessage`/`putRawMessage`), measured side by side:
 *
 * - `SDK imported at top level`: a handler that imports both SDK clients statically (what the runtime avoids);
 * - `runtime, content unused`: a handler importing the runtime module but never calling these functions;
 * - `runtime, content used (example)`: the external-tag example bundle, where the SDK is bundled but
 *   evaluated on the first call only.
 *
 * Each bundle is made with the options of scripts/bundle.mjs; each sample is a fresh `node` process: require
 * time, then (where the handler reads messages) the first getRawMessage call against the local endpoints.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { build } from 'esbuild';
import { startMessageContentEndpoints } from '../test/local/message-content-endpoints';
import { median, round } from './stats';

const ROOT = path.join(__dirname, '..');
const OUT = path.join(ROOT, '.bench', 'message-content');

export interface MessageContentColdRow {
  readonly name: string;
  readonly bundleBytes: number;
  readonly requireMedianMs: number;
  /** require + the first getRawMessage call (SDK evaluated, client made, one request); undefined where the handler reads nothing. */
  readonly firstCallMedianMs?: number;
}

const VARIANTS = [
  {
    name: 'SDK imported at top level',
    source: `import { WorkMailMessageFlowClient, GetRawMessageContentCommand } from '@aws-sdk/client-workmailmessageflow';
      import { S3Client } from '@aws-sdk/client-s3';
      let c: WorkMailMessageFlowClient | undefined;
      export const handler = async (id: string) => { c ??= new WorkMailMessageFlowClient({}); void S3Client; return c.send(new GetRawMessageContentCommand({ messageId: id })); };`,
    reads: true,
  },
  {
    name: 'runtime, content unused',
    source: `import { MESSAGE_CONTENT_BUCKET_ENV } from './lambda/runtime/message-content';
      export const handler = async () => process.env[MESSAGE_CONTENT_BUCKET_ENV];`,
    reads: false,
  },
  {
    name: 'runtime, content used (example)',
    source: `import { getRawMessage } from './lambda/runtime/message-content';
      export { handler as example } from './lambda/examples/external-tag';
      export const handler = async (id: string) => getRawMessage(id);`,
    reads: true,
  },
];

function runNode(script: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['-e', script], { env, cwd: OUT }, (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout.trim())));
  });
}

export async function messageContentCold(samples: number): Promise<MessageContentColdRow[]> {
  fs.mkdirSync(OUT, { recursive: true });
  const bundles: string[] = [];
  for (const [i, variant] of VARIANTS.entries()) {
    const outfile = path.join(OUT, `variant-${i}.js`);
    // The options of scripts/bundle.mjs.
    await build({
      stdin: { contents: variant.source, resolveDir: ROOT, loader: 'ts', sourcefile: `variant-${i}.ts` },
      outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', mainFields: ['module', 'main'],
      supported: { 'dynamic-import': false }, minify: true, legalComments: 'none', logLevel: 'error',
    });
    bundles.push(outfile);
  }

  const endpoints = await startMessageContentEndpoints(['bench-content']);
  const messageId = '00000000-0000-0000-0000-0000000000be';
  endpoints.messageFlow.addMessage(messageId, 'From: a@example.com\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\nSubject: x\r\n\r\nbody\r\n');
  try {
    const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
    const times = VARIANTS.map(() => ({ load: [] as number[], first: [] as number[] }));
    for (let s = 0; s < samples; s++) {
      for (let v = 0; v < VARIANTS.length; v++) {
        const k = (v + s) % VARIANTS.length;
        const script = `(async () => {
          const { performance } = require('perf_hooks');
          const t = performance.now();
          const m = require(${JSON.stringify(bundles[k])});
          const load = performance.now() - t;
          ${VARIANTS[k].reads ? `const body = await m.handler(${JSON.stringify(messageId)});
          for await (const _ of (body.messageContent ?? body)) {}` : ''}
          console.log(JSON.stringify({ load, first: performance.now() - t }));
          process.exit(0);
        })().catch((e) => { console.error(e); process.exit(1); });`;
        const r = JSON.parse(await runNode(script, env));
        times[k].load.push(r.load);
        times[k].first.push(r.first);
      }
    }
    return VARIANTS.map((variant, i) => ({
      name: variant.name,
      bundleBytes: fs.statSync(bundles[i]).size,
      requireMedianMs: round(median(times[i].load), 2),
      firstCallMedianMs: variant.reads ? round(median(times[i].first), 2) : undefined,
    }));
  } finally {
    await endpoints.stop();
  }
}
