import { IResource, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { environmentProblem } from '../../lambda/rules';
import type { IWorkMailOrganization } from '../interfaces/organization';
import { check } from './errors';

/**
 * `resource` must be in the organization's account and Region when one is given, else in the stack's:
 * WorkMail only manages rules from the organization's Region and only runs functions of its account and Region.
 */
export function checkSameEnvironment(scope: IConstruct, what: string, resource: IResource, organization?: IWorkMailOrganization): void {
  const stack = Stack.of(scope);
  const known = (value: string) => (Token.isUnresolved(value) ? undefined : value);
  const expected = organization
    ? { name: 'the organization', region: known(organization.env.region), account: known(organization.env.account) }
    : { name: `the stack ${stack.stackName}`, region: known(stack.region), account: known(stack.account) };
  check(scope, environmentProblem(`${what} is`, { region: known(resource.env.region), account: known(resource.env.account) }, expected));
}
