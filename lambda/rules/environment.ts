/**
 * The one check that two things are in the same AWS account and Region, Region first: WorkMail runs
 * functions, reads updated messages and is managed only in the organization's own account and Region.
 */

/** Why a function or an organization of another account or Region is refused. */
export const SAME_ACCOUNT_AND_REGION = "WorkMail only runs functions and manages rules in the organization's own account and Region";

/** An account and Region as far as they are known (undefined: not known, not compared). */
export interface KnownEnvironment {
  readonly region?: string;
  readonly account?: string;
}

/**
 * `actual` must be in the account and Region of `expected`. `subject` starts the sentence, e.g.
 * `organization is` or `FunctionArn names a function`; `why` ends it. Values not known are not compared.
 */
export function environmentProblem(
  subject: string, actual: KnownEnvironment, expected: KnownEnvironment & { readonly name: string }, why: string = SAME_ACCOUNT_AND_REGION,
): string | undefined {
  if (actual.region && expected.region && actual.region !== expected.region) {
    return `${subject} in Region ${actual.region}, but ${expected.name} is in ${expected.region}; ${why}`;
  }
  if (actual.account && expected.account && actual.account !== expected.account) {
    return `${subject} in account ${actual.account}, but ${expected.name} is in account ${expected.account}; ${why}`;
  }
  return undefined;
}
