/** CloudFormation custom resource events and Lambda contexts, as the provider receives them. */
import { randomUUID } from 'node:crypto';
import type {
  CloudFormationCustomResourceCreateEvent, CloudFormationCustomResourceDeleteEvent, CloudFormationCustomResourceUpdateEvent, Context,
} from 'aws-lambda';

export const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/WorkMailLambdaExample/5b3e4f40-0000-11ef-8000-0a1b2c3d4e5f';
export const SERVICE_TOKEN = 'arn:aws:lambda:us-east-1:123456789012:function:WorkMailLambdaExample-CustomWorkMailFlowRuleProvider';
export const PROVIDER_FUNCTION_ARN = SERVICE_TOKEN;
export const RESPONSE_URL = 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/arn%3Aaws%3Acloudformation/response?X-Amz-Signature=abc';

/** CloudFormation hands every scalar to a custom resource as a string. */
export function asCloudFormationPasses(value: unknown): any {
  if (Array.isArray(value)) return value.map(asCloudFormationPasses);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asCloudFormationPasses(v)]));
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return value;
}

interface Common {
  readonly resourceType: string;
  readonly logicalId?: string;
  readonly requestId?: string;
  readonly stackId?: string;
}

function common(c: Common, properties: object) {
  return {
    ServiceToken: SERVICE_TOKEN,
    ResponseURL: RESPONSE_URL,
    StackId: c.stackId ?? STACK_ID,
    RequestId: c.requestId ?? randomUUID(),
    LogicalResourceId: c.logicalId ?? 'ScanInbound',
    ResourceType: c.resourceType,
    ResourceProperties: { ServiceToken: SERVICE_TOKEN, ...asCloudFormationPasses(properties) },
  };
}

export function createEvent(c: Common, properties: object): CloudFormationCustomResourceCreateEvent {
  return { RequestType: 'Create', ...common(c, properties) };
}

export function updateEvent(c: Common, physicalResourceId: string, properties: object, oldProperties: object): CloudFormationCustomResourceUpdateEvent {
  return {
    RequestType: 'Update', ...common(c, properties), PhysicalResourceId: physicalResourceId,
    OldResourceProperties: { ServiceToken: SERVICE_TOKEN, ...asCloudFormationPasses(oldProperties) },
  };
}

export function deleteEvent(c: Common, physicalResourceId: string, properties: object): CloudFormationCustomResourceDeleteEvent {
  return { RequestType: 'Delete', ...common(c, properties), PhysicalResourceId: physicalResourceId };
}

/** A Lambda context whose remaining time runs down from `remainingMs`. */
export function lambdaContext(remainingMs = 300_000, functionArn = PROVIDER_FUNCTION_ARN): Context {
  const end = Date.now() + remainingMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: functionArn.split(':')[6],
    functionVersion: '$LATEST',
    invokedFunctionArn: functionArn,
    memoryLimitInMB: '128',
    awsRequestId: randomUUID(),
    logGroupName: '/aws/lambda/provider',
    logStreamName: '2026/01/01/[$LATEST]0123456789abcdef',
    getRemainingTimeInMillis: () => Math.max(0, end - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
