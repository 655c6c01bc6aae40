import { ArnFormat, Resource, Stack, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { organizationIdProblem, regionProblem } from '../lambda/rules';
import type { IWorkMailOrganization } from './interfaces/organization';
import { invalid, warn, WARNINGS } from './private/errors';

/**
 * Imports of an existing Amazon WorkMail organization.
 *
 * The organization must be in a Region where WorkMail runs (us-east-1, us-west-2, eu-west-1); a stack in
 * another Region fails at synth time, and a stack whose Region is not known at synth time gets a warning.
 *
 * @example
 * import { WorkMailOrganization } from 'cdk-workmail-lambda';
 *
 * // The organization of this id in the stack's account and Region.
 * const organization = WorkMailOrganization.fromOrganizationId(this, 'Organization', 'm-0123456789abcdef0123456789abcdef');
 *
 * // An organization by ARN, in a stack of the same account and Region.
 * const byArn = WorkMailOrganization.fromOrganizationArn(this, 'ByArn',
 *   'arn:aws:workmail:us-east-1:123456789012:organization/m-00112233445566778899aabbccddeeff');
 */
export class WorkMailOrganization {
  /**
   * Import an organization of the stack's account and Region by its id.
   *
   * @param scope the scope of the import
   * @param id the construct id of the import
   * @param organizationId the organization id, `m-` followed by 32 lowercase hexadecimal digits
   */
  public static fromOrganizationId(scope: Construct, id: string, organizationId: string): IWorkMailOrganization {
    const stack = Stack.of(scope);
    const organizationArn = stack.formatArn({
      service: 'workmail',
      resource: 'organization',
      resourceName: organizationId,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    return new ImportedOrganization(scope, id, organizationId, organizationArn, 'organizationId');
  }

  /**
   * Import an organization by its ARN, `arn:<partition>:workmail:<region>:<account>:organization/<id>`.
   *
   * The organization's Region and account must be the stack's: the flow rules are managed from the stack's
   * Region, and WorkMail only runs functions in the organization's account and Region.
   *
   * @param scope the scope of the import
   * @param id the construct id of the import
   * @param organizationArn the organization ARN
   */
  public static fromOrganizationArn(scope: Construct, id: string, organizationArn: string): IWorkMailOrganization {
    if (Token.isUnresolved(organizationArn)) {
      const organizationId = Stack.of(scope).splitArn(organizationArn, ArnFormat.SLASH_RESOURCE_NAME).resourceName!;
      return new ImportedOrganization(scope, id, organizationId, organizationArn, 'organizationArn');
    }
    const match = /^arn:[a-z-]+:workmail:([a-z0-9-]*):(\d{12}):organization\/(.+)$/.exec(organizationArn);
    if (!match) {
      throw invalid(scope, `${id}: organizationArn must look like arn:aws:workmail:<region>:<account>:organization/<id>, got ${JSON.stringify(organizationArn)}`);
    }
    return new ImportedOrganization(scope, id, match[3], organizationArn, 'organizationArn');
  }

  private constructor() {}
}

class ImportedOrganization extends Resource implements IWorkMailOrganization {
  public readonly organizationId: string;
  public readonly organizationArn: string;

  constructor(scope: Construct, id: string, organizationId: string, organizationArn: string, prop: 'organizationId' | 'organizationArn') {
    // An ARN carries the organization's own Region and account; an id lives in the stack's.
    super(scope, id, { environmentFromArn: prop === 'organizationArn' ? organizationArn : undefined });
    this.organizationId = organizationId;
    this.organizationArn = organizationArn;

    if (!Token.isUnresolved(organizationId)) {
      const problem = organizationIdProblem(prop === 'organizationId' ? 'organizationId' : 'organizationArn (its id)', organizationId);
      if (problem) throw invalid(this, problem);
    }
    const region = this.env.region;
    if (Token.isUnresolved(region)) {
      warn(this, WARNINGS.unresolvedRegion,
        "the stack's Region is not known at synth time; Amazon WorkMail runs only in us-east-1, us-west-2 and eu-west-1, so deploy this stack to one of them (set env.region to check it at synth time)");
    } else {
      const problem = regionProblem(prop === 'organizationId' ? "the stack's Region" : "organizationArn's Region", region);
      if (problem) throw invalid(this, problem);
    }
  }
}
