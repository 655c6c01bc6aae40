/**
 * The process a function runs in (forked by `functions.ts`), kept warm between invocations as Lambda keeps an
 * execution environment: it loads the handler from the function's code directory on the first invocation, calls
 * it with the event and a Lambda-shaped context, and sends back the answer as JSON (as Lambda serializes it) or
 * the error, with everything the function wrote to stdout and stderr. It exits when its parent goes away.
 *
 * Messages: in `{ type: 'invoke', id, event, deadline, context }`; out `{ type: 'log', id, stream, text }` and
 * `{ type: 'result', id, payload? | error? }`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

interface Invoke {
  readonly type: 'invoke';
  readonly id: number;
  readonly event: unknown;
  /** Epoch milliseconds when the invocation times out. */
  readonly deadline: number;
  readonly context: { functionName: string; invokedFunctionArn: string; memoryLimitInMB: string; awsRequestId: string };
}

type Handler = (event: unknown, context: unknown, callback?: (error?: unknown, result?: unknown) => void) => unknown;

const send = (message: unknown) => process.send?.(message);
let current: number | undefined;
let handler: Handler | undefined;

// Whatever the function writes goes to the parent with the invocation it belongs to.
for (const stream of ['stdout', 'stderr'] as const) {
  const target = process[stream];
  target.write = ((chunk: string | Uint8Array, encoding?: unknown, callback?: unknown) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    send({ type: 'log', id: current, stream, text });
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') done();
    return true;
  }) as typeof target.write;
}

function fail(id: number | undefined, error: unknown, prefix = ''): void {
  const e = error instanceof Error ? error : new Error(String(error));
  send({ type: 'result', id, error: { name: e.name, message: `${prefix}${e.message}`, stack: e.stack } });
}

// As Lambda's runtime does: an error that escapes the handler ends the invocation and the environment.
for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
  process.on(event, (error: unknown) => {
    fail(current, error, event === 'unhandledRejection' ? 'Runtime.UnhandledPromiseRejection: ' : '');
    setImmediate(() => process.exit(1));
  });
}
process.on('disconnect', () => process.exit(0));

/**
 * Node's own `import()`: tsc, writing CommonJS, would turn an `import()` in this file into `require()`, which cannot
 * load an ES module handler (index.mjs, as NodejsFunction writes it with `format: OutputFormat.ESM`).
 */
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<Record<string, unknown>>;

async function load(spec: string): Promise<Handler> {
  const root = process.cwd();
  const slash = spec.lastIndexOf('/');
  const dot = spec.indexOf('.', slash + 1);
  if (dot === -1) throw new Error(`Runtime.MalformedHandlerName: the handler ${spec} is not <module>.<export>`);
  const modulePath = path.resolve(root, spec.slice(0, dot));
  const file = ['.js', '.mjs', '.cjs'].map((ext) => modulePath + ext).find((f) => fs.existsSync(f));
  if (!file) throw new Error(`Runtime.ImportModuleError: Cannot find module '${spec.slice(0, dot)}' in ${root}`);
  const loaded: Record<string, unknown> = file.endsWith('.mjs') || isModulePackage(path.dirname(file))
    ? await importModule(pathToFileURL(file).href)
    : require(file);
  let fn: unknown = loaded;
  for (const part of spec.slice(dot + 1).split('.')) fn = (fn as Record<string, unknown> | undefined)?.[part];
  if (typeof fn !== 'function') throw new Error(`Runtime.HandlerNotFound: ${spec} is not a function in ${path.basename(file)}`);
  return fn as Handler;
}

function isModulePackage(dir: string): boolean {
  for (let d = dir; ; d = path.dirname(d)) {
    const pkg = path.join(d, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        return JSON.parse(fs.readFileSync(pkg, 'utf8')).type === 'module';
      } catch {
        return false;
      }
    }
    if (path.dirname(d) === d) return false;
  }
}

async function invoke(message: Invoke): Promise<void> {
  current = message.id;
  const context = {
    ...message.context,
    functionVersion: '$LATEST',
    logGroupName: `/aws/lambda/${message.context.functionName}`,
    logStreamName: `local/[$LATEST]${message.context.awsRequestId.replace(/-/g, '')}`,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, message.deadline - Date.now()),
  };
  try {
    handler ??= await load(process.env._HANDLER ?? 'index.handler');
    const h = handler;
    const started = performance.now();
    const result = h.length >= 3
      ? await new Promise((resolve, reject) => {
        const maybe = h(message.event, context, (error, value) => (error ? reject(error) : resolve(value)));
        if (maybe && typeof (maybe as Promise<unknown>).then === 'function') (maybe as Promise<unknown>).then(resolve, reject);
      })
      : await h(message.event, context);
    let payload: string;
    try {
      payload = JSON.stringify(result === undefined ? null : result);
    } catch (error) {
      throw new Error(`Runtime.MarshalError: the answer cannot be serialized as JSON (${(error as Error).message})`);
    }
    send({ type: 'result', id: message.id, payload, handlerMs: performance.now() - started });
  } catch (error) {
    fail(message.id, error);
  } finally {
    current = undefined;
  }
}

process.on('message', (message: Invoke) => {
  if (message?.type === 'invoke') void invoke(message);
});
send({ type: 'ready' });
