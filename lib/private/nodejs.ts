/**
 * What `WorkMailNodejsFunction` does to aws-lambda-nodejs's `NodejsFunction` props before `super()`: the defaults
 * (runtime, entry, ESM main fields) and the synth-time checks of the entry file and of its handler export.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Stack, Token } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { OutputFormat, type BundlingOptions, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { IConstruct } from 'constructs';
import { invalid } from './errors';

/** The extensions NodejsFunction bundles, in the order it looks for a default entry. */
const ENTRY_EXTENSIONS = ['.ts', '.js', '.mjs', '.mts', '.cts', '.cjs'];
const ENTRY_FILE = /\.(jsx?|tsx?|cjs|cts|mjs|mts)$/;

/** The oldest Node.js runtime the default may be: aws-cdk-lib 2.197.0, the floor of the peer range, has NODEJS_22_X. */
const OLDEST_DEFAULT_MAJOR = 22;

/**
 * The newest Node.js runtime the installed aws-cdk-lib knows (`NODEJS_<major>_X`, the highest major): nodejs24.x
 * with aws-cdk-lib 2.224.0 and later, nodejs22.x before. A named runtime rather than `NODEJS_LATEST`, whose
 * `isVariable` makes NodejsFunction bundle `@aws-sdk/*` instead of leaving it to Lambda's runtime.
 */
export function newestNodejsRuntime(scope: IConstruct, available: object = lambda.Runtime): lambda.Runtime {
  let best: { major: number; runtime: lambda.Runtime } | undefined;
  for (const name of Object.getOwnPropertyNames(available)) {
    const match = /^NODEJS_(\d+)_X$/.exec(name);
    const runtime = match ? (available as Record<string, unknown>)[name] : undefined;
    if (!(runtime instanceof lambda.Runtime) || runtime.isVariable) continue;
    const major = Number(match![1]);
    if (!best || major > best.major) best = { major, runtime };
  }
  if (!best || best.major < OLDEST_DEFAULT_MAJOR) {
    throw invalid(scope, `runtime: the installed aws-cdk-lib knows no Node.js runtime from NODEJS_${OLDEST_DEFAULT_MAJOR}_X on, for the default; ` +
      'give runtime, or use aws-cdk-lib 2.197.0 or later');
  }
  return best.runtime;
}

/**
 * The entry file: `entry` checked (a JavaScript or TypeScript file that exists), or NodejsFunction's default
 * found for this construct: `<defining file>.<id>.ts` (or .js, .mjs, .mts, .cts, .cjs) beside the file that
 * creates the function. NodejsFunction cannot find that file itself for a subclass (it takes the file of the
 * subclass), so the search is done here, the same way, and its result given as `entry`.
 */
export function entryFile(scope: IConstruct, id: string, entry: string | undefined, definingClass: string): string {
  const where = `${scope.node.path}/${id}`;
  if (entry !== undefined) {
    if (!ENTRY_FILE.test(entry)) {
      throw new EntryError(where, `entry ${entry} is not a JavaScript or TypeScript file; give the handler's source file (.ts, .tsx, .mts, .cts, .js, .jsx, .mjs or .cjs)`);
    }
    const resolved = path.resolve(entry);
    if (fs.existsSync(resolved) && fs.statSync(resolved).isDirectory()) {
      throw new EntryError(where, `entry ${entry} is a directory; give the handler's source file in it, such as ${path.join(entry, 'index.ts')}`);
    }
    if (!fs.existsSync(resolved)) {
      throw new EntryError(where, `entry ${entry} does not exist (${resolved}${path.isAbsolute(entry) ? '' : `, relative to the directory cdk runs the app in, ${process.cwd()}`}); ` +
        "give the path of the handler's source file, best made from the stack's own directory: path.join(__dirname, 'handler.ts')");
    }
    return resolved;
  }
  const defining = definingFile(definingClass);
  if (!defining) {
    throw new EntryError(where, "entry is not given and the file that creates the function cannot be found; give entry, the path of the handler's source file");
  }
  const base = defining.slice(0, defining.length - path.extname(defining).length);
  const candidates = ENTRY_EXTENSIONS.map((ext) => `${base}.${id}${ext}`);
  const found = candidates.find((f) => fs.existsSync(f));
  if (!found) {
    throw new EntryError(where, `entry is not given and there is no handler file beside ${defining} (looked for ${candidates.map((c) => path.basename(c)).join(', ')}); ` +
      "give entry, the path of the handler's source file (path.join(__dirname, 'handler.ts')), or create " + path.basename(candidates[0]));
  }
  return found;
}

/** A bad `entry`: the construct path, the value, what to do (aws-cdk-lib's `ValidationError` name). */
class EntryError extends Error {
  constructor(where: string, problem: string) {
    super(`${where}: ${problem}`);
    this.name = 'ValidationError';
  }
}

/** The file of the code that called the constructor of `className` (the frame after it), as NodejsFunction finds its own. */
function definingFile(className: string): string | undefined {
  const original = { prepare: Error.prepareStackTrace, limit: Error.stackTraceLimit };
  let sites: NodeJS.CallSite[] = [];
  try {
    Error.stackTraceLimit = 50;
    Error.prepareStackTrace = (_error, stack) => stack;
    sites = (new Error().stack as unknown as NodeJS.CallSite[]) ?? [];
  } finally {
    Error.prepareStackTrace = original.prepare;
    Error.stackTraceLimit = original.limit;
  }
  const at = sites.findIndex((site) => site.getFunctionName() === className);
  const file = at >= 0 ? sites[at + 1]?.getFileName() : undefined;
  return file?.replace(/^file:\/\//, '');
}

/**
 * The bundling options with this construct's default: `mainFields: ['module', 'main']` in ES module output, so that
 * a package bundled in (the AWS SDK with `bundleAwsSDK`, or any with both builds) comes as its ES module build:
 * the CommonJS build would `require` Node built-ins, which fails in an ES module bundle ("Dynamic require of
 * "os" is not supported"), at the first call that loads it.
 */
export function bundlingOptions(bundling: BundlingOptions | undefined): BundlingOptions | undefined {
  if (bundling?.format !== OutputFormat.ESM || bundling.mainFields !== undefined) return bundling;
  return { ...bundling, mainFields: ['module', 'main'] };
}

/** The part of esbuild's API this module uses (esbuild is the user's devDependency, loaded from their project). */
interface Esbuild {
  buildSync(options: Record<string, unknown>): {
    outputFiles?: { text: string }[];
    metafile?: { inputs: Record<string, { format?: string }>; outputs: Record<string, { exports?: string[]; entryPoint?: string }> };
  };
}

/** esbuild as NodejsFunction finds it for local bundling: from the project (the entry's directory up, or the app's). */
function loadEsbuild(entry: string): Esbuild | undefined {
  try {
    return require(require.resolve('esbuild', { paths: [path.dirname(entry), process.cwd()] })) as Esbuild;
  } catch {
    return undefined;
  }
}

/**
 * The names the entry file exports, as esbuild sees them (an `export *` of another file of the project followed),
 * or undefined where that cannot be told: esbuild not installed (NodejsFunction then bundles in Docker), a CommonJS
 * entry (`exports.handler = ...`), an `export *` from a package, or an entry esbuild cannot read (NodejsFunction's
 * own bundling then reports it).
 */
export function entryExports(entry: string, bundling: BundlingOptions | undefined): string[] | undefined {
  const esbuild = loadEsbuild(entry);
  if (!esbuild) return undefined;
  try {
    const result = esbuild.buildSync({
      entryPoints: [entry],
      bundle: true,
      // Only the project's own files: a package cannot change what the entry exports, except by `export *` (below).
      packages: 'external',
      write: false,
      metafile: true,
      format: 'esm',
      platform: 'node',
      outdir: path.join(path.dirname(entry), '.cdk-workmail-lambda-exports'),
      logLevel: 'silent',
      ...(bundling?.tsconfig ? { tsconfig: bundling.tsconfig } : {}),
      ...(bundling?.loader ? { loader: bundling.loader } : {}),
    });
    const metafile = result.metafile!;
    const entryInput = Object.entries(metafile.inputs).find(([file]) => path.resolve(file) === entry)?.[1];
    if (entryInput?.format === 'cjs') return undefined;
    if (result.outputFiles?.some((f) => /^export\s*\*\s*from\s/m.test(f.text))) return undefined;
    const output = Object.values(metafile.outputs).find((o) => o.entryPoint !== undefined);
    return output?.exports ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * The checks of the handler at synth, where NodejsFunction bundles (no `code`) and the stack is bundled in this
 * synthesis: `handler` names an export of the entry, in the bundle's file (`index`).
 */
export function checkHandler(scope: IConstruct, id: string, entry: string, handler: string | undefined, bundling: BundlingOptions | undefined): void {
  const where = `${scope.node.path}/${id}`;
  const given = handler ?? 'handler';
  if (Token.isUnresolved(given) || !Stack.of(scope).bundlingRequired) return;
  const dot = given.indexOf('.');
  if (dot !== -1 && given.slice(0, dot) !== 'index') {
    throw new EntryError(where, `handler ${given} names the file ${given.slice(0, dot)}, but NodejsFunction bundles the entry into index.js (index.mjs); ` +
      `give the export's name only (handler: '${given.slice(dot + 1)}')`);
  }
  const name = (dot === -1 ? given : given.slice(dot + 1)).split('.')[0];
  const exported = entryExports(entry, bundling);
  if (exported === undefined || exported.includes(name)) return;
  throw new EntryError(where, `handler ${given}: ${entry} exports no ${name} (${exported.length > 0 ? `it exports ${exported.join(', ')}` : 'it exports nothing'}); ` +
    `export the function Lambda calls as ${name} (export const ${name} = ...), or set handler to the name it is exported as. ` +
    'Lambda would fail every invocation with Runtime.HandlerNotFound');
}

/** NodejsFunction's props with this construct's defaults and checks; entry is given explicitly unless `code` is. */
export function nodejsFunctionProps<P extends NodejsFunctionProps>(scope: IConstruct, id: string, props: P, definingClass: string): P {
  const runtime = props.runtime ?? newestNodejsRuntime(scope);
  if (props.code !== undefined) return { ...props, runtime };
  const entry = entryFile(scope, id, props.entry, definingClass);
  const bundling = bundlingOptions(props.bundling);
  checkHandler(scope, id, entry, props.handler, bundling);
  return { ...props, runtime, entry, bundling };
}
