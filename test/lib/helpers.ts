import * as fs from 'fs';
import * as path from 'path';
import { App, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  IWorkMailFunction, IWorkMailOrganization, WorkMailFunction, WorkMailFunctionOptions, WorkMailFunctionProps, WorkMailNodejsFunction,
  WorkMailNodejsFunctionProps, WorkMailOrganization,
} from '../../lib';

export const ORG_ID = 'm-0123456789abcdef0123456789abcdef';
export const OTHER_ORG_ID = 'm-fedcba9876543210fedcba9876543210';
export const ENV = { account: '123456789012', region: 'us-east-1' };

/** A stack in a WorkMail Region with an imported organization. */
export function setup(props: StackProps = { env: ENV }): { app: App; stack: Stack; org: IWorkMailOrganization } {
  const app = new App();
  const stack = new Stack(app, 'Stack', props);
  const org = WorkMailOrganization.fromOrganizationId(stack, 'Org', ORG_ID);
  return { app, stack, org };
}

/** Small inline code: these tests look at the template, not at the handler. */
export const CODE = lambda.Code.fromInline('exports.handler = async () => ({ actions: [] });');

export function workMailFunction(stack: Stack, org: IWorkMailOrganization, id = 'Handler', props: Partial<WorkMailFunctionProps> = {}): WorkMailFunction {
  return new WorkMailFunction(stack, id, { organization: org, runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: CODE, ...props });
}

/** The smallest handler, as a source file WorkMailNodejsFunction bundles (with esbuild, locally). */
export const ANSWER_HANDLER = path.join(__dirname, '..', 'fixtures', 'handlers', 'answer.ts');

/** A WorkMailNodejsFunction of ANSWER_HANDLER, with its own defaults (no runtime, no timeout). */
export function workMailNodejsFunction(stack: Stack, org: IWorkMailOrganization, id = 'Handler', props: Partial<WorkMailNodejsFunctionProps> = {}): WorkMailNodejsFunction {
  return new WorkMailNodejsFunction(stack, id, { organization: org, entry: ANSWER_HANDLER, ...props });
}

/** A WorkMail function of either class, with the props both take. */
export type MakeWorkMailFunction = (stack: Stack, org: IWorkMailOrganization, id?: string, props?: Partial<WorkMailFunctionOptions> & lambda.FunctionOptions) =>
  lambda.Function & IWorkMailFunction;

/** Each WorkMail function class, for the behaviour tests they share (`describe.each(WORKMAIL_FUNCTIONS)`). */
export const WORKMAIL_FUNCTIONS: [string, MakeWorkMailFunction][] = [
  ['WorkMailFunction', workMailFunction],
  ['WorkMailNodejsFunction', workMailNodejsFunction],
];

export function plainFunction(stack: Stack, id = 'Plain', props: Partial<lambda.FunctionProps> = {}): lambda.Function {
  return new lambda.Function(stack, id, { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: CODE, ...props });
}

export const EXAMPLE_ASSETS = path.join(__dirname, '..', '..', 'assets');

/** Runs AwsSolutionsChecks on the app; returns every AwsSolutions finding, errors and warnings alike. */
export function nagFindings(app: App): string[] {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const original = console.error;
  console.error = () => undefined; // the report is read from its file below
  try {
    app.synth();
  } catch (e) {
    if (!/ValidationFailed|validation/i.test(String((e as Error).message))) throw e;
  } finally {
    console.error = original;
  }
  const reportFile = path.join(app.outdir, 'validation-report.json');
  if (!fs.existsSync(reportFile)) return [];
  return fs.readFileSync(reportFile, 'utf-8').match(/AwsSolutions-[A-Za-z0-9]+[^"]*/g) ?? [];
}
