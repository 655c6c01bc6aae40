import { CfnResource, CustomResourceProvider, Lazy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';

/**
 * Logging on the function's own log group only. The role of a function aws-cdk-lib makes gets the
 * AWSLambdaBasicExecutionRole managed policy, which may write to every log group of the account; this
 * library's functions (and the provider) get these two actions on their own log group instead.
 */
const LOG_WRITE = { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'] } as const;

/** A function's role: AWSLambdaBasicExecutionRole removed, writing to `logGroupArn` allowed inline. */
export function scopeFunctionLogging(fn: lambda.Function, logGroupArn: string): void {
  const cfnRole = fn.role!.node.defaultChild as iam.CfnRole;
  const managed = cfnRole.managedPolicyArns;
  cfnRole.managedPolicyArns = Lazy.list({
    produce: () => {
      const arns: unknown[] = Stack.of(fn).resolve(managed) ?? [];
      const kept = arns.filter((arn) => !JSON.stringify(arn).includes('service-role/AWSLambdaBasicExecutionRole'));
      return kept.length > 0 ? (kept as string[]) : undefined;
    },
  }, { omitEmpty: true });
  fn.role!.addToPrincipalPolicy(iam.PolicyStatement.fromJson({ ...LOG_WRITE, Resource: logGroupArn }));
}

/** The provider's role (raw CloudFormation resources): no managed policy, writing to `logGroupArn` allowed inline. */
export function scopeProviderLogging(provider: CustomResourceProvider, logGroupArn: string): void {
  (provider.node.findChild('Role') as CfnResource).addPropertyDeletionOverride('ManagedPolicyArns');
  provider.addToRolePolicy({ ...LOG_WRITE, Resource: logGroupArn });
}
