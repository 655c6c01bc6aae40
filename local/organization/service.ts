/**
 * What `doctor` and `export` share: their arguments checked before any call (the organization id, the Region, the
 * time limit), the service reached through the bundled client (local/service/bundle.js) with bounded times, and one
 * line that says what an error means and what to do.
 */
import * as path from 'node:path';
import {
  errorText, isAccessDenied, ORGANIZATION_NOT_FOUND_ERRORS, organizationIdProblem, regionProblem, REMEDIES, WORKMAIL_REGIONS,
} from '../../lambda/rules';
import type { ServiceModule, ServiceOptions, WorkMailService } from '../service/types';

/** The times the commands give the service: connect, one attempt, attempts, and the whole run unless --timeout says otherwise. */
export const TIMES = { connectionTimeoutMs: 3_000, requestTimeoutMs: 5_000, maxAttempts: 3, defaultTimeoutSeconds: 30, maxTimeoutSeconds: 600 } as const;

/** A bad argument: the command exits 2 with this line. */
export class ArgumentError extends Error {
  public readonly name = 'ArgumentError';
}

/** The organization id, or `ArgumentError` that says what was given and what an id looks like. */
export function checkOrganizationId(value: string | undefined): string {
  if (value === undefined || value === '') throw new ArgumentError('--organization is required: the id of the WorkMail organization (m- and 32 hexadecimal digits)');
  const where = 'aws workmail list-organizations --region <region> lists the ids';
  if (/^o-[a-z0-9]{10,32}$/.test(value)) throw new ArgumentError(`--organization ${value} is an AWS Organizations id, not a WorkMail organization id (m- and 32 hexadecimal digits; ${where})`);
  if (/^d-[0-9a-f]{10}$/.test(value)) throw new ArgumentError(`--organization ${value} is a directory id, not a WorkMail organization id (m- and 32 hexadecimal digits; ${where})`);
  const problem = organizationIdProblem('--organization', value);
  if (problem) throw new ArgumentError(`${problem}; ${where}`);
  return value;
}

/** An AWS Region's form (the command says whether it is one of WorkMail's). */
const REGION_FORM = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** The Region: `--region`, else `AWS_REGION` / `AWS_DEFAULT_REGION`; `ArgumentError` when none or malformed. */
export function checkRegion(value: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const region = value ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (region === undefined || region === '') {
    throw new ArgumentError(`--region is required (or AWS_REGION): the Region of the organization, one of ${WORKMAIL_REGIONS.join(', ')}`);
  }
  if (!REGION_FORM.test(region)) {
    throw new ArgumentError(`--region ${JSON.stringify(region)} is not an AWS Region name (such as us-east-1); WorkMail runs in ${WORKMAIL_REGIONS.join(', ')}`);
  }
  return region;
}

/** Why `region` is not one of WorkMail's, or undefined. */
export function workMailRegionProblem(region: string): string | undefined {
  const problem = regionProblem('the Region', region);
  return problem && `${problem}: give the Region of the organization (the WorkMail console shows it)`;
}

/** The whole run's time limit in seconds, from `--timeout`. */
export function checkTimeout(value: string | undefined): number {
  if (value === undefined) return TIMES.defaultTimeoutSeconds;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > TIMES.maxTimeoutSeconds) {
    throw new ArgumentError(`--timeout must be a whole number of seconds from 1 to ${TIMES.maxTimeoutSeconds}, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** Where a command that reaches the service goes, and for how long. */
export interface ServiceTarget {
  readonly organizationId: string;
  readonly region: string;
  readonly seconds: number;
}

/**
 * `--organization`, `--region` and `--timeout` of a command that reaches the service, checked; with `workMailOnly`,
 * a Region WorkMail does not run in is refused too (doctor reports that as one of its checks instead). A bad one is
 * an `ArgumentError` that names it.
 */
export function checkServiceTarget(values: { organization?: string; region?: string; timeout?: string }, workMailOnly = false): ServiceTarget {
  const organizationId = checkOrganizationId(values.organization);
  const region = checkRegion(values.region);
  const problem = workMailOnly ? workMailRegionProblem(region) : undefined;
  if (problem) throw new ArgumentError(`--region: ${problem}`);
  return { organizationId, region, seconds: checkTimeout(values.timeout) };
}

/** How the command reaches the service; a test can hand in another one. */
export type Connect = (options: ServiceOptions) => WorkMailService;

/** The bundled service (local/service/bundle.js, made by `npm run build`). */
export const connectBundled: Connect = (options) => {
  // The SDK's warning that its later releases need a newer Node is about updates this pinned, bundled copy never gets.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const bundle = require(path.join(__dirname, '..', 'service', 'bundle.js')) as ServiceModule;
  return bundle.connect(options);
};

/** A time limit for the whole run: its signal fires after `seconds`, saying so. */
export function deadline(seconds: number, parent?: AbortSignal): { signal: AbortSignal; cancel(): void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`no answer within ${seconds} s (--timeout ${seconds})`)), seconds * 1000);
  const onParent = () => controller.abort(parent!.reason);
  parent?.addEventListener('abort', onParent, { once: true });
  return {
    signal: controller.signal,
    cancel: () => {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParent);
    },
  };
}

/** Who the error is about, for the sentences of `explain`. */
export interface Situation {
  readonly organizationId: string;
  readonly region: string;
  /** The account, once known. */
  readonly account?: string;
}

const REFUSED_CREDENTIALS = ['InvalidClientTokenId', 'UnrecognizedClientException', 'SignatureDoesNotMatch', 'InvalidSignatureException', 'ExpiredToken', 'ExpiredTokenException'];

/** What an error of `operation` means and what to do, in one line (a contract mismatch says it in its own words). */
export function explain(error: unknown, operation: string, s: Situation): string {
  const e = error as { name?: string; message?: string };
  const text = errorText(error);
  if (e?.name === 'ContractMismatchError') return String(e.message);
  if (e?.name === 'CredentialsProviderError' || /Could not load credentials/.test(String(e?.message))) {
    return 'no AWS credentials: the SDK\'s default chain found none (environment variables, ~/.aws/credentials and config, SSO, web identity, '
      + 'container and instance metadata); configure some (aws configure, aws sso login, AWS_PROFILE=<profile>) and run again';
  }
  if (REFUSED_CREDENTIALS.includes(String(e?.name))) return `the credentials were refused (${text}): renew them (aws sso login) or check AWS_PROFILE, and run again`;
  if (isAccessDenied(error)) {
    const arn = `arn:aws:workmail:${s.region}:${s.account ?? '<account>'}:organization/${s.organizationId}`;
    return `${text} — these credentials may not call ${operation}: allow the IAM action workmail:${operation} on ${arn}`;
  }
  if (ORGANIZATION_NOT_FOUND_ERRORS.includes(String(e?.name))) {
    return `${text} — there is no organization ${s.organizationId} in ${s.region}${s.account ? ` for account ${s.account}` : ''}: `
      + `check the id and the Region (aws workmail list-organizations --region ${s.region})`;
  }
  if (e?.name === 'OrganizationStateException') return `${text} — ${REMEDIES.organizationState(s.organizationId)}`;
  if (e?.name === 'DeadlineExceededError') return `${e.message} — the WorkMail endpoint of ${s.region} did not answer in time: check the network (a proxy, a VPN), or give more time with --timeout`;
  // A service answer has a status; a network error (refused, reset, timed out, no such host) has none.
  const answered = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode !== undefined;
  if (!answered) {
    const attempts = (error as { $metadata?: { attempts?: number } })?.$metadata?.attempts;
    return `${text}${attempts && attempts > 1 ? ` (after ${attempts} attempts)` : ''} — the WorkMail endpoint of ${s.region} could not be reached: check the network (a proxy, a VPN)`;
  }
  return text;
}
