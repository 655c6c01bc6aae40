/**
 * Exported rules (`cdk-workmail-lambda export --format json`) simulated beside the app's: `extraRules` of
 * simulateMailFlow / createMailFlowSimulator and `simulate --rules FILE`.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { simulateMailFlow } from '../../local';
import { FLOW_RULES_FORMAT, type FlowRulesExport } from '../../local/organization/rules-file';
import { ORG, OTHER_ORG, functionResource, handWrittenAssembly, removeAssemblies, ruleResource, runLambda, tempDir } from './assemblies';
import { MAIN } from './cli-run';

const ARN = 'arn:aws:lambda:us-east-1:123456789012:function:console-scanner';

function exported(overrides: Partial<FlowRulesExport> = {}): FlowRulesExport {
  return {
    format: FLOW_RULES_FORMAT, organizationId: ORG, region: 'us-east-1',
    inbound: [
      { RuleId: 'r-1', Name: 'block partner spam', SenderPatterns: ['spam.example'], DestinationPatterns: ['*'], Action: { Type: 'BOUNCE', BounceMessage: 'No spam, please' } },
      { RuleId: 'r-2', Name: 'app-guard', SenderPatterns: ['*'], DestinationPatterns: ['*'], Action: { Type: 'DROP' } },
      { RuleId: 'r-3', Name: 'console scan', SenderPatterns: ['scan.example'], DestinationPatterns: ['*'],
        Action: { Type: 'RUN_LAMBDA', Lambda: { FunctionArn: ARN, InvocationType: 'SYNC', FallbackAction: { Type: 'DEFAULT' }, RuleTimeoutInMinutes: 5 } } },
    ],
    outbound: [],
    ...overrides,
  };
}

let assembly: string;
beforeAll(() => {
  assembly = handWrittenAssembly({
    App: {
      resources: {
        Guard: functionResource('Guard'),
        GuardRule: ruleResource('INBOUND', { name: 'app-guard', action: runLambda('Guard') }),
      },
    },
  }, { Guard: 'exports.handler = async () => ({ actions: [{ action: { type: "DEFAULT" }, allRecipients: true }] });' });
});
afterAll(removeAssemblies);

test('an exported rule takes part in matching and precedence beside the app\'s', async () => {
  const simulation = await simulateMailFlow({
    assembly, extraRules: exported(), direction: 'INBOUND', recipients: ['alice@example.com'], from: 'mallory@spam.example',
  });
  expect(simulation.recipients['alice@example.com']).toMatchObject({ action: { type: 'BOUNCE', bounceMessage: 'No spam, please' }, ruleName: 'block partner spam', decidedBy: 'rule' });
  expect(simulation.rules['alice@example.com']).toEqual(expect.arrayContaining([
    expect.objectContaining({ ruleName: 'block partner spam', outcome: 'won', stack: `exported rules of ${ORG}`, logicalId: 'r-1' }),
    expect.objectContaining({ ruleName: 'app-guard', outcome: 'lost', stack: 'App', logicalId: 'GuardRule' }),
  ]));
});

test('the app\'s rule of the same name takes the exported one\'s place (as adoptExisting does); a file path is read', async () => {
  const file = path.join(tempDir(), 'rules.json');
  fs.writeFileSync(file, JSON.stringify(exported()));
  const simulation = await simulateMailFlow({ assembly, extraRules: file, direction: 'INBOUND', recipients: ['bob@example.com'], from: 'x@elsewhere.example' });
  // The exported 'app-guard' would DROP; the app's Run Lambda rule of that name is the one that exists after the deploy.
  expect(simulation.recipients['bob@example.com']).toMatchObject({ action: { type: 'DEFAULT' }, ruleName: 'app-guard', decidedBy: 'function' });
  expect(simulation.rules['bob@example.com'].map((r) => [r.ruleName, r.stack])).toEqual([['app-guard', 'App']]);
});

test('an exported Run Lambda rule runs its function\'s canned answer, keyed by ARN', async () => {
  const answer = { actions: [{ action: { type: 'MOVE_TO_JUNK' }, allRecipients: true }] };
  const simulation = await simulateMailFlow({
    assembly, extraRules: exported(), responses: { [ARN]: answer }, direction: 'INBOUND', recipients: ['carol@example.com'], from: 'bot@scan.example',
  });
  expect(simulation.recipients['carol@example.com']).toMatchObject({ action: { type: 'MOVE_TO_JUNK' }, ruleName: 'console scan', decidedBy: 'function' });
  expect(simulation.invocations).toEqual([expect.objectContaining({ functionId: ARN, canned: true })]);
});

test('exported rules alone, in an app whose one stack has no rules', async () => {
  const empty = handWrittenAssembly({ Empty: { resources: {} } });
  const simulation = await simulateMailFlow({ assembly: empty, extraRules: exported(), direction: 'INBOUND', recipients: ['d@example.com'], from: 'x@spam.example' });
  expect(simulation).toMatchObject({ stack: 'Empty', organizationId: ORG, recipients: { 'd@example.com': { ruleName: 'block partner spam' } } });
});

test.each([
  [{ format: 'something else' }, /extraRules: extraRules is not exported rules: its format must be "cdk-workmail-lambda\/flow-rules@1", got "something else"/],
  [{ organizationId: 'm-1' }, /extraRules: extraRules: organizationId must be 'm-' followed by 32/],
  [{ inbound: [{}] }, /extraRules: extraRules: inbound must be a list of rules, each with a Name/],
  [{ inbound: [{ RuleId: 'x', Name: 'bad', SenderPatterns: ['a+b@example.com'], DestinationPatterns: ['*'], Action: { Type: 'DEFAULT' } }] },
    /the exported inbound rule "bad" of m-0123456789abcdef0123456789abcdef would be refused at deploy time: SenderPatterns has an invalid pattern "a\+b@example.com"/],
  [{ organizationId: OTHER_ORG }, /the rules of stack App name several organizations \(m-0123456789abcdef0123456789abcdef, m-fedcba9876543210fedcba9876543210\); choose one with organizationId/],
])('bad exported rules are refused, naming what to fix: %j', async (overrides, message) => {
  await expect(simulateMailFlow({ assembly, extraRules: exported(overrides as Partial<FlowRulesExport>), direction: 'INBOUND', recipients: ['a@example.com'], from: 'x@y.example' }))
    .rejects.toThrow(message);
});

test('simulate --rules FILE; a file that is not exported rules is a bad argument', () => {
  const file = path.join(tempDir(), 'rules.json');
  fs.writeFileSync(file, JSON.stringify(exported()));
  const { NODE_OPTIONS: _n, ...env } = process.env;
  const run = (extra: string[]) => spawnSync(process.execPath, [MAIN, 'simulate', '--app', assembly, '--direction', 'inbound', '--to', 'e@example.com',
    '--from', 'x@spam.example', '--json', ...extra], { env, encoding: 'utf8', timeout: 60_000 });
  const ok = run(['--rules', file]);
  expect(ok.status).toBe(0);
  expect(JSON.parse(ok.stdout).recipients['e@example.com']).toMatchObject({ ruleName: 'block partner spam', action: { type: 'BOUNCE' } });
  const missing = run(['--rules', path.join(tempDir(), 'none.json')]);
  expect(missing.status).toBe(2);
  expect(missing.stderr).toMatch(/^cdk-workmail-lambda simulate: extraRules: .*none\.json is not a readable JSON file of exported rules .*write one with cdk-workmail-lambda export --format json/);
});
