import { Names, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IConstruct } from 'constructs';
import type { IWorkMailOrganization } from '../interfaces/organization';
import { warn, WARNINGS } from './errors';
import { shown } from './tokens';

/** The WorkMail service principal of a Region (a token when the Region is not known at synth time). */
export function workMailPrincipal(region: string): string {
  return `workmail.${region}.amazonaws.com`;
}

function organizationKey(organization: IWorkMailOrganization): string {
  // Two imports of the same organization share one permission; a token id falls back to the import itself.
  return Token.isUnresolved(organization.organizationId)
    ? Names.nodeUniqueId(organization.node)
    : organization.organizationId.replace(/^m-/, '');
}

/**
 * Allow WorkMail to invoke `fn` for `organization`: one `AWS::Lambda::Permission` per function and
 * organization, however many rules use it, limited to the organization (SourceArn) and its account
 * (SourceAccount) so that no other organization can make WorkMail call the function.
 *
 * Returns the permission, or undefined (with a warning on `requester` that gives the CLI line to run)
 * when the function is imported in a way that does not allow adding permissions.
 */
export function allowWorkMailInvoke(fn: lambda.IFunction, organization: IWorkMailOrganization, requester: IConstruct): IConstruct | undefined {
  const id = `AllowWorkMail${organizationKey(organization)}`;
  const existing = fn.permissionsNode.tryFindChild(id);
  if (existing) return existing;

  const region = organization.env.region;
  const account = organization.env.account;
  fn.addPermission(id, {
    action: 'lambda:InvokeFunction',
    principal: new iam.ServicePrincipal(workMailPrincipal(region)),
    sourceArn: organization.organizationArn,
    sourceAccount: account,
  });
  const added = fn.permissionsNode.tryFindChild(id);
  if (!added) {
    const r = shown(region, 'REGION');
    warn(requester, WARNINGS.importedFunctionPermission,
      `cannot add the permission for WorkMail to invoke the imported function ${shown(fn.functionArn, 'FUNCTION_ARN')}; ` +
      'grant it once yourself, or WorkMail cannot run the function: ' +
      `aws --region ${r} lambda add-permission --function-name ${shown(fn.functionArn, 'FUNCTION_ARN')} --statement-id ${id} ` +
      `--action lambda:InvokeFunction --principal ${workMailPrincipal(r)} --source-arn ${shown(organization.organizationArn, 'ORGANIZATION_ARN')} ` +
      `--source-account ${shown(account, 'ACCOUNT')}`);
  }
  return added;
}

