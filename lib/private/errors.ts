import { Annotations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** Ids of the warnings this library adds (acknowledge one with `Annotations.of(scope).acknowledgeWarning(id)`). */
export const WARNINGS = {
  unresolvedRegion: 'cdk-workmail-lambda:unresolvedRegion',
  importedFunctionPermission: 'cdk-workmail-lambda:importedFunctionPermission',
  synchronousFunctionTimeout: 'cdk-workmail-lambda:synchronousFunctionTimeout',
  messageContentBucketPolicy: 'cdk-workmail-lambda:messageContentBucketPolicy',
  messageContentBucketEncryption: 'cdk-workmail-lambda:messageContentBucketEncryption',
  shadowedRule: 'cdk-workmail-lambda:shadowedRule',
} as const;

/** An error for a bad input, prefixed with the construct path so that the user finds the construct. */
export function invalid(scope: IConstruct, problem: string): Error {
  const error = new Error(`${scope.node.path}: ${problem}`);
  error.name = 'ValidationError';
  return error;
}

/** Throws the first problem, if any. */
export function check(scope: IConstruct, ...problems: (string | undefined)[]): void {
  const problem = problems.find((p) => p !== undefined);
  if (problem) throw invalid(scope, problem);
}

export function warn(scope: IConstruct, id: string, message: string): void {
  Annotations.of(scope).addWarningV2(id, message);
}
