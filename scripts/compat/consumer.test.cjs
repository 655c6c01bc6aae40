// The consumer suite of scripts/compat-check.mjs: copied into a scratch project where the packed library was
// installed beside one aws-cdk-lib version, and run there with `node --test`. It uses the public API only
// (`require('cdk-workmail-lambda')` and the entry points of its `exports`), as a user's app would.
// Env: COMPAT_AWS_CDK_LIB (the version that must be installed), COMPAT_ENTRIES (JSON list of the package's
// entry points, e.g. [".", "./runtime"]).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { App, CustomResourceProviderRuntime, Duration, Stack } = require('aws-cdk-lib');
const lambda = require('aws-cdk-lib/aws-lambda');
const {
  InboundAction, InboundFlowRule, OutboundAction, OutboundFlowRule, WorkMailFunction, WorkMailNodejsFunction, WorkMailOrganization,
} = require('cdk-workmail-lambda');

const ORG_ID = 'm-0123456789abcdef0123456789abcdef';
const ENV = { account: '123456789012', region: 'us-east-1' };
const MANAGED_LOG_GROUP_FLAG = '@aws-cdk/aws-lambda:useCdkManagedLogGroup';
// The example's runtime where this aws-cdk-lib has it (lambda.Runtime.NODEJS_24_X is not in every release of the range).
const RUNTIME = lambda.Runtime.NODEJS_24_X ?? lambda.Runtime.NODEJS_22_X;

/** The example app's shape (bin/example-stack.ts): a function, a synchronous inbound and an asynchronous outbound rule. */
function exampleTemplate(context = {}) {
  const app = new App({ context });
  const stack = new Stack(app, 'Consumer', { env: ENV });
  const organization = WorkMailOrganization.fromOrganizationId(stack, 'Organization', ORG_ID);
  const fn = new WorkMailFunction(stack, 'SubjectGuard', {
    organization,
    runtime: RUNTIME,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ actions: [] });'),
  });
  fn.addInboundRule('ScanInbound', {
    synchronous: true, fallbackAction: InboundAction.DEFAULT, ruleTimeout: Duration.minutes(30), ruleName: 'subject-guard-inbound',
  });
  new OutboundFlowRule(stack, 'CountOutbound', {
    organization, action: OutboundAction.runLambda(fn, { synchronous: false }), ruleName: 'subject-guard-outbound',
  });
  const template = app.synth().getStackByName('Consumer').template;
  const resources = Object.entries(template.Resources).map(([id, r]) => ({ id, ...r }));
  return { fn, stack, resources, ofType: (type) => resources.filter((r) => r.Type === type) };
}

const provider = (resources) => resources.filter((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Handler === '__entrypoint__.handler');

test('the installed aws-cdk-lib is the version under test, and the library comes from node_modules', () => {
  assert.equal(require('aws-cdk-lib/package.json').version, process.env.COMPAT_AWS_CDK_LIB);
  assert.equal(require.resolve('cdk-workmail-lambda'), path.join(__dirname, 'node_modules', 'cdk-workmail-lambda', 'lib', 'index.js'));
});

test('an example-like stack synthesizes: one scoped permission for WorkMail, the inbound and the outbound rule', () => {
  const { ofType } = exampleTemplate();
  const permissions = ofType('AWS::Lambda::Permission');
  assert.equal(permissions.length, 1);
  assert.equal(permissions[0].Properties.Principal, 'workmail.us-east-1.amazonaws.com');
  assert.equal(permissions[0].Properties.SourceAccount, ENV.account);
  const inbound = ofType('Custom::WorkMailInboundFlowRule');
  const outbound = ofType('Custom::WorkMailOutboundFlowRule');
  assert.equal(inbound.length, 1);
  assert.equal(outbound.length, 1);
  assert.equal(inbound[0].Properties.Name, 'subject-guard-inbound');
  assert.equal(inbound[0].Properties.Action.Lambda.InvocationType, 'SYNC');
  assert.equal(outbound[0].Properties.Action.Lambda.InvocationType, 'ASYNC');
  // Every rule waits for the permission.
  for (const rule of [...inbound, ...outbound]) assert.ok(rule.DependsOn.includes(permissions[0].id), `${rule.id} depends on ${permissions[0].id}`);
});

// nodejs24.x, or nodejs22.x where aws-cdk-lib has no CustomResourceProviderRuntime.NODEJS_24_X (before 2.259.0).
const PROVIDER_RUNTIME = CustomResourceProviderRuntime.NODEJS_24_X ? 'nodejs24.x' : 'nodejs22.x';

test(`the provider function has a Runtime (${PROVIDER_RUNTIME} with this aws-cdk-lib), its own log group and no managed policy`, () => {
  const { resources } = exampleTemplate();
  const found = provider(resources);
  assert.equal(found.length, 1);
  const expected = PROVIDER_RUNTIME;
  assert.equal(found[0].Properties.Runtime, expected);
  const logGroup = found[0].Properties.LoggingConfig.LogGroup.Ref;
  assert.equal(resources.find((r) => r.id === logGroup).Type, 'AWS::Logs::LogGroup');
  const role = resources.find((r) => r.id === found[0].Properties.Role['Fn::GetAtt'][0]);
  assert.equal(role.Properties.ManagedPolicyArns, undefined);
});

for (const flag of [false, true]) {
  test(`the function logs to its one log group through an inline policy (${MANAGED_LOG_GROUP_FLAG} ${flag ? 'on' : 'off'})`, () => {
    const { fn, stack, resources, ofType } = exampleTemplate({ [MANAGED_LOG_GROUP_FLAG]: flag });
    const fnResource = resources.find((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Handler === 'index.handler');
    const logGroup = fnResource.Properties.LoggingConfig.LogGroup.Ref;
    assert.deepEqual(stack.resolve(fn.logGroup.logGroupName), { Ref: logGroup });
    const own = ofType('AWS::Logs::LogGroup').filter((r) => r.id.startsWith('SubjectGuard'));
    assert.deepEqual(own.map((r) => [r.id, r.Properties.RetentionInDays]), [[logGroup, 365]]);
    const statements = ofType('AWS::IAM::Policy').flatMap((p) => p.Properties.PolicyDocument.Statement);
    assert.ok(statements.some((s) => JSON.stringify(s.Resource) === JSON.stringify({ 'Fn::GetAtt': [logGroup, 'Arn'] })));
  });
}

// A handler file bundled at synth by this aws-cdk-lib's NodejsFunction, with the project's esbuild (a devDependency).
for (const flag of [false, true]) {
  test(`WorkMailNodejsFunction bundles a handler file on the newest Node.js runtime this aws-cdk-lib has, with the permission and its one log group (${MANAGED_LOG_GROUP_FLAG} ${flag ? 'on' : 'off'})`, () => {
    const fs = require('node:fs');
    const entry = path.join(__dirname, 'handler.ts');
    fs.writeFileSync(entry, "export const handler = async (): Promise<object> => ({ actions: [{ action: { type: 'DEFAULT' }, allRecipients: true }] });\n");
    const app = new App({ context: { [MANAGED_LOG_GROUP_FLAG]: flag } });
    const stack = new Stack(app, 'Bundled', { env: ENV });
    const organization = WorkMailOrganization.fromOrganizationId(stack, 'Organization', ORG_ID);
    const fn = new WorkMailNodejsFunction(stack, 'Guard', { organization, entry });
    fn.addInboundRule('Scan', { synchronous: true });
    assert.throws(() => new WorkMailNodejsFunction(stack, 'Missing', { organization, entry: path.join(__dirname, 'missing.ts') }),
      /Bundled\/Missing: entry .*missing\.ts does not exist/);
    assert.throws(() => new WorkMailNodejsFunction(stack, 'Main', { organization, entry, handler: 'main' }),
      /Bundled\/Main: handler main: .*handler\.ts exports no main \(it exports handler\)/);
    const template = app.synth().getStackByName('Bundled').template;
    const resources = Object.entries(template.Resources).map(([id, r]) => ({ id, ...r }));
    const functionResource = resources.find((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Handler === 'index.handler');
    assert.equal(functionResource.Properties.Runtime, lambda.Runtime.NODEJS_24_X ? 'nodejs24.x' : 'nodejs22.x');
    assert.equal(functionResource.Properties.Timeout, 15);
    const logGroup = functionResource.Properties.LoggingConfig.LogGroup.Ref;
    assert.deepEqual(resources.filter((r) => r.Type === 'AWS::Logs::LogGroup' && r.id.startsWith('Guard')).map((r) => r.id), [logGroup]);
    assert.equal(resources.filter((r) => r.Type === 'AWS::Lambda::Permission').length, 1);
    const bundle = path.join(app.outdir, fn.node.findChild('Code').assetPath, 'index.js');
    assert.match(fs.readFileSync(bundle, 'utf8'), /allRecipients/);
  });
}

test('synth-time errors still fire, naming the prop, the value and what is allowed', () => {
  const stack = () => new Stack(new App(), 'S', { env: ENV });
  const org = (s) => WorkMailOrganization.fromOrganizationId(s, 'Org', ORG_ID);
  assert.throws(() => WorkMailOrganization.fromOrganizationId(stack(), 'Org', 'm-123'),
    /S\/Org: organizationId must be 'm-' followed by 32 lowercase hexadecimal digits .*got "m-123"/);
  assert.throws(() => WorkMailOrganization.fromOrganizationId(new Stack(new App(), 'S', { env: { ...ENV, region: 'eu-central-1' } }), 'Org', ORG_ID),
    /the stack's Region "eu-central-1" is not a Region where Amazon WorkMail runs/);
  const s = stack();
  const organization = org(s);
  const fn = new WorkMailFunction(s, 'Fn', { organization, runtime: RUNTIME, handler: 'index.handler', code: lambda.Code.fromInline('x') });
  assert.throws(() => fn.addInboundRule('Long', { synchronous: true, ruleTimeout: Duration.minutes(241) }),
    /ruleTimeout must be a whole number of minutes from 0 to 240, got 241 minutes/);
  assert.throws(() => new InboundFlowRule(s, 'Bounce', { organization, action: InboundAction.bounce('') }),
    /message must be a non-empty bounce message, got ""/);
  assert.throws(() => fn.addOutboundRule('Many', { senderPatterns: Array.from({ length: 251 }, (_, i) => `s${i}.example`) }),
    /senderPatterns holds 251 patterns; at most 250 are allowed/);
  // Checked over the whole app, at synth.
  const app = new App();
  const t = new Stack(app, 'T', { env: ENV });
  const o = org(t);
  new InboundFlowRule(t, 'A', { organization: o, action: InboundAction.DROP, ruleName: 'same' });
  new InboundFlowRule(t, 'B', { organization: o, action: InboundAction.DROP, ruleName: 'same' });
  assert.throws(() => app.synth(), /ruleName "same" is also used by the inbound rule/);
});

test('every entry point of the package loads (package.json "exports", or "main")', () => {
  const entries = JSON.parse(process.env.COMPAT_ENTRIES);
  assert.ok(entries.length > 0);
  for (const entry of entries) {
    const specifier = entry === '.' ? 'cdk-workmail-lambda' : `cdk-workmail-lambda/${entry.replace(/^\.\//, '')}`;
    const loaded = require(specifier);
    assert.ok(Object.keys(loaded).length > 0, `${specifier} exports something`);
  }
});

test('every entry point gives the same names to `import` as to `require` (an ES module consumer)', async () => {
  const entries = JSON.parse(process.env.COMPAT_ENTRIES);
  for (const entry of entries) {
    const specifier = entry === '.' ? 'cdk-workmail-lambda' : `cdk-workmail-lambda/${entry.replace(/^\.\//, '')}`;
    const required = Object.keys(require(specifier)).filter((k) => k !== '__esModule').sort();
    const imported = Object.keys(await import(specifier)).filter((k) => k !== 'default' && k !== '__esModule').sort();
    assert.deepEqual(imported, required, specifier);
  }
});

test('message content: getRawMessage and putRawMessage through the installed AWS SDK clients (optional peers)', async () => {
  const http = require('node:http');
  const { getRawMessage, putRawMessage } = require('cdk-workmail-lambda/runtime');
  const original = 'From: a@example.com\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\nSubject: hi\r\n\r\nbody\r\n';
  const updated = original.replace('Subject: hi', 'Subject: [EXT] hi');
  const requests = [];
  // The two services as the clients call them: Message Flow (REST JSON) and S3 (path style for an IP endpoint).
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method, url: req.url, body });
      if (req.method === 'GET' && req.url === '/messages/msg-1') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.end(original);
      } else if (req.method === 'PUT' && req.url.startsWith('/my-bucket/')) {
        res.writeHead(200, { etag: '"0"' });
        res.end();
      } else if (req.method === 'POST' && req.url === '/messages/msg-1') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      } else {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{}');
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${server.address().port}`;
  const saved = { ...process.env };
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_ENDPOINT_URL_WORKMAILMESSAGEFLOW: endpoint, AWS_ENDPOINT_URL_S3: endpoint,
  });
  try {
    const chunks = [];
    for await (const chunk of await getRawMessage('msg-1')) chunks.push(chunk);
    assert.equal(Buffer.concat(chunks).toString('utf8'), original);

    const { bucket, key } = await putRawMessage('msg-1', updated, { bucket: 'my-bucket' });
    assert.equal(bucket, 'my-bucket');
    assert.match(key, /^[a-zA-Z0-9\-/]+$/);
    const put = requests.find((r) => r.method === 'PUT');
    assert.equal(put.url.split('?')[0], `/my-bucket/${key}`);
    assert.ok(put.body.includes(updated), 'the object holds the updated message');
    const update = requests.find((r) => r.method === 'POST');
    assert.deepEqual(JSON.parse(update.body), { content: { s3Reference: { bucket: 'my-bucket', key } } });
  } finally {
    process.env = saved;
    server.close();
  }
});
