/**
 * The built `cdk-workmail-lambda` command as its own process, asynchronously (the local endpoints it talks to run in
 * the test's process), in an environment of nothing but what the test gives: no AWS_* variable of the machine, HOME an
 * empty directory, no instance metadata, so that the SDK's default credential chain finds only what is given.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const MAIN = path.join(__dirname, '..', '..', 'local', 'cli', 'main.js');

/** An empty HOME for the command. */
const emptyHome = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-workmail-home-'));
process.on('exit', () => fs.rmSync(emptyHome, { recursive: true, force: true }));

/** The environment the command gets: PATH, an empty HOME, no instance metadata, and `extra` (e.g. `LocalWorkMail.env`). */
export function isolatedEnv(extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: emptyHome, AWS_EC2_METADATA_DISABLED: 'true', ...extra };
}

export interface CliRun {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Wall time of the run, for the commands' promise to give up within the time they state. */
  readonly ms: number;
}

/** Runs the command; `started` gets the process (to signal it). */
export function cli(
  args: string[], env: Record<string, string>, options: { cwd?: string; main?: string; started?: (child: ChildProcess) => void } = {},
): Promise<CliRun> {
  const start = Date.now();
  const child = spawn(process.execPath, [options.main ?? MAIN, ...args], { env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  options.started?.(child);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (status, signal) => resolve({ status, signal, stdout, stderr, ms: Date.now() - start }));
  });
}

/** Resolves once `condition` holds (polled), or rejects after `ms`. */
export async function until(condition: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('the condition did not come true in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
