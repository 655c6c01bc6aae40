/**
 * What a domain and an email address are, as the flow-rule patterns and the synchronous responses accept
 * them (RFC 5321/5322 syntax; WorkMail decides what is deliverable).
 */
import { show } from './values';

const LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;

/** Whether `value` is a domain name: dot-separated labels of letters, digits and inner hyphens, at most 253 characters. */
export function isDomain(value: string): boolean {
  return value.length <= 253 && value.split('.').every((label) => LABEL.test(label));
}

/** Longest email address (RFC 5321 forward-path less the brackets). */
export const MAX_ADDRESS_LENGTH = 254;

// RFC 5322 dot-atom local part; unlike a rule pattern, an address may carry `+` and `*`.
const ADDRESS_LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;

/** Why `address` is not a plain email address (local@domain), or undefined when it is one. */
export function emailAddressProblem(field: string, address: string): string | undefined {
  if (typeof address !== 'string') return `${field} must be an email address string, got ${show(address)}`;
  const at = address.lastIndexOf('@');
  const local = at > 0 ? address.slice(0, at) : '';
  const domain = at > 0 ? address.slice(at + 1) : '';
  if (address.length > MAX_ADDRESS_LENGTH || local.length > 64 || !ADDRESS_LOCAL_PART.test(local) || !isDomain(domain)) {
    return `${field} must be an email address (local-part@domain, at most ${MAX_ADDRESS_LENGTH} characters), got ${show(address)}`;
  }
  return undefined;
}
