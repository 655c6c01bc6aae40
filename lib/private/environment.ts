import { IResource, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import type { IWorkMailOrganization } from '../organization';
import { invalid } from './errors';

/** WorkMail only manages rules from the organization's Region and only runs functions of its account and Region. */
export function checkSameEnvironment(scope: IConstruct, what: string, resource: IResource, organization?: IWorkMailOrganization): void {
  const stack = Stack.of(scope);
  const against = organization
    ? { region: organization.env.region, account: organization.env.account, name: 'the organization' }
    : { region: stack.region, account: stack.account, name: `the stack ${stack.stackName}` };
  const { region, account } = resource.env;
  const known = (a: string, b: string) => !Token.isUnresolved(a) && !Token.isUnresolved(b);
  if (known(region, against.region) && region !== against.region) {
    throw invalid(scope, `${what} is in Region ${region}, but ${against.name} is in ${against.region}; WorkMail only runs functions and manages rules in the organization's own account and Region`);
  }
  if (known(account, against.account) && account !== against.account) {
    throw invalid(scope, `${what} is in account ${account}, but ${against.name} is in account ${against.account}; WorkMail only runs functions and manages rules in the organization's own account and Region`);
  }
}

