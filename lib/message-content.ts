import * as iam from 'aws-cdk-lib/aws-iam';
import type { IWorkMailOrganization } from './interfaces/organization';
import { grantReadContent, messagesArn } from './private/message-content';

/**
 * Grants of access to WorkMail message content (WorkMail Message Flow) for any principal.
 *
 * @example
 * import * as lambda from 'aws-cdk-lib/aws-lambda';
 * import { MessageContent, type IWorkMailOrganization } from 'cdk-workmail-lambda';
 *
 * declare const organization: IWorkMailOrganization;
 *
 * // A function that is not a WorkMailFunction reads the organization's messages.
 * const fn = lambda.Function.fromFunctionName(this, 'Existing', 'existing-handler');
 * MessageContent.grantRead(fn, organization);
 */
export class MessageContent {
  /**
   * Let `grantee` read the messages of `organization` (`workmailmessageflow:GetRawMessageContent` on
   * `arn:<partition>:workmailmessageflow:<region>:<account>:message/<organizationId>/*`).
   *
   * The one form for a function that is not a `WorkMailFunction` (such as an imported function: the grant goes
   * to its role); a `WorkMailFunction` has `grantReadMessageContent()`.
   *
   * @param grantee the principal, such as a Lambda function
   * @param organization the organization whose messages it reads
   */
  public static grantRead(grantee: iam.IGrantable, organization: IWorkMailOrganization): iam.Grant {
    return grantReadContent(grantee, organization);
  }

  /**
   * The ARN of every message of `organization`, as IAM and the bucket policy's `aws:SourceArn` name them:
   * `arn:<partition>:workmailmessageflow:<region>:<account>:message/<organizationId>/*`.
   *
   * @param organization the organization
   */
  public static messagesArn(organization: IWorkMailOrganization): string {
    return messagesArn(organization);
  }

  private constructor() {}
}
