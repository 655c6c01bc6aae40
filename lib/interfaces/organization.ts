/**
 * The organization interface, below both its users: the constructs (`lib/*.ts`) and the wiring under
 * `lib/private/` name it, and neither imports from a file above it. `lib/index.ts` exports it.
 */
import { IResource } from 'aws-cdk-lib';

/**
 * An Amazon WorkMail organization.
 *
 * Organizations have no CloudFormation type; import an existing one with
 * `WorkMailOrganization.fromOrganizationId()` or `WorkMailOrganization.fromOrganizationArn()`.
 */
export interface IWorkMailOrganization extends IResource {
  /**
   * The organization id, `m-` followed by 32 hexadecimal digits.
   * @attribute
   */
  readonly organizationId: string;

  /**
   * The organization ARN, `arn:<partition>:workmail:<region>:<account>:organization/<id>`.
   * @attribute
   */
  readonly organizationArn: string;
}
