/**
 * The packed library for the package tests: `npm pack` of the build products (no rebuild), and scratch projects
 * that hold the tarball's files as `npm install` would put them, with their dependencies linked from this checkout
 * (no network).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const ROOT = path.join(__dirname, '..', '..');

/** npm, as the one running the tests if there is one (npm test sets npm_execpath). */
export function npm(args: string[], cwd: string): string {
  const execPath = process.env.npm_execpath;
  const [cmd, cmdArgs] = execPath && /npm-cli\.js$/.test(execPath) ? [process.execPath, [execPath, ...args]] : ['npm', args];
  return execFileSync(cmd, cmdArgs, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
}

/** Packs the library into `dir`: the tarball's path and the packed file list (with sizes). */
export function pack(dir: string): { tarball: string; files: { path: string; size: number }[]; unpackedSize: number } {
  // --ignore-scripts: `prepare` would rebuild (and rewrite assets/ under the other test files' feet).
  const out = npm(['pack', '--json', '--ignore-scripts', '--pack-destination', dir], ROOT);
  const [info] = JSON.parse(out.slice(out.indexOf('[')));
  return { tarball: path.join(dir, info.filename), files: info.files, unpackedSize: info.unpackedSize };
}

/**
 * A project at `dir` with the tarball extracted as node_modules/cdk-workmail-lambda and `links` (package names)
 * linked from this checkout's node_modules.
 */
export function project(dir: string, tarball: string, links: readonly string[], manifest: Record<string, unknown> = {}): string {
  const modules = path.join(dir, 'node_modules');
  const installed = path.join(modules, 'cdk-workmail-lambda');
  fs.mkdirSync(installed, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: path.basename(dir), version: '1.0.0', private: true, ...manifest }, null, 2));
  link(modules, links);
  execFileSync('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
  return installed;
}

/** Links each of `names` from this checkout's node_modules into `modules`, with its commands in .bin (as npm does). */
export function link(modules: string, names: readonly string[]): void {
  for (const name of names) {
    const target = path.join(modules, name);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.symlinkSync(path.join(ROOT, 'node_modules', name), target, 'dir');
    const bin = JSON.parse(fs.readFileSync(path.join(target, 'package.json'), 'utf8')).bin;
    const commands: Record<string, string> = typeof bin === 'string' ? { [name.split('/').pop()!]: bin } : bin ?? {};
    for (const [command, file] of Object.entries(commands)) {
      fs.mkdirSync(path.join(modules, '.bin'), { recursive: true });
      fs.symlinkSync(path.join(target, file), path.join(modules, '.bin', command));
    }
  }
}

/**
 * The package's runtime `dependencies` that `npm install` of it fetches: those not bundled in the tarball (the
 * bundled ones, extracted with it, are in its own node_modules/).
 */
export function packageDependencies(): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const bundled = new Set<string>(pkg.bundledDependencies ?? pkg.bundleDependencies ?? []);
  return Object.keys(pkg.dependencies ?? {}).filter((name) => !bundled.has(name));
}

/** This process's environment without what would load this checkout's modules into a child (NODE_PATH, ts-node). */
export function cleanEnv(): NodeJS.ProcessEnv {
  const { NODE_PATH: _nodePath, NODE_OPTIONS: _nodeOptions, ...env } = process.env;
  return env;
}
