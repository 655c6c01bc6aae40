/**
 * The Python package, as far as this machine can check it: jsii-pacmak generates its source from the assembly
 * (`--code-only`: no PyPI here, and jsii's Python runtime is not installable, so it is neither built into a wheel nor
 * imported), every module compiles with python3, and what a Python user calls is read from the source with `ast`
 * (test/package/python_api.py): classes, keyword arguments in snake_case, the action constants, the enums of
 * aws-cdk-lib the props take, and the README's and doc comments' examples as jsii-rosetta translated them.
 *
 * Generated against this checkout's aws-cdk-lib (the newest of the range); `.ci/run` also generates it against the
 * floor of the range, as it must be published (scripts/python-package.mjs).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cleanEnv, ROOT } from './packed';

interface Member { kind: string; jsii?: string; positional?: string[]; keyword_only?: string[]; annotations?: Record<string, string> }
interface PyClass { kind: string; jsii_type: string; bases: string[]; members: Record<string, Member> }
interface PyApi { classes: Record<string, PyClass>; all: string[]; examples: Record<string, string[]> }

let tmp: string;
let src: string;
let api: PyApi;
let translations: { where: string; source: string; file: string }[];

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-workmail-python-'));
  // npm_config_ignore_scripts: pacmak packs the package (npm pack) to embed it; `prepare` would rebuild the checkout.
  execFileSync(process.execPath, [require.resolve('jsii-pacmak/bin/jsii-pacmak'), '--targets', 'python', '--code-only', '--no-npmignore', '--outdir', tmp], {
    cwd: ROOT, env: { ...cleanEnv(), npm_config_ignore_scripts: 'true' }, stdio: 'pipe',
  });
  src = path.join(tmp, 'python', 'src', 'cdk_workmail_lambda');
  const tablet = JSON.parse(fs.readFileSync(path.join(ROOT, '.jsii.tabl.json'), 'utf8'));
  translations = Object.values<any>(tablet.snippets).map((s, i) => {
    const file = path.join(tmp, `example_${i}.py`);
    fs.writeFileSync(file, s.translations.python.source);
    return { where: s.location.api.fqn ?? s.location.api.api, source: s.translations.python.source, file };
  });
  const out = execFileSync('python3', [path.join(__dirname, 'python_api.py'), src, ...translations.map((t) => t.file)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  api = JSON.parse(out);
}, 180_000);

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

const initOf = (name: string) => {
  const init = api.classes[name].members.__init__;
  return { positional: init.positional ?? [], keyword_only: init.keyword_only ?? [], annotations: init.annotations ?? {} };
};

test('the distribution is cdk-workmail-lambda, module cdk_workmail_lambda, requiring the peer ranges and the jsii runtime, with the packed library inside', () => {
  const setup = fs.readFileSync(path.join(tmp, 'python', 'setup.py'), 'utf8');
  const kwargs = JSON.parse(/json\.loads\(\s*"""([\s\S]*?)"""/.exec(setup)![1]);
  expect(kwargs).toMatchObject({ name: 'cdk-workmail-lambda', version: '0.1.0', license: 'Apache-2.0', packages: ['cdk_workmail_lambda', 'cdk_workmail_lambda._jsii'] });
  expect(kwargs.install_requires).toEqual(expect.arrayContaining(['aws-cdk-lib>=2.197.0, <3.0.0', 'constructs>=10.0.0, <11.0.0', expect.stringMatching(/^jsii>=1\.\d+\.\d+, <2\.0\.0$/)]));
  // jsii's Python runtime runs the JavaScript of this tarball: the library as npm ships it.
  const tarball = path.join(src, '_jsii', 'cdk-workmail-lambda@0.1.0.jsii.tgz');
  const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n');
  expect(files).toEqual(expect.arrayContaining(['package/.jsii', 'package/lib/index.js', 'package/assets/flow-rule-provider/index.js', 'package/node_modules/libmime/package.json']));
});

test('every generated module compiles with python3', () => {
  const modules = fs.readdirSync(path.join(tmp, 'python'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.py'));
  expect(modules).toEqual(expect.arrayContaining(['setup.py', path.join('src', 'cdk_workmail_lambda', '__init__.py'), path.join('src', 'cdk_workmail_lambda', '_jsii', '__init__.py')]));
  execFileSync('python3', ['-m', 'py_compile', ...modules.map((m) => path.join(tmp, 'python', m))], { stdio: 'pipe' });
  // The check sees a broken module: a control in the same run.
  const broken = path.join(tmp, 'broken.py');
  fs.writeFileSync(broken, 'def f(:\n');
  expect(() => execFileSync('python3', ['-m', 'py_compile', broken], { stdio: 'pipe' })).toThrow();
});

test('every class, struct and interface of the assembly is exported, under its own name', () => {
  const assembly = JSON.parse(fs.readFileSync(path.join(ROOT, '.jsii'), 'utf8'));
  const names = Object.keys(assembly.types).map((fqn) => fqn.replace(/^cdk-workmail-lambda\./, '')).sort();
  expect([...api.all].filter((n) => n !== '__jsii_assembly__').sort()).toEqual(names);
  for (const name of names) expect([name, api.classes[name]?.jsii_type]).toEqual([name, `cdk-workmail-lambda.${name}`]);
});

test('constructs take scope and id, then their props as snake_case keyword arguments', () => {
  expect(initOf('WorkMailFunction').positional).toEqual(['scope', 'id']);
  expect(initOf('WorkMailFunction').keyword_only).toEqual(expect.arrayContaining(['organization', 'idempotency_table', 'runtime', 'handler', 'code', 'memory_size', 'timeout']));
  expect(api.classes.WorkMailFunction.bases).toEqual(['_aws_cdk_aws_lambda_ceddda9d.Function']);
  expect(initOf('WorkMailNodejsFunction').positional).toEqual(['scope', 'id']);
  expect(initOf('WorkMailNodejsFunction').keyword_only).toEqual(expect.arrayContaining(['organization', 'idempotency_table', 'entry', 'handler', 'bundling', 'runtime', 'timeout']));
  expect(api.classes.WorkMailNodejsFunction.bases).toEqual(['_aws_cdk_aws_lambda_nodejs_ceddda9d.NodejsFunction']);
  expect(api.classes.WorkMailNodejsFunction.members.add_inbound_rule).toMatchObject({ kind: 'method', jsii: 'addInboundRule', positional: ['id'] });
  for (const rule of ['InboundFlowRule', 'OutboundFlowRule']) {
    expect(initOf(rule).positional).toEqual(['scope', 'id']);
    expect(initOf(rule).keyword_only.sort()).toEqual(['action', 'adopt_existing', 'description', 'destination_patterns', 'organization', 'removal_policy', 'rule_name', 'sender_patterns']);
  }
  expect(initOf('MessageContentBucket').keyword_only.sort()).toEqual(['organization', 'removal_policy', 'server_access_logs_bucket', 'server_access_logs_prefix']);
  // No camelCase name anywhere a Python user types one.
  const camel = Object.entries(api.classes).flatMap(([c, cls]) => Object.entries(cls.members).flatMap(([m, member]) =>
    [...(member.positional ?? []), ...(member.keyword_only ?? [])].filter((p) => /[A-Z]/.test(p)).map((p) => `${c}.${m}(${p})`)));
  expect(camel).toEqual([]);
});

test('methods and factories are snake_case: run_lambda with keyword options, from_organization_id, add_inbound_rule, grant_write_message_content', () => {
  for (const action of ['InboundAction', 'OutboundAction']) {
    expect(api.classes[action].members.run_lambda).toMatchObject({ kind: 'static', jsii: 'runLambda', positional: ['fn'] });
    expect(api.classes[action].members.run_lambda.keyword_only!.sort()).toEqual(['fallback_action', 'rule_timeout', 'synchronous']);
    expect(api.classes[action].members.run_lambda.annotations).toMatchObject({ fallback_action: `typing.Optional['${action}']`, rule_timeout: "typing.Optional['_aws_cdk_ceddda9d.Duration']" });
    expect(api.classes[action].members.bounce).toMatchObject({ kind: 'static', positional: ['message'] });
  }
  expect(api.classes.OutboundAction.members.route_to_smtp_gateway).toMatchObject({ kind: 'static', jsii: 'routeToSmtpGateway', positional: ['gateway_name'] });
  expect(api.classes.WorkMailOrganization.members.from_organization_id).toMatchObject({ kind: 'static', positional: ['scope', 'id', 'organization_id'] });
  expect(api.classes.WorkMailOrganization.members.from_organization_arn).toMatchObject({ kind: 'static', positional: ['scope', 'id', 'organization_arn'] });
  expect(api.classes.WorkMailFunction.members.add_inbound_rule).toMatchObject({ kind: 'method', jsii: 'addInboundRule', positional: ['id'] });
  expect(api.classes.WorkMailFunction.members.add_inbound_rule.keyword_only).toEqual(expect.arrayContaining(['synchronous', 'fallback_action', 'rule_timeout', 'sender_patterns', 'rule_name']));
  expect(api.classes.WorkMailFunction.members.grant_write_message_content).toMatchObject({ kind: 'method', positional: ['bucket'] });
  expect(api.classes.IdempotencyTable.members.create.keyword_only!.sort()).toEqual(['point_in_time_recovery', 'removal_policy']);
  expect(api.classes.MessageContent.members.grant_read).toMatchObject({ kind: 'static', positional: ['grantee', 'organization'] });
});

test("the action constants are class properties (InboundAction.MOVE_TO_JUNK), and the props' enums are aws-cdk-lib's (RemovalPolicy): the library declares none of its own", () => {
  const constants = (c: string) => Object.entries(api.classes[c].members).filter(([, m]) => m.kind === 'classproperty').map(([n]) => n).sort();
  expect(constants('InboundAction')).toEqual(['BYPASS_SPAM_CHECK', 'DEFAULT', 'DROP', 'MOVE_TO_JUNK']);
  expect(constants('OutboundAction')).toEqual(['DEFAULT', 'DROP']);
  expect(Object.values(api.classes).filter((c) => c.kind === 'enum')).toEqual([]);
  expect(initOf('InboundFlowRule').annotations.removal_policy).toBe("typing.Optional['_aws_cdk_ceddda9d.RemovalPolicy']");
  expect(api.classes.IdempotencyTable.members.create.annotations!.removal_policy).toBe("typing.Optional['_aws_cdk_ceddda9d.RemovalPolicy']");
});

test("the examples in Python (the README's and every @example, as jsii-rosetta translated them) compile, and use no name they do not bind", () => {
  expect(translations.map((t) => t.where)).toEqual(expect.arrayContaining(['moduleReadme', 'cdk-workmail-lambda.WorkMailFunction', 'cdk-workmail-lambda.WorkMailNodejsFunction', 'cdk-workmail-lambda.InboundFlowRule']));
  execFileSync('python3', ['-m', 'py_compile', ...translations.map((t) => t.file)], { stdio: 'pipe' });
  expect(Object.entries(api.examples).filter(([, names]) => names.length > 0)).toEqual([]);
  const readme = translations.find((t) => t.where === 'moduleReadme')!.source;
  expect(readme).toContain('from cdk_workmail_lambda import WorkMailOrganization, WorkMailNodejsFunction, InboundFlowRule, InboundAction');
  expect(readme).toMatch(/fn\.add_inbound_rule\("Scan",\s+synchronous=True,\s+fallback_action=InboundAction\.MOVE_TO_JUNK/);
  expect(readme).toMatch(/InboundAction\.run_lambda\(fn,\s+synchronous=True,\s+rule_timeout=Duration\.minutes\(5\)\)/);
  // The unbound-name check sees a name nothing binds (what a template literal left untranslated would give).
  const control = path.join(tmp, 'control.py');
  fs.writeFileSync(control, 'from aws_cdk import Duration\n# fn: IFunction\nx = f"{this.region}"\ny = Duration.minutes(1)\n');
  const checked = JSON.parse(execFileSync('python3', [path.join(__dirname, 'python_api.py'), src, control], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }));
  expect(checked.examples[control]).toEqual(['this']);
});
