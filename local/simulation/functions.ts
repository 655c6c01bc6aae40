/**
 * The function processes of a simulation: one child process per function, forked on its first invocation and
 * kept warm for the next ones (as Lambda keeps an execution environment), one invocation at a time. A process that
 * times out is killed, as Lambda ends an environment whose invocation timed out; one that exits or crashes is
 * replaced at the next invocation. `close()` ends them all and waits until they are gone.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** One line (or chunk) a function wrote. */
export interface FunctionLog {
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
}

/** What an invocation gave. */
export interface InvocationOutcome {
  /** The answer, parsed from the JSON the function returned (null for none). */
  readonly response?: unknown;
  /** Why the invocation failed: the function threw, timed out, exited or could not load. */
  readonly error?: { readonly name: string; readonly message: string };
  readonly logs: FunctionLog[];
  readonly durationMs: number;
  /** The time inside the handler (from the call to its answer), when it answered. */
  readonly handlerMs?: number;
  /** Whether the function's process was started for this invocation. */
  readonly cold: boolean;
}

/** How to start a function's process. */
export interface FunctionSpec {
  /** The code directory (the process's working directory). */
  readonly dir: string;
  readonly handler: string;
  readonly env: Record<string, string>;
  readonly name: string;
  readonly arn: string;
  readonly memoryMb: number;
}

const WORKER = path.join(__dirname, 'worker.js');

interface Answer {
  readonly payload?: string;
  readonly handlerMs?: number;
  readonly error?: { name: string; message: string };
}

interface Worker {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  pending?: { id: number; logs: FunctionLog[]; settle: (r: Answer) => void };
}

/** The running function processes of one simulator. */
export class FunctionPool {
  private readonly workers = new Map<string, Worker>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly tempDirs: string[] = [];
  private nextId = 1;
  private closed = false;

  /** The pids of the processes now running (for leak checks). */
  public get pids(): number[] {
    return [...this.workers.values()].map((w) => w.child.pid).filter((p): p is number => p !== undefined);
  }

  /** A directory holding inline code as `index.js`, as Lambda stores `ZipFile` code for Node.js. */
  public inlineDir(source: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-workmail-inline-'));
    fs.writeFileSync(path.join(dir, 'index.js'), source);
    this.tempDirs.push(dir);
    return dir;
  }

  /** Invokes the function `key` (started from `spec` when it has no process), waiting at most `timeoutMs`. */
  public invoke(key: string, spec: FunctionSpec, event: unknown, timeoutMs: number): Promise<InvocationOutcome> {
    // One invocation at a time per function: later ones wait for the earlier.
    const previous = this.queues.get(key) ?? Promise.resolve();
    const run = previous.then(() => this.run(key, spec, event, timeoutMs));
    this.queues.set(key, run.catch(() => undefined));
    return run;
  }

  /** Ends every function process and removes temporary code directories. */
  public async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.workers.keys()].map((key) => this.kill(key)));
    for (const dir of this.tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  }

  private async run(key: string, spec: FunctionSpec, event: unknown, timeoutMs: number): Promise<InvocationOutcome> {
    if (this.closed) throw new Error('the simulator is closed');
    const started = Date.now();
    let worker = this.workers.get(key);
    const cold = worker === undefined;
    if (!worker) {
      if (!fs.existsSync(WORKER)) throw new Error(`the function runner ${WORKER} is missing: build cdk-workmail-lambda (npm run build)`);
      worker = this.start(key, spec);
    }
    const w = worker;
    const id = this.nextId++;
    const logs: FunctionLog[] = [];
    const deadline = started + timeoutMs;
    const answer = await new Promise<Answer>((resolve) => {
      const timer = setTimeout(() => {
        resolve({ error: { name: 'TimeoutError', message: `Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds` } });
        void this.kill(key);
      }, timeoutMs);
      w.pending = {
        id, logs, settle: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
      };
      w.child.send({
        type: 'invoke', id, event, deadline,
        context: { functionName: spec.name, invokedFunctionArn: spec.arn, memoryLimitInMB: String(spec.memoryMb), awsRequestId: randomUUID() },
      }, (error) => {
        if (error) w.pending?.settle({ error: { name: 'Runtime.ExitError', message: `the function's process is gone: ${error.message}` } });
      });
    });
    w.pending = undefined;
    const durationMs = Date.now() - started;
    const lines = toLines(logs);
    if (answer.error) return { error: answer.error, logs: lines, durationMs, cold };
    try {
      return { response: JSON.parse(answer.payload ?? 'null'), logs: lines, durationMs, handlerMs: answer.handlerMs, cold };
    } catch {
      return { error: { name: 'Runtime.MarshalError', message: 'the answer is not JSON' }, logs: lines, durationMs, cold };
    }
  }

  private start(key: string, spec: FunctionSpec): Worker {
    const child = fork(WORKER, [], {
      cwd: spec.dir,
      env: { ...spec.env, _HANDLER: spec.handler },
      execArgv: [],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    const worker: Worker = {
      child,
      exited: new Promise((resolve) => child.once('exit', () => resolve())),
    };
    const capture = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => worker.pending?.logs.push({ stream, text: chunk.toString('utf8') });
    child.stdout?.on('data', capture('stdout'));
    child.stderr?.on('data', capture('stderr'));
    child.on('message', (message: Answer & { type: string; id?: number; stream?: 'stdout' | 'stderr'; text?: string }) => {
      const pending = worker.pending;
      if (message.type === 'log' && pending && (message.id === undefined || message.id === pending.id)) pending.logs.push({ stream: message.stream!, text: message.text! });
      if (message.type === 'result' && pending && (message.id === undefined || message.id === pending.id)) pending.settle({ payload: message.payload, handlerMs: message.handlerMs, error: message.error });
    });
    child.once('exit', (code, signal) => {
      if (this.workers.get(key) === worker) this.workers.delete(key);
      worker.pending?.settle({
        error: { name: 'Runtime.ExitError', message: `the function's process exited${signal ? ` on ${signal}` : ` with code ${code}`} before it answered` },
      });
    });
    child.on('error', () => undefined);
    this.workers.set(key, worker);
    return worker;
  }

  private async kill(key: string): Promise<void> {
    const worker = this.workers.get(key);
    if (!worker) return;
    this.workers.delete(key);
    if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
    await worker.exited;
  }
}

/** The chunks of each stream as lines (a chunk may hold several lines, a line may span chunks). */
function toLines(chunks: readonly FunctionLog[]): FunctionLog[] {
  const lines: FunctionLog[] = [];
  const partial: Record<'stdout' | 'stderr', string> = { stdout: '', stderr: '' };
  for (const { stream, text } of chunks) {
    const parts = (partial[stream] + text).split('\n');
    partial[stream] = parts.pop()!;
    for (const line of parts) lines.push({ stream, text: line.replace(/\r$/, '') });
  }
  for (const stream of ['stdout', 'stderr'] as const) if (partial[stream]) lines.push({ stream, text: partial[stream] });
  return lines;
}
