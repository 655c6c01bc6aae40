/** simulateMailFlow / createMailFlowSimulator on the example app and on hand-written templates. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { InboundAction, InboundFlowRule, MessageContentBucket, WorkMailOrganization } from '../../lib';
import { createMailFlowSimulator, simulateMailFlow, type MailFlowSimulator } from '../../local';
import {
  MESSAGES, ORG, alive, exampleAssembly, functionResource, handWrittenAssembly, listening, removeAssemblies, ruleResource, runLambda, tempDir,
} from './assemblies';

afterAll(removeAssemblies);

describe('the example app (bin/)', () => {
  let assembly: string;
  let simulator: MailFlowSimulator;
  beforeAll(async () => {
    assembly = exampleAssembly();
    simulator = await createMailFlowSimulator({ assembly });
  });
  afterAll(async () => {
    const pids = simulator.pids;
    const endpoints = simulator.endpoints;
    await simulator.close();
    // No function process and no endpoint is left after close().
    expect(pids.length).toBeGreaterThan(0);
    expect(pids.filter(alive)).toEqual([]);
    for (const url of Object.values(endpoints)) expect(await listening(url)).toBe(false);
  });

  test('an invoice from outside: the Subject tagged, the .exe removed, delivered to every recipient by the functions\' answers', async () => {
    const result = await simulator.simulate({ direction: 'INBOUND', recipients: ['alice@example.com', 'bob@example.com'], message: path.join(MESSAGES, 'invoice.eml') });
    expect(Object.keys(result.recipients)).toEqual(['alice@example.com', 'bob@example.com']);
    for (const outcome of Object.values(result.recipients)) expect(outcome).toMatchObject({ action: { type: 'DEFAULT' }, decidedBy: 'function' });
    expect(result.invocations.map((i) => [i.ruleName, i.synchronous, i.error])).toEqual([
      ['attachment-filter-inbound', true, undefined], ['external-tag-inbound', true, undefined], ['subject-guard-inbound', true, undefined],
    ]);
    const updated = result.message.toString('utf8');
    expect(result.messageUpdated).toBe(true);
    expect(updated).toMatch(/^Subject: \[EXTERNAL\] Invoice 4711\r$/m);
    expect(updated).not.toContain('TVqQAAMAAAAEAAAA');
    expect(updated).toContain('The attachment "invoice.exe" (application/octet-stream) was removed.');
    expect(result.assumptions.map((a) => a.id)).toEqual(['run-lambda-ties']);
    // The events are WorkMail's: the seed's fields, the subject from the message, the message id the endpoints hold.
    expect(result.invocations[0].event).toMatchObject({
      summaryVersion: '2019-07-28', flowDirection: 'INBOUND', truncated: false, subject: 'Invoice 4711', messageId: result.messageId,
      envelope: { mailFrom: { address: 'billing@supplier.example' }, recipients: [{ address: 'alice@example.com' }, { address: 'bob@example.com' }] },
      invocationId: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
  });

  test('a blocked subject: subject-guard bounces (the most restrictive answer), and the message is still rewritten', async () => {
    const result = await simulator.simulate({ direction: 'INBOUND', recipients: ['alice@example.com'], message: path.join(MESSAGES, 'wire-transfer.eml') });
    expect(result.recipients['alice@example.com']).toMatchObject({
      action: { type: 'BOUNCE', bounceMessage: "This message was rejected by the organization's mail policy." },
      ruleName: 'subject-guard-inbound', decidedBy: 'function',
    });
    expect(result.message.toString()).toContain('Subject: [EXTERNAL] Wire transfer for invoice 4711');
    // Warm: the second message reuses the processes.
    expect(result.invocations.every((i) => !i.cold)).toBe(true);
  });

  test('outbound: the asynchronous counting rule runs, its answer is ignored, the message is sent as usual', async () => {
    const result = await simulator.simulate({ direction: 'OUTBOUND', recipients: ['partner@partner.example'], from: 'alice@example.com', subject: 'Hello' });
    expect(result.recipients['partner@partner.example']).toMatchObject({ action: { type: 'DEFAULT' }, ruleName: 'subject-guard-outbound', decidedBy: 'rule' });
    expect(result.invocations).toHaveLength(1);
    expect(result.invocations[0]).toMatchObject({ synchronous: false, ruleName: 'subject-guard-outbound', functionId: expect.stringMatching(/^SubjectGuard/) });
    expect(result.invocations[0].logs.map((l) => JSON.parse(l.text))).toEqual([expect.objectContaining({ metric: 'outbound-message', recipients: 1 })]);
    expect(result.messageUpdated).toBe(false);
    expect(result.message.toString()).toMatch(/^From: alice@example.com\r\n/);
  });

  test('a canned answer stands in for a function: its logical id keys it, and the function is not run', async () => {
    const functionId = Object.keys(JSON.parse(fs.readFileSync(path.join(assembly, 'WorkMailLambdaExample.template.json'), 'utf8')).Resources)
      .find((id) => id.startsWith('SubjectGuard') && !id.includes('Log') && !id.includes('Service') && !id.includes('Allow') && !id.includes('Scan'))!;
    const result = await simulateMailFlow({
      assembly, direction: 'INBOUND', recipients: ['alice@example.com'], from: 'x@outside.example',
      responses: { [functionId]: { actions: [{ action: { type: 'DROP' }, allRecipients: true }] } },
    });
    expect(result.recipients['alice@example.com']).toMatchObject({ action: { type: 'DROP' }, ruleName: 'subject-guard-inbound', decidedBy: 'function' });
    expect(result.invocations.find((i) => i.ruleName === 'subject-guard-inbound')).toMatchObject({ canned: true, durationMs: 0, logs: [] });
  });
});

describe('hand-written templates: matching and precedence per recipient', () => {
  const HANDLER = `exports.handler = async (event) => { console.log('saw', event.envelope.recipients.map((r) => r.address).join(',')); return { actions: [{ action: { type: 'MOVE_TO_JUNK' }, allRecipients: true }] }; };`;
  const resources = {
    Scan: functionResource('Scan'),
    ScanRule: ruleResource('INBOUND', { name: 'scan', action: runLambda('Scan') }),
    DropVip: ruleResource('INBOUND', { name: 'drop-boss', senders: ['boss@rival.example'], action: { Type: 'DROP' } }),
    BounceDomain: ruleResource('INBOUND', { name: 'bounce-rival', senders: ['rival.example'], destinations: ['*'], action: { Type: 'BOUNCE', BounceMessage: 'No thanks' } }),
    JunkHr: ruleResource('INBOUND', { name: 'junk-to-hr', senders: ['*.rival.example'], destinations: ['hr@example.com'], action: { Type: 'MOVE_TO_JUNK' } }),
  };

  test('an address rule over a domain rule; the Run Lambda rule runs only for the recipients it wins, with those in its event', async () => {
    const assembly = handWrittenAssembly({ Mail: { resources } }, { Scan: HANDLER });
    const result = await simulateMailFlow({
      assembly, direction: 'INBOUND', recipients: ['alice@example.com', 'hr@example.com'], from: 'boss@rival.example',
    });
    expect(result.recipients['alice@example.com']).toMatchObject({ action: { type: 'DROP' }, ruleName: 'drop-boss', decidedBy: 'rule' });
    expect(result.rules['alice@example.com'].map((r) => [r.ruleName, r.outcome])).toEqual([
      ['drop-boss', 'won'], ['bounce-rival', 'lost'], ['scan', 'lost'],
    ]);
    // For hr@ the more specific sender pattern wins over the more specific destination pattern (a reading).
    expect(result.rules['hr@example.com'].map((r) => [r.ruleName, r.outcome, r.reason])).toEqual([
      ['drop-boss', 'won', expect.any(String)], ['bounce-rival', 'lost', 'a less specific sender pattern than drop-boss'],
      ['junk-to-hr', 'lost', 'a less specific sender pattern than drop-boss'], ['scan', 'lost', 'a less specific sender pattern than drop-boss'],
    ]);
    expect(result.invocations).toEqual([]);

    const other = await simulateMailFlow({ assembly, direction: 'INBOUND', recipients: ['alice@example.com', 'hr@example.com'], from: 'x@mail.rival.example' });
    expect(other.recipients['hr@example.com']).toMatchObject({ action: { type: 'MOVE_TO_JUNK' }, ruleName: 'junk-to-hr', decidedBy: 'rule' });
    expect(other.recipients['alice@example.com']).toMatchObject({ action: { type: 'MOVE_TO_JUNK' }, ruleName: 'scan', decidedBy: 'function' });
    expect(other.invocations).toHaveLength(1);
    expect(other.invocations[0].event).toMatchObject({ envelope: { recipients: [{ address: 'alice@example.com' }] } });
    expect(other.invocations[0].logs).toEqual([{ stream: 'stdout', text: 'saw alice@example.com' }]);
    expect(other.assumptions.map((a) => a.id)).toContain('event-recipients');
  });

  test('inbound: the Sender header is matched first, the From when the Sender matches no rule; no rule: delivered as usual', async () => {
    const assembly = handWrittenAssembly({ Mail: { resources: { DropVip: resources.DropVip } } });
    const eml = Buffer.from('Sender: assistant@rival.example\r\nFrom: boss@rival.example\r\nSubject: hi\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\n\r\nbody\r\n');
    const bySender = await simulateMailFlow({ assembly, direction: 'INBOUND', recipients: ['a@example.com'], message: eml });
    expect(bySender.recipients['a@example.com']).toMatchObject({ action: { type: 'DROP' }, decidedBy: 'rule' });
    expect(bySender.rules['a@example.com'][0].matchedOn).toBe('From');
    const none = await simulateMailFlow({ assembly, direction: 'INBOUND', recipients: ['a@example.com'], from: 'friend@elsewhere.example' });
    expect(none.recipients['a@example.com']).toEqual({ action: { type: 'DEFAULT' }, decidedBy: 'none', reason: 'no rule matches; delivered as usual' });
  });

  test('a function referenced by ARN (imported) cannot run: the fallback, unless a canned answer is keyed by that ARN', async () => {
    const arn = 'arn:aws:lambda:us-east-1:123456789012:function:elsewhere';
    const assembly = handWrittenAssembly({
      Mail: {
        resources: {
          Imported: ruleResource('INBOUND', {
            name: 'imported', action: { Type: 'RUN_LAMBDA', Lambda: { FunctionArn: arn, InvocationType: 'SYNC', FallbackAction: { Type: 'BOUNCE', BounceMessage: 'try later' } } },
          }),
        },
      },
    });
    const failed = await simulateMailFlow({ assembly, direction: 'INBOUND', recipients: ['a@example.com'], from: 'x@y.example' });
    expect(failed.recipients['a@example.com']).toMatchObject({ action: { type: 'BOUNCE', bounceMessage: 'try later' }, decidedBy: 'fallback', ruleName: 'imported' });
    expect(failed.invocations[0].error).toMatch(`the function ${arn} is not in stack Mail (an imported function); give it an answer in responses (--respond ${arn}=answer.json)`);
    const canned = await simulateMailFlow({
      assembly, direction: 'INBOUND', recipients: ['a@example.com'], from: 'x@y.example',
      responses: { [arn]: { actions: [{ action: { type: 'DEFAULT' }, recipients: ['a@example.com'] }, { action: { type: 'DROP' }, recipients: ['audit@example.com'] }] } },
    });
    expect(canned.recipients).toEqual({
      'a@example.com': expect.objectContaining({ action: { type: 'DEFAULT' }, decidedBy: 'function' }),
      'audit@example.com': expect.objectContaining({ action: { type: 'DROP' }, decidedBy: 'function' }),
    });
  });

  test('parameters with defaults and inline code resolve; the content bucket reference gets a local bucket', async () => {
    const assembly = handWrittenAssembly({
      Mail: {
        parameters: { Org: { Type: 'String', Default: ORG }, Senders: { Type: 'CommaDelimitedList', Default: 'a.example,b.example' } },
        resources: {
          Bucket: { Type: 'AWS::S3::Bucket' },
          Fn: {
            Type: 'AWS::Lambda::Function',
            Properties: {
              Handler: 'index.handler', Runtime: 'nodejs22.x', Timeout: 5, Environment: { Variables: { BUCKET: { Ref: 'Bucket' }, WHERE: { 'Fn::Sub': '${AWS::Region}' } } },
              Code: { ZipFile: 'exports.handler = async () => { console.log(process.env.BUCKET, process.env.WHERE, process.env.AWS_ENDPOINT_URL_S3 ? "s3" : "none"); return { actions: [{ action: { type: "DEFAULT" }, allRecipients: true }] }; };' },
            },
          },
          Rule: ruleResource('INBOUND', { name: 'listed', organizationId: { Ref: 'Org' }, senders: { Ref: 'Senders' } as any, action: runLambda('Fn') }),
        },
      },
    });
    const result = await simulateMailFlow({ assembly, direction: 'INBOUND', recipients: ['a@example.com'], from: 'x@b.example' });
    expect(result.organizationId).toBe(ORG);
    expect(result.invocations[0].logs).toEqual([{ stream: 'stdout', text: 'local-bucket us-east-1 s3' }]);
  });
});

test('a NodejsFunction asset (esbuild, the AWS SDK left out as Lambda provides it) runs, reads and updates the message', async () => {
  const outdir = tempDir();
  const app = new App({ outdir });
  const stack = new Stack(app, 'Bundled', { env: { account: '123456789012', region: 'us-east-1' } });
  const organization = WorkMailOrganization.fromOrganizationId(stack, 'Org', ORG);
  const bucket = new MessageContentBucket(stack, 'Content', { organization });
  const fn = new NodejsFunction(stack, 'Fn', {
    entry: path.join(__dirname, 'fixtures', 'nodejs-function-handler.ts'),
    runtime: lambda.Runtime.NODEJS_22_X,
    timeout: Duration.seconds(10),
    depsLockFilePath: path.join(__dirname, '..', '..', 'package-lock.json'),
    projectRoot: path.join(__dirname, '..', '..'),
    environment: { WORKMAIL_MESSAGE_CONTENT_BUCKET: bucket.bucketName },
  });
  new InboundFlowRule(stack, 'Rule', { organization, ruleName: 'bundled', action: InboundAction.runLambda(fn, { synchronous: true }) });
  app.synth();
  const result = await simulateMailFlow({ assembly: outdir, direction: 'INBOUND', recipients: ['a@example.com'], message: path.join(MESSAGES, 'invoice.eml') });
  expect(result.invocations[0].error).toBeUndefined();
  expect(result.recipients['a@example.com']).toMatchObject({ action: { type: 'MOVE_TO_JUNK' }, decidedBy: 'function', ruleName: 'bundled' });
  expect(result.message.toString()).toContain('Subject: [bundled] Invoice 4711');
  const template = JSON.parse(fs.readFileSync(path.join(outdir, 'Bundled.template.json'), 'utf8'));
  const resource = Object.values<any>(template.Resources).find((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Runtime === 'nodejs22.x');
  // No asset metadata without the cdk CLI: the simulator found the staged directory by the hash in the S3 key.
  expect(resource.Metadata?.['aws:asset:path']).toBeUndefined();
  const bundle = fs.readFileSync(path.join(outdir, `asset.${resource.Properties.Code.S3Key.replace('.zip', '')}`, 'index.js'), 'utf8');
  expect(bundle).toMatch(/require\("@aws-sdk\/client-workmailmessageflow"\)/);
});
