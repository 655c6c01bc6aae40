/**
 * The package as users get it: `npm pack` of this checkout's build products, and scratch projects that have the
 * tarball installed (unpacked into node_modules, without network) with only the packages they are given,
 * linked from this checkout's node_modules. Used by the tests that judge the package from outside.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const ROOT = path.join(__dirname, '..', '..');
export const PACKAGE_NAME = 'cdk-workmail-lambda';

/** npm, as the one running the tests if there is one (npm test sets npm_execpath). */
export function npm(args: string[], cwd: string): string {
  const execPath = process.env.npm_execpath;
  const [cmd, cmdArgs] = execPath && /npm-cli\.js$/.test(execPath) ? [process.execPath, [execPath, ...args]] : ['npm', args];
  return execFileSync(cmd, cmdArgs, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
}

export interface PackedTarball {
  /** The .tgz file. */
  readonly tarball: string;
  /** The paths of the files it holds, relative to the package root. */
  readonly files: string[];
}

/** `npm pack` of this checkout into `destination`; it packs the build products, it does not build. */
export function packTarball(destination: string): PackedTarball {
  for (const built of ['lib/index.js', 'lib/index.d.ts', 'assets/flow-rule-provider/index.js', 'dist/runtime/index.js']) {
    if (!fs.existsSync(path.join(ROOT, built))) throw new Error(`${built} is missing: run \`npm run build\` before this test (npm test does it in pretest)`);
  }
  // --ignore-scripts: `prepare` would rebuild (and rewrite assets/ under the other test files' feet).
  const out = npm(['pack', '--json', '--ignore-scripts', '--pack-destination', destination], ROOT);
  const [info] = JSON.parse(out.slice(out.indexOf('[')));
  return { tarball: path.join(destination, info.filename), files: info.files.map((f: { path: string }) => f.path) };
}

/** The package's runtime dependencies (package.json `dependencies`): what `npm install` of it brings along. */
export function packageDependencies(): string[] {
  return Object.keys(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).dependencies ?? {});
}

/**
 * A scratch project at `project` with the tarball unpacked as node_modules/cdk-workmail-lambda and each of
 * `links` (package names) linked from this checkout's node_modules, nothing else; returns the installed
 * package's directory. A linked package finds its own dependencies from its real path.
 */
export function installTarball(tarball: string, project: string, links: readonly string[] = []): string {
  const modules = path.join(project, 'node_modules');
  const installed = path.join(modules, PACKAGE_NAME);
  fs.mkdirSync(installed, { recursive: true });
  if (!fs.existsSync(path.join(project, 'package.json'))) {
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: path.basename(project), version: '1.0.0', private: true }, null, 2));
  }
  execFileSync('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
  linkPackages(modules, links);
  return installed;
}

/** Links each of `names` from this checkout's node_modules into `modules` (and its bin entries into .bin). */
export function linkPackages(modules: string, names: readonly string[]): void {
  for (const name of names) {
    const source = path.join(ROOT, 'node_modules', name);
    if (!fs.existsSync(source)) throw new Error(`${name} is not installed in this checkout`);
    const target = path.join(modules, name);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.symlinkSync(source, target, 'dir');
    const bin = JSON.parse(fs.readFileSync(path.join(source, 'package.json'), 'utf8')).bin;
    const bins: Record<string, string> = typeof bin === 'string' ? { [name.split('/').pop()!]: bin } : bin ?? {};
    for (const [command, file] of Object.entries(bins)) {
      fs.mkdirSync(path.join(modules, '.bin'), { recursive: true });
      fs.symlinkSync(path.join(target, file), path.join(modules, '.bin', command));
    }
  }
}

/** This process's environment without what would reach this checkout's modules (NODE_PATH, NODE_OPTIONS). */
export function consumerEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { NODE_PATH: _nodePath, NODE_OPTIONS: _nodeOptions, ...env } = process.env;
  return { ...env, ...extra };
}
