/** `cdk-workmail-lambda endpoints` (and `npm run emulator`), started as its own process from the built command. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as path from 'node:path';
import { FlowRuleClient, createWorkMailClient } from '../../lambda/flow-rule-provider/client';
import { useEmulatorEnv } from './aws-env';
import { rawRequest } from './http';
import { ORG, OTHER_ORG, outboundAsyncRule } from './sample-rules';

const ROOT = path.join(__dirname, '..', '..');

function startCli(args: string[]): ChildProcessWithoutNullStreams {
  // The same command as the package's `emulator` script, without npm in between (so the pid is the command's).
  return spawn(process.execPath, ['local/cli/main.js', 'endpoints', ...args], { cwd: ROOT });
}

function output(child: ChildProcessWithoutNullStreams): { text: () => string; line: (prefix: string) => Promise<string> } {
  let text = '';
  const waiters: (() => void)[] = [];
  const onData = (chunk: Buffer) => {
    text += chunk.toString('utf8');
    waiters.splice(0).forEach((w) => w());
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  return {
    text: () => text,
    line: (prefix) => new Promise((resolve, reject) => {
      const check = () => {
        const found = text.split('\n').find((l) => l.startsWith(prefix));
        if (found) return resolve(found);
        if (child.exitCode !== null) return reject(new Error(`the emulator exited before printing "${prefix}":\n${text}`));
        waiters.push(check);
      };
      child.once('exit', check);
      check();
    }),
  };
}

function exited(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  return child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

test('prints the endpoint and the export line, serves the organizations given, and stops on SIGTERM', async () => {
  const child = startCli(['--organization', OTHER_ORG]);
  try {
    const out = output(child);
    const exportLine = await out.line('export AWS_ENDPOINT_URL_WORKMAIL=');
    const endpoint = exportLine.split('=')[1];
    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(out.text()).toContain(`WorkMail emulator listening on ${endpoint}`);

    const restore = useEmulatorEnv(endpoint);
    const workMail = createWorkMailClient();
    try {
      const rules = new FlowRuleClient(workMail);
      await rules.create('OUTBOUND', { ...outboundAsyncRule({ OrganizationId: OTHER_ORG }), ClientToken: 't' });
      await expect(rules.list('OUTBOUND', { OrganizationId: ORG })).rejects.toThrow(expect.objectContaining({ name: 'OrganizationNotFoundException' }));
    } finally {
      workMail.destroy();
      restore();
    }
    const state = (await rawRequest(`${endpoint}/__emulator/state`, { method: 'GET' })).json;
    expect(state[OTHER_ORG].OUTBOUND).toEqual([expect.objectContaining({ Name: 'count-outbound' })]);
  } finally {
    child.kill('SIGTERM');
  }
  expect(await exited(child)).toBe(0);
});

test('serves the placeholder organization by default', async () => {
  const child = startCli([]);
  try {
    const out = output(child);
    await out.line('export AWS_ENDPOINT_URL_WORKMAIL=');
    expect(await out.line('organizations: ')).toBe(`organizations: ${ORG} (Active)`);
  } finally {
    child.kill('SIGTERM');
  }
  await exited(child);
});

test('--organization-state and --max-rules set what the endpoint answers', async () => {
  const child = startCli(['--organization', ORG, '--organization-state', `${OTHER_ORG}=Deleting`, '--max-rules', '1']);
  try {
    const out = output(child);
    const endpoint = (await out.line('export AWS_ENDPOINT_URL_WORKMAIL=')).split('=')[1];
    expect(out.text()).toContain(`organizations: ${ORG} (Active), ${OTHER_ORG} (Deleting)`);
    expect(out.text()).toContain('at most 1 email flow rules per organization');
    const restore = useEmulatorEnv(endpoint);
    const workMail = createWorkMailClient({ maxAttempts: 1 });
    try {
      const rules = new FlowRuleClient(workMail);
      await rules.create('OUTBOUND', { ...outboundAsyncRule(), ClientToken: 'a' });
      await expect(rules.create('OUTBOUND', { ...outboundAsyncRule({ Name: 'b' }), ClientToken: 'b' }))
        .rejects.toThrow(expect.objectContaining({ name: 'LimitExceededException' }));
      await expect(rules.list('OUTBOUND', { OrganizationId: OTHER_ORG }))
        .rejects.toThrow(expect.objectContaining({ name: 'OrganizationStateException', message: `Organization ${OTHER_ORG} is not Active (state Deleting)` }));
    } finally {
      workMail.destroy();
      restore();
    }
  } finally {
    child.kill('SIGTERM');
  }
  await exited(child);
});

test('refuses a bad --organization-state with the usage', async () => {
  const child = startCli(['--organization-state', ORG]);
  const out = output(child);
  expect(await exited(child)).toBe(2);
  expect(out.text()).toContain(`--organization-state must be <organization id>=<state>, e.g. ${ORG}=Deleting, got ${ORG}`);
  expect(out.text()).toContain('(see cdk-workmail-lambda endpoints --help)');
});

test('refuses a bad option with the usage', async () => {
  const child = startCli(['--port', 'eighty']);
  const out = output(child);
  expect(await exited(child)).toBe(2);
  expect(out.text()).toContain("Unknown option '--port'");
  expect(out.text()).toContain('(see cdk-workmail-lambda endpoints --help)');
});
