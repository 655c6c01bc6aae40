/**
 * The runtime bundled the ways users bundle a handler, from the packed tarball installed in a scratch project
 * (without the AWS SDK), and every bundle RUN against the local Message Flow and S3 endpoints:
 *
 * - aws-cdk-lib's `NodejsFunction` with its defaults (its own bundling: local esbuild, never Docker), output
 *   CommonJS and output ES module: `@aws-sdk/*` external, loaded at run time from a node_modules standing in
 *   for the Lambda runtime's SDK;
 * - this library's `WorkMailNodejsFunction` from the handler file, with its defaults (runtime, timeout, ES module
 *   mainFields), output CommonJS and ES module, in the same synthesis;
 * - plain esbuild (`--bundle --platform=node`, nothing else) for the handlers that do not read messages, with the
 *   SDK absent where they are bundled and where they run; with `--external:@aws-sdk/*` for those that do;
 *
 * each for the minimal answering handler and every ready-made handler. Each form is bundled once (beforeAll).
 * Runs after `npm run build` (the `pretest` script): it packs the build products.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { MessageContentEndpoints, startMessageContentEndpoints } from '../local/message-content-endpoints';
import { BundledOutcome, runBundledHandler } from '../examples/run-bundled';
import { cleanEnv, link, pack, packageDependencies, project as installedProject } from './packed';

const BUCKET = 'bundled-content';
const SDK_PACKAGES = ['@aws-sdk/client-workmailmessageflow', '@aws-sdk/client-s3'];

/** The handlers, as a user writes them (TypeScript), and whether they read and update messages. */
const HANDLERS = {
  minimal: {
    content: false,
    source: `import { parseEvent, SyncResponse, withDeadline, type WorkMailSyncResponse } from 'cdk-workmail-lambda/runtime';
const deliver = (): WorkMailSyncResponse => ({ actions: [{ action: { type: 'DEFAULT' }, allRecipients: true }] });
export const handler = withDeadline(async (input: unknown) => {
  const event = parseEvent(input);
  const response = SyncResponse.forEvent(event);
  return (/lottery/i.test(event.subject) ? response.bounce('Rejected by policy.') : response.defaultAction()).build();
}, { onTimeout: deliver });
`,
  },
  metrics: { content: false, source: "import { metricsHandler } from 'cdk-workmail-lambda/runtime';\nexport const handler = metricsHandler();\n" },
  subjectTag: {
    content: true,
    source: "import { subjectTagHandler } from 'cdk-workmail-lambda/runtime';\nexport const handler = subjectTagHandler({ prefix: '[EXT]', internalDomains: ['example.com'] });\n",
  },
  disclaimer: { content: true, source: "import { disclaimerHandler } from 'cdk-workmail-lambda/runtime';\nexport const handler = disclaimerHandler({ text: 'Sent from outside.' });\n" },
  attachmentFilter: {
    content: true,
    source: "import { attachmentFilterHandler } from 'cdk-workmail-lambda/runtime';\nexport const handler = attachmentFilterHandler({ action: 'strip', extensions: ['exe'] });\n",
  },
} as const;
type HandlerName = keyof typeof HANDLERS;
const NAMES = Object.keys(HANDLERS) as HandlerName[];
const FORMS = ['NodejsFunction cjs', 'NodejsFunction esm', 'WorkMailNodejsFunction cjs', 'WorkMailNodejsFunction esm', 'esbuild'] as const;
type Form = typeof FORMS[number];

let tmp: string;
let project: string;
/** Where bundles run with the Lambda runtime's SDK: its node_modules has the SDK packages. */
let lambdaDir: string;
/** Where bundles run without any SDK up the directory tree. */
let bareDir: string;
/** The bundle directory of each handler in each form. */
const bundles = {} as Record<Form, Record<HandlerName, string>>;
let endpoints: MessageContentEndpoints;

const canResolve = (name: string, from: string) => {
  try {
    require.resolve(name, { paths: [from] });
    return true;
  } catch {
    return false;
  }
};

/** The Lambda properties of each WorkMailNodejsFunction the app synthesized (`<name>-wm-<format>`). */
let workMailFunctions: Record<string, { Runtime: string; Timeout: number; Handler: string; permissions: number }>;

/**
 * NodejsFunction, as aws-cdk-lib bundles it, and WorkMailNodejsFunction, as a user writes it (organization and entry
 * only), for every handler in both output formats: one synth of one app, from the installed tarball.
 */
function synthesizeNodejsFunctions(outdir: string): void {
  fs.writeFileSync(path.join(project, 'app.js'), `
    const { App, Stack } = require('aws-cdk-lib');
    const lambda = require('aws-cdk-lib/aws-lambda');
    const { NodejsFunction, OutputFormat } = require('aws-cdk-lib/aws-lambda-nodejs');
    const { WorkMailNodejsFunction, WorkMailOrganization } = require('cdk-workmail-lambda');
    const app = new App({ outdir: process.argv[2], context: { 'aws:cdk:enable-asset-metadata': true } });
    const stack = new Stack(app, 'Bundles', { env: { account: '123456789012', region: 'us-east-1' } });
    const organization = WorkMailOrganization.fromOrganizationId(stack, 'Org', 'm-0123456789abcdef0123456789abcdef');
    const ids = {};
    for (const name of ${JSON.stringify(NAMES)}) {
      for (const format of ['cjs', 'esm']) {
        const bundling = format === 'esm' ? { bundling: { format: OutputFormat.ESM } } : {};
        // Only the entry, the newest runtime and (for esm) the output format: every other bundling option as it defaults.
        const fn = new NodejsFunction(stack, name + '-' + format, { entry: 'handlers/' + name + '.ts', runtime: lambda.Runtime.NODEJS_24_X, ...bundling });
        ids[name + '-' + format] = stack.getLogicalId(fn.node.defaultChild);
        // The organization and the entry: the runtime, the timeout and the rest as WorkMailNodejsFunction defaults them.
        const wm = new WorkMailNodejsFunction(stack, name + '-wm-' + format, { organization, entry: 'handlers/' + name + '.ts', ...bundling });
        ids[name + '-wm-' + format] = stack.getLogicalId(wm.node.defaultChild);
      }
    }
    const template = app.synth().getStackByName('Bundles').template;
    const permissions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Permission');
    console.log(JSON.stringify(Object.fromEntries(Object.entries(ids).map(([k, id]) => [k, {
      asset: template.Resources[id].Metadata['aws:asset:path'],
      Runtime: template.Resources[id].Properties.Runtime, Timeout: template.Resources[id].Properties.Timeout, Handler: template.Resources[id].Properties.Handler,
      permissions: permissions.filter((p) => JSON.stringify(p.Properties.FunctionName).includes(id)).length,
    }]))));`);
  const out = execFileSync(process.execPath, ['app.js', outdir], { cwd: project, env: cleanEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const synthesized: Record<string, { asset: string; Runtime: string; Timeout: number; Handler: string; permissions: number }> = JSON.parse(out.trim().split('\n').pop()!);
  workMailFunctions = Object.fromEntries(Object.entries(synthesized).filter(([k]) => k.includes('-wm-')).map(([k, { asset: _asset, ...props }]) => [k, props]));
  for (const name of NAMES) {
    for (const format of ['cjs', 'esm'] as const) {
      bundles[`NodejsFunction ${format}`][name] = path.join(outdir, synthesized[`${name}-${format}`].asset);
      bundles[`WorkMailNodejsFunction ${format}`][name] = path.join(outdir, synthesized[`${name}-wm-${format}`].asset);
    }
  }
}

/** Plain esbuild in the project: `--bundle --platform=node`, and `--external:@aws-sdk/*` for a handler that reads messages. */
function plainEsbuild(name: HandlerName, outdir: string): void {
  buildSync({
    entryPoints: [path.join(project, 'handlers', `${name}.ts`)],
    absWorkingDir: project,
    outfile: path.join(outdir, 'index.js'),
    bundle: true,
    platform: 'node',
    ...(HANDLERS[name].content ? { external: ['@aws-sdk/*'] } : {}),
    logLevel: 'error',
  });
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-workmail-bundles-'));
  const { tarball } = pack(tmp);
  project = path.join(tmp, 'project');
  // What `npm install cdk-workmail-lambda aws-cdk-lib constructs` and `npm install -D esbuild` give: not the SDK.
  installedProject(project, tarball, [...packageDependencies(), 'aws-cdk-lib', 'constructs', 'esbuild']);
  fs.writeFileSync(path.join(project, 'package-lock.json'), JSON.stringify({ name: 'project', lockfileVersion: 3, requires: true, packages: {} }));
  fs.mkdirSync(path.join(project, 'handlers'));
  for (const name of NAMES) fs.writeFileSync(path.join(project, 'handlers', `${name}.ts`), HANDLERS[name].source);

  lambdaDir = path.join(tmp, 'lambda');
  link(path.join(lambdaDir, 'node_modules'), SDK_PACKAGES);
  bareDir = path.join(tmp, 'bare');
  fs.mkdirSync(bareDir);
  for (const sdk of SDK_PACKAGES) {
    expect([sdk, canResolve(sdk, project), canResolve(sdk, bareDir), canResolve(sdk, lambdaDir)]).toEqual([sdk, false, false, true]);
  }

  for (const form of FORMS) bundles[form] = {} as Record<HandlerName, string>;
  synthesizeNodejsFunctions(path.join(lambdaDir, 'cdk.out'));
  for (const name of NAMES) {
    // Bundled where the SDK cannot be found; run where the Lambda runtime's SDK is (content) or where none is.
    const dir = path.join(HANDLERS[name].content ? lambdaDir : bareDir, 'esbuild', name);
    plainEsbuild(name, dir);
    bundles.esbuild[name] = dir;
  }
  endpoints = await startMessageContentEndpoints([BUCKET]);
}, 300_000);

afterAll(async () => {
  await endpoints?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

const bundleText = (dir: string) => fs.readFileSync(path.join(dir, fs.existsSync(path.join(dir, 'index.mjs')) ? 'index.mjs' : 'index.js'), 'utf8');
const DELIVER = { actions: [{ action: { type: 'DEFAULT' }, allRecipients: true }] };
let nextId = 0;
const newId = () => `b0000000-0000-0000-0000-${String(++nextId).padStart(12, '0')}`;
const event = (messageId: string, subject = 'Offer', from = 'someone@partner.example') => ({
  summaryVersion: '2019-07-28',
  envelope: { mailFrom: { address: from }, recipients: [{ address: 'me@example.com' }] },
  subject, messageId, invocationId: '0'.repeat(40), flowDirection: 'INBOUND', truncated: false,
});
const MIME = 'From: someone@partner.example\r\nTo: me@example.com\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\nSubject: Offer\r\n' +
  'Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nCaf=E9 au lait\r\n';
const WITH_ATTACHMENT = 'From: someone@partner.example\r\nTo: me@example.com\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\nSubject: Tool\r\n' +
  'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b1"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n' +
  '--b1\r\nContent-Type: application/octet-stream; name="setup.exe"\r\nContent-Disposition: attachment; filename="setup.exe"\r\n' +
  'Content-Transfer-Encoding: base64\r\n\r\nTVqQAAMAAAAEAAAA//8AAA==\r\n--b1--\r\n';

function run(dir: string, input: object): Promise<BundledOutcome> {
  return runBundledHandler(dir, input, { WORKMAIL_MESSAGE_CONTENT_BUCKET: BUCKET, NODE_PATH: '', NODE_OPTIONS: '', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' });
}

/** What each handler must do with one event, bundled in any form. */
const BEHAVIOUR: Record<HandlerName, (dir: string) => Promise<void>> = {
  async minimal(dir) {
    expect((await run(dir, event(newId(), 'LOTTERY win'))).result).toEqual({
      actions: [{ action: { type: 'BOUNCE', parameters: { bounceMessage: 'Rejected by policy.' } }, allRecipients: true }],
    });
    expect((await run(dir, event(newId(), 'Minutes'))).result).toEqual(DELIVER);
  },
  async metrics(dir) {
    const outcome = await run(dir, event(newId()));
    expect(outcome.result).toBeUndefined();
    expect(outcome.error).toBeUndefined();
    const emf = outcome.logs.filter((l) => l._aws);
    expect(emf.length).toBeGreaterThan(0);
    expect(emf[0]).toMatchObject({ _aws: { CloudWatchMetrics: [expect.objectContaining({ Namespace: 'WorkMail' })] }, Direction: 'INBOUND' });
  },
  async subjectTag(dir) {
    const id = newId();
    endpoints.messageFlow.addMessage(id, MIME);
    const outcome = await run(dir, event(id));
    expect(outcome).toMatchObject({ result: DELIVER, logs: [expect.objectContaining({ outcome: 'updated', messageId: id })] });
    expect(endpoints.messageFlow.message(id)!.toString('latin1')).toBe(MIME.replace('Subject: Offer', 'Subject: [EXT] Offer'));
  },
  async disclaimer(dir) {
    const id = newId();
    endpoints.messageFlow.addMessage(id, MIME);
    const outcome = await run(dir, event(id));
    expect(outcome).toMatchObject({ result: DELIVER, logs: [expect.objectContaining({ outcome: 'updated', messageId: id })] });
    const updated = endpoints.messageFlow.message(id)!.toString('latin1');
    expect(updated).toContain('Caf=E9 au lait');
    expect(updated).toContain('Sent from outside.');
  },
  async attachmentFilter(dir) {
    const id = newId();
    endpoints.messageFlow.addMessage(id, WITH_ATTACHMENT);
    const outcome = await run(dir, event(id, 'Tool'));
    expect(outcome).toMatchObject({ result: DELIVER, logs: [expect.objectContaining({ outcome: 'stripped', messageId: id, changes: ['1: removed application/octet-stream "setup.exe"'] })] });
    const updated = endpoints.messageFlow.message(id)!.toString('latin1');
    expect(updated).toContain('See attached.');
    expect(updated).not.toContain('TVqQAAMAAAAEAAAA');
    expect(updated).toContain('setup.exe');
  },
};

test('each WorkMailNodejsFunction has its defaults: the newest Node.js runtime, 15 s, index.handler, WorkMail\'s permission', () => {
  expect(Object.keys(workMailFunctions)).toHaveLength(NAMES.length * 2);
  for (const [id, props] of Object.entries(workMailFunctions)) {
    expect([id, props]).toEqual([id, { Runtime: 'nodejs24.x', Timeout: 15, Handler: 'index.handler', permissions: 1 }]);
  }
});

describe.each(FORMS)('bundled by %s', (form) => {
  test.each(NAMES)('%s runs against the local Message Flow and S3 endpoints', async (name) => {
    await BEHAVIOUR[name](bundles[form][name]);
  });

  test('each bundle holds the ES module build of the runtime, and what a handler does not use is left out', () => {
    for (const name of NAMES) {
      const code = bundleText(bundles[form][name]);
      expect([name, code.includes('cdk-workmail-lambda/esm/lambda/runtime/')]).toEqual([name, true]);
      // The SDK is never bundled: a reference to it stays only in handlers that read messages, as a run-time import().
      expect([name, /["']@aws-sdk\/client-workmailmessageflow["']/.test(code)]).toEqual([name, HANDLERS[name].content]);
      expect([name, code.includes('smithy')]).toEqual([name, false]);
      // The MIME libraries only where messages are rewritten, bundled (the function has no node_modules).
      expect([name, code.includes('libmime')]).toEqual([name, HANDLERS[name].content]);
    }
    const tag = bundleText(bundles[form].subjectTag);
    for (const other of ['handlers/attachment-filter.js', 'handlers/metrics.js', 'handlers/disclaimer.js']) expect(tag).not.toContain(other);
    const metrics = bundleText(bundles[form].metrics);
    for (const other of ['runtime/message-content.js', 'handlers/common.js', 'handlers/subject-tag.js', 'mime/rewrite.js']) expect(metrics).not.toContain(other);
  });
});

describe('esbuild without --external, for a handler that reads messages', () => {
  function bundleTag(outdir: string, sdkInstalled: boolean): void {
    buildSync({
      entryPoints: [path.join(project, 'handlers', 'subjectTag.ts')],
      absWorkingDir: project,
      outfile: path.join(outdir, 'index.js'),
      bundle: true,
      platform: 'node',
      // As if the project had the SDK installed: the Lambda stand-in's node_modules searched too.
      ...(sdkInstalled ? { nodePaths: [path.join(lambdaDir, 'node_modules')] } : {}),
      logLevel: 'error',
    });
  }

  test('the SDK installed: bundled (evaluated at the first call), and the bundle runs where there is none', async () => {
    const dir = path.join(bareDir, 'sdk-bundled');
    bundleTag(dir, true);
    const code = bundleText(dir);
    expect(code).toContain('node_modules/@aws-sdk/client-workmailmessageflow/');
    expect(code).not.toMatch(/import\(["']@aws-sdk\/client-workmailmessageflow["']\)/);
    await BEHAVIOUR.subjectTag(dir);
  });

  test('the SDK not installed: no error, left to run time as if external, and loaded from the Lambda runtime', async () => {
    const dir = path.join(lambdaDir, 'sdk-absent');
    bundleTag(dir, false);
    expect(bundleText(dir)).toMatch(/import\(["']@aws-sdk\/client-workmailmessageflow["']\)/);
    await BEHAVIOUR.subjectTag(dir);
  });
});

describe('bad input: a bundle that needs a package the function does not have', () => {
  test.each(['NodejsFunction esm', 'WorkMailNodejsFunction esm', 'esbuild'] as const)('%s: a handler that reads messages, run without the SDK, answers safely and names the package to install', async (form) => {
    const dir = path.join(bareDir, 'copied', form.replace(/\W/g, '-'));
    fs.cpSync(bundles[form].subjectTag, dir, { recursive: true });
    const id = newId();
    endpoints.messageFlow.addMessage(id, MIME);
    const outcome = await run(dir, event(id));
    // Not retryable: the safe answer at once, not an error WorkMail would retry until the rule timeout.
    expect(outcome.result).toEqual(DELIVER);
    expect(outcome.logs).toEqual([expect.objectContaining({ outcome: 'safe-response', messageId: id })]);
    expect(JSON.stringify(outcome.logs[0])).toMatch(/cannot load @aws-sdk\/client-workmailmessageflow .*Lambda's Node.js runtimes .* include it/);
    expect(endpoints.messageFlow.message(id)!.toString('latin1')).toBe(MIME);
  });
});
