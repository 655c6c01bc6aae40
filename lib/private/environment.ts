import { IResource, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { environmentProblem } from '../../lambda/rules';
import type { IWorkMailOrganization } from '../interfaces/organization';
import { check } from './errors';
import { knownEnvironment } from './tokens';

/**
 * `resource` must be in the organization's account and Region when one is given, else in the stack's:
 * WorkMail only manages rules from the organization's Region and only runs functions of its account and Region.
 */
export function checkSameEnvironment(scope: IConstruct, what: string, resource: IResource, organization?: IWorkMailOrganization): void {
  const stack = Stack.of(scope);
  const expected = organization
    ? { name: 'the organization', ...knownEnvironment(organization.env) }
    : { name: `the stack ${stack.stackName}`, ...knownEnvironment(stack) };
  check(scope, environmentProblem(`${what} is`, knownEnvironment(resource.env), expected));
}
