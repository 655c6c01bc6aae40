import { Token } from 'aws-cdk-lib';

/** `value` when it is known at synth time; undefined for a token (its value is only known at deploy time). */
export function known(value: string): string | undefined {
  return Token.isUnresolved(value) ? undefined : value;
}

/** The account and Region of `env` as far as they are known at synth time, for `environmentProblem()` of the rules. */
export function knownEnvironment(env: { readonly region: string; readonly account: string }): { region?: string; account?: string } {
  return { region: known(env.region), account: known(env.account) };
}

/** `value` when it is known at synth time, else `placeholder`: how a message names a value known only at deploy time. */
export function shown(value: string, placeholder: string): string {
  return known(value) ?? placeholder;
}
