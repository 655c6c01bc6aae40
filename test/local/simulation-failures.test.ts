/** The simulator against functions that misbehave, and against bad input: a clear result or error, no hang, no orphan. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createMailFlowSimulator, type MailFlowSimulator } from '../../local';
import {
  MESSAGES, ORG, OTHER_ORG, alive, functionResource, handWrittenAssembly, removeAssemblies, ruleResource, runLambda, tempDir,
} from './assemblies';

afterAll(removeAssemblies);

const FUNCTIONS: Record<string, string> = {
  Hang: 'exports.handler = () => new Promise(() => { setInterval(() => {}, 1000); });',
  Crash: 'exports.handler = async () => { throw new TypeError("boom"); };',
  Exit: 'exports.handler = async () => { process.exit(3); };',
  Stderr: 'exports.handler = async () => { console.error("warning: something odd"); process.stderr.write("partial"); return { actions: [{ action: { type: "DEFAULT" }, allRecipients: true }] }; };',
  Garbage: 'exports.handler = async () => ({ actions: [{ action: { type: "EXPLODE" }, allRecipients: true }] });',
  Unserializable: 'exports.handler = async () => ({ n: 1n });',
  Deadline: 'exports.handler = async (e, context) => { console.log(Math.round(context.getRemainingTimeInMillis() / 1000)); return { actions: [{ action: { type: "DEFAULT" }, allRecipients: true }] }; };',
  NoHandler: 'exports.other = async () => ({});',
  Escape: 'exports.handler = async () => { setTimeout(() => { throw new Error("late"); }, 0); await new Promise((r) => setTimeout(r, 50)); return null; };',
};

/** One stack per function: a synchronous inbound rule (fallback BOUNCE) running it. */
function assemblyFor(name: string, timeout = 15): string {
  return handWrittenAssembly({
    [name]: {
      resources: {
        [name]: functionResource(name, { timeout }),
        Rule: ruleResource('INBOUND', { name: `run-${name.toLowerCase()}`, action: runLambda(name, { fallback: { Type: 'BOUNCE', BounceMessage: 'fallback' } }) }),
      },
    },
  }, { [name]: FUNCTIONS[name] });
}

const MESSAGE = { direction: 'INBOUND' as const, recipients: ['a@example.com'], from: 'x@y.example' };

describe('functions that misbehave: WorkMail applies the fallback, and the invocation says why', () => {
  const simulators: MailFlowSimulator[] = [];
  const run = async (name: string, options: { timeout?: number; fnTimeout?: number } = {}) => {
    const simulator = await createMailFlowSimulator({ assembly: assemblyFor(name, options.fnTimeout), timeout: options.timeout });
    simulators.push(simulator);
    return { simulator, result: await simulator.simulate(MESSAGE) };
  };
  afterAll(async () => {
    const pids = simulators.flatMap((s) => s.pids);
    await Promise.all(simulators.map((s) => s.close()));
    expect(pids.filter(alive)).toEqual([]);
  });

  test('a function that hangs: timed out at the simulator\'s timeout, its process killed, the fallback', async () => {
    const started = Date.now();
    const { simulator, result } = await run('Hang', { timeout: 800 });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.recipients['a@example.com']).toMatchObject({ action: { type: 'BOUNCE', bounceMessage: 'fallback' }, decidedBy: 'fallback', ruleName: 'run-hang' });
    expect(result.invocations[0].error).toBe('TimeoutError: Task timed out after 0.80 seconds');
    expect(result.assumptions.map((a) => a.id)).toContain('one-attempt');
    expect(simulator.pids).toEqual([]);
  });

  test('a function whose own timeout is shorter times out at its own timeout', async () => {
    const { result } = await run('Hang', { fnTimeout: 1 });
    expect(result.invocations[0].error).toBe('TimeoutError: Task timed out after 1.00 seconds');
  });

  test('a function that throws: the error, the fallback; its process stays warm', async () => {
    const { simulator, result } = await run('Crash');
    expect(result.invocations[0].error).toBe('TypeError: boom');
    expect(result.recipients['a@example.com'].decidedBy).toBe('fallback');
    expect(simulator.pids).toHaveLength(1);
    const again = await simulator.simulate(MESSAGE);
    expect(again.invocations[0].cold).toBe(false);
  });

  test('a function that exits: the exit, the fallback, and a new process for the next message', async () => {
    const { simulator, result } = await run('Exit');
    expect(result.invocations[0].error).toBe("Runtime.ExitError: the function's process exited with code 3 before it answered");
    expect(result.recipients['a@example.com'].decidedBy).toBe('fallback');
    const again = await simulator.simulate(MESSAGE);
    expect(again.invocations[0].cold).toBe(true);
  });

  test('a function that prints to stderr: its lines, by stream, and its answer applies', async () => {
    const { result } = await run('Stderr');
    expect(result.invocations[0].logs).toEqual([{ stream: 'stderr', text: 'warning: something odd' }, { stream: 'stderr', text: 'partial' }]);
    expect(result.recipients['a@example.com']).toMatchObject({ action: { type: 'DEFAULT' }, decidedBy: 'function' });
  });

  test('an answer WorkMail would not take: its problems, the fallback', async () => {
    const { result } = await run('Garbage');
    expect(result.invocations[0].response).toEqual({ actions: [{ action: { type: 'EXPLODE' }, allRecipients: true }] });
    expect(result.invocations[0].responseProblems).toEqual([expect.stringContaining('EXPLODE')]);
    expect(result.recipients['a@example.com'].decidedBy).toBe('fallback');
  });

  test('an answer that is not JSON (a BigInt), a missing handler export, an error escaping the handler', async () => {
    expect((await run('Unserializable')).result.invocations[0].error).toMatch(/^Error: Runtime.MarshalError: the answer cannot be serialized as JSON/);
    expect((await run('NoHandler')).result.invocations[0].error).toBe('Error: Runtime.HandlerNotFound: index.handler is not a function in index.js');
    expect((await run('Escape')).result.invocations[0].error).toBe('Error: late');
  });

  test('the context\'s remaining time follows the function\'s timeout, capped at WorkMail\'s 15 seconds', async () => {
    expect((await run('Deadline', { fnTimeout: 5 })).result.invocations[0].logs).toEqual([{ stream: 'stdout', text: '5' }]);
    expect((await run('Deadline', { fnTimeout: 60 })).result.invocations[0].logs).toEqual([{ stream: 'stdout', text: '15' }]);
  });
});

describe('bad input: an error naming what to fix', () => {
  const rule = ruleResource('INBOUND', { name: 'drop', action: { Type: 'DROP' } });

  test.each([
    ['a missing assembly', () => ({ assembly: path.join(tempDir(), 'nothing') }), /no cloud assembly at .*nothing: the directory does not exist; synthesize first/],
    ['an unsynthesized directory', () => ({ assembly: tempDir() }), /is not a synthesized cloud assembly \(no manifest.json\); run npx cdk synth/],
    ['an assembly with no flow rules', () => ({ assembly: handWrittenAssembly({ Empty: { resources: { B: { Type: 'AWS::S3::Bucket' } } } }) }),
      /no stack of .* has email flow rules \(Custom::WorkMailInboundFlowRule or Custom::WorkMailOutboundFlowRule\); stacks: Empty/],
    ['a stack with no flow rules', () => ({ assembly: handWrittenAssembly({ A: { resources: { R: rule } }, Empty: { resources: {} } }), stack: 'Empty' }),
      /stack Empty has no email flow rules/],
    ['a stack not in the app', () => ({ assembly: handWrittenAssembly({ A: { resources: { R: rule } } }), stack: 'Nope' }), /no stack "Nope" in .*; stacks: A/],
    ['several stacks with rules and no stack named', () => ({ assembly: handWrittenAssembly({ A: { resources: { R: rule } }, B: { resources: { R: rule } } }) }),
      /several stacks hold email flow rules \(A, B\); choose one with stack/],
    ['an organization not in the app', () => ({ assembly: handWrittenAssembly({ A: { resources: { R: rule } } }), organizationId: OTHER_ORG }),
      new RegExp(`no rule of stack A is for organization ${OTHER_ORG}; the rules name ${ORG}`)],
    ['rules of two organizations and none chosen', () => ({ assembly: handWrittenAssembly({ A: { resources: { R: rule, S: ruleResource('INBOUND', { name: 'x', organizationId: OTHER_ORG, action: { Type: 'DROP' } }) } } }) }),
      /name several organizations .*; choose one with organizationId/],
    ['a hand-written rule the provider would refuse', () => ({ assembly: handWrittenAssembly({ A: { resources: { R: ruleResource('INBOUND', { name: 'bad', senders: ['a+b@example.com'], action: { Type: 'DROP' } }) } } }) }),
      /the inbound rule R of stack A would be refused at deploy time: SenderPatterns has an invalid pattern "a\+b@example.com"/],
    ['a rule whose pattern is known only after deployment', () => ({ assembly: handWrittenAssembly({ A: { resources: { R: ruleResource('INBOUND', { name: 'x', senders: [{ 'Fn::GetAtt': ['B', 'Name'] }] as any, action: { Type: 'DROP' } }), B: { Type: 'AWS::S3::Bucket' } } } }) }),
      /the inbound rule R of stack A cannot be read before deployment: \{ Fn::GetAtt: \[B, Name\] \} is known only after deployment/],
    ['a timeout out of range', () => ({ assembly: handWrittenAssembly({ A: { resources: { R: rule } } }), timeout: 0 }), /timeout must be a number of milliseconds from 1 to 900000, got 0/],
  ])('%s', async (_, options, message) => {
    await expect(createMailFlowSimulator(options() as any)).rejects.toThrow(message);
  });

  describe('per message', () => {
    let simulator: MailFlowSimulator;
    beforeAll(async () => {
      simulator = await createMailFlowSimulator({ assembly: handWrittenAssembly({ A: { resources: { R: rule } } }) });
    });
    afterAll(() => simulator.close());

    test.each([
      ['a recipient that is not an address', { recipients: ['not-an-address'] }, /a recipient must be an email address .*got "not-an-address"/],
      ['no recipient', { recipients: [] }, /recipients must list at least one envelope recipient address/],
      ['a recipient twice', { recipients: ['a@example.com', 'A@example.com'] }, /the recipient A@example.com is listed twice/],
      ['a direction that is not one', { direction: 'SIDEWAYS' }, /direction must be 'INBOUND' or 'OUTBOUND', got "SIDEWAYS"/],
      ['a message file that does not exist', { message: '/no/such.eml' }, /cannot read the message \/no\/such.eml: ENOENT/],
      ['a non-MIME message', { message: Buffer.from('hello there\r\nthis is not mail\r\n') }, /the message is not a MIME message: line 1 \("hello there"\) is not a header field/],
      ['an empty message', { message: Buffer.alloc(0) }, /the message is empty; it must be a MIME message/],
      ['a message without a From address', { message: Buffer.from('Subject: x\r\n\r\nbody'), from: undefined }, /the message has no From header with an address; pass from/],
      ['a From that is not an address', { from: 'nobody' }, /from must be an email address/],
    ])('%s', async (_, overrides, message) => {
      await expect(simulator.simulate({ direction: 'INBOUND', recipients: ['a@example.com'], from: 'x@y.example', ...overrides } as any)).rejects.toThrow(message);
    });

    test('a malformed .eml from the MIME corpus style: the line that is wrong', async () => {
      const file = path.join(tempDir(), 'broken.eml');
      fs.writeFileSync(file, `${fs.readFileSync(path.join(MESSAGES, 'invoice.eml'), 'utf8').split('\r\n\r\n')[0]}\r\nthis line breaks the header\r\n\r\nbody`);
      await expect(simulator.simulate({ direction: 'INBOUND', recipients: ['a@example.com'], message: file })).rejects.toThrow(/broken.eml is not a MIME message: line 8/);
    });
  });
});
