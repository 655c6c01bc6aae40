/**
 * The public API of both entry points, as a TypeScript user sees it (the exports of the built .d.ts the package
 * ships): every export the package had before the structure issue, plus the runtime error family (`retryable`),
 * plus the new shared types of lib/, minus the removed duplicate spelling of the read grant (CHANGELOG.md), plus
 * what later features added (marked). A change here is a change of the public API: say it in CHANGELOG.md.
 */
import * as path from 'node:path';
import * as ts from 'typescript';

const ROOT = path.join(__dirname, '..');

const LIBRARY = [
  // @internal (jsii hides it), exported for the flow-rule module
  'ActionSpec',
  'FlowRuleOptions', 'IFlowRule', 'IWorkMailOrganization', 'IdempotencyTable', 'IdempotencyTableOptions', 'InboundAction',
  'InboundFlowRule', 'InboundFlowRuleProps', 'InboundLambdaRuleOptions', 'InboundRunLambdaOptions', 'MessageContent',
  'MessageContentBucket', 'MessageContentBucketProps', 'OutboundAction', 'OutboundFlowRule', 'OutboundFlowRuleProps',
  'OutboundLambdaRuleOptions', 'OutboundRunLambdaOptions', 'RunLambdaOptions', 'WorkMailFunction', 'WorkMailFunctionProps',
  'WorkMailOrganization',
  // added: the flow rules' base class, the interface and the props of what a WorkMail function adds
  'FlowRuleBase', 'IWorkMailFunction', 'WorkMailFunctionOptions',
  // added: the WorkMail function bundled from its handler file (aws-lambda-nodejs's NodejsFunction)
  'WorkMailNodejsFunction', 'WorkMailNodejsFunctionProps',
  // removed: grantReadMessageContent (the free function; MessageContent.grantRead is the one standalone form)
];

const RUNTIME = [
  'AttachmentFilterAction', 'AttachmentFilterHandlerOptions', 'AttachmentInfo', 'AwsSdkClient', 'CheckedEntry',
  'DEFAULT_ATTACHMENT_BOUNCE_MESSAGE', 'DEFAULT_DEADLINE_MARGIN_MS', 'DEFAULT_SAFE_ACTION', 'DeadlineHandler', 'DeadlineOptions',
  'DisclaimerHandlerOptions', 'DisclaimerOptions', 'GetRawMessageOptions', 'HandlerLogEntry', 'HeaderBlock', 'InspectOptions',
  'InspectedPart', 'InvalidContentLocationError', 'LambdaContextLike', 'MAX_OUTBOUND_RESPONSE_RECIPIENTS', 'MAX_RESPONSE_BYTES',
  'MAX_RESPONSE_UNIQUE_ACTIONS', 'MESSAGE_CONTENT_BUCKET_ENV', 'MESSAGE_CONTENT_KEY_PREFIX', 'MessageContentError',
  'MessageFrozenError', 'MessageMetricDimension', 'MessageNotFoundError', 'MessageRejectedError', 'MetricsHandlerOptions',
  'MimeInspection', 'MimePart', 'MimeRewriteError', 'MimeRewriteErrorCode', 'MimeTransform', 'PROTECTED_HEADERS', 'PartDecision',
  'PutRawMessageOptions', 'ResolveDispositionsOptions', 'ResponseCheck', 'ResponseProblem', 'ResponseProblemEffect', 'RewriteReport',
  'RewriteStream', 'SYNC_INVOCATION_TIMEOUT_SECONDS', 'StoredMessageContent', 'StripAttachmentsOptions', 'SubjectTagHandlerOptions',
  'SyncHandler', 'SyncHandlerOptions', 'SyncResponse', 'SyncResponseOptions', 'TransformRun', 'UNKNOWN_DIMENSION_VALUE',
  'WorkMailAction', 'WorkMailActionType', 'WorkMailAddress', 'WorkMailEventError', 'WorkMailFlowDirection', 'WorkMailLambdaEvent',
  'WorkMailResponseAction', 'WorkMailResponseError', 'WorkMailSyncResponse', 'addDisclaimer', 'attachmentFilterHandler',
  'checkResponse', 'compose', 'disclaimerHandler', 'getRawMessage', 'idempotencyOptions', 'idempotencyTableName', 'inspect',
  'isProtectedHeader', 'metricsHandler', 'parseEvent', 'permanentFailure', 'putRawMessage', 'resolveDispositions', 'rewrite',
  'setHeader', 'stripAttachments', 'subjectTagHandler', 'tagSubject', 'withDeadline',
  // the error family: one base class with `retryable`, the configuration error, the one classifier
  'WorkMailRuntimeError', 'WorkMailRuntimeErrorOptions', 'WorkMailConfigurationError', 'WorkMailConfigurationErrorCode', 'isRetryableError',
  // added by the MIME hardening (signed and encrypted mail, the parser's limits)
  'MIME_LIMITS', 'MessageDecision', 'MimeProtection', 'SignedAttachmentAction', 'SignedDisclaimerMode', 'SignedStripMode',
];

/** The names a module's declarations export, types and values alike. */
function exportsOf(declarationFile: string): string[] {
  const file = path.join(ROOT, declarationFile);
  const program = ts.createProgram([file], { strict: true, skipLibCheck: true, types: [] });
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(file)!)!;
  return checker.getExportsOfModule(module).map((s) => s.getName()).sort();
}

test("cdk-workmail-lambda exports what it did, less the duplicate grant, plus the shared base and interfaces", () => {
  expect(exportsOf('lib/index.d.ts')).toEqual([...LIBRARY].sort());
});

test('cdk-workmail-lambda/runtime exports what it did, plus the error family', () => {
  expect(exportsOf('lambda/runtime/index.d.ts')).toEqual([...RUNTIME].sort());
});

test('the built entry points hold a value for every value the declarations export', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const lib = require(path.join(ROOT, 'lib', 'index.js'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const runtime = require(path.join(ROOT, 'dist', 'runtime', 'index.js'));
  for (const name of ['WorkMailFunction', 'FlowRuleBase', 'MessageContent', 'MessageContentBucket', 'IdempotencyTable']) expect(typeof lib[name]).toBe('function');
  expect(lib.grantReadMessageContent).toBeUndefined();
  expect(Object.keys(runtime).filter((n) => n !== '__esModule').every((n) => RUNTIME.includes(n))).toBe(true);
  for (const name of ['WorkMailRuntimeError', 'WorkMailConfigurationError', 'isRetryableError', 'permanentFailure']) expect(typeof runtime[name]).toBe('function');
});
