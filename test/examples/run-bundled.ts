import { spawn } from 'node:child_process';
import * as path from 'node:path';

/** What a bundled example handler did with one event: its answer or error, and its own JSON log lines. */
export interface BundledOutcome {
  readonly result?: any;
  readonly error?: { readonly name: string; readonly code?: string; readonly message: string };
  readonly logs: any[];
}

/**
 * Runs one event through the bundled handler in `assetDir` in a plain Node process (handler-runner.js), as the
 * Lambda runtime would, with `env` added to this process's environment (the local endpoints' variables).
 */
export function runBundledHandler(assetDir: string, event: object, env: Record<string, string>): Promise<BundledOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, 'handler-runner.js')], {
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.on('error', reject);
    child.on('close', () => {
      const line = out.split('\n').find((l) => l.startsWith('@@RESULT@@'));
      if (!line) return reject(new Error(`no result; stderr: ${err}`));
      // The handler's own log lines: one JSON object per line on stdout.
      const logs = out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
      resolve({ ...JSON.parse(line.slice('@@RESULT@@'.length)), logs });
    });
    child.stdin.end(JSON.stringify({ assetDir, event }));
  });
}
