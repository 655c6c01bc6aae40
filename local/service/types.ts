/**
 * What `cdk-workmail-lambda doctor` and `export` call on the service (`local/service/index.ts`, bundled with the AWS
 * SDK into `local/service/bundle.js`). Types only: the command loads the bundle when it runs, so it needs no SDK
 * package installed, and it calls the service through the provider's own client and contract.
 */
import type {
  CreateFlowRuleInput, CreateFlowRuleOutput, DescribedFlowRule, FlowDirection, RuleRef, UpdateFlowRuleInput,
} from '../../lambda/rules/contract';

/** How the service is reached. */
export interface ServiceOptions {
  /** The Region of the organization. */
  readonly region: string;
  /** Ends every call (and the waits between retries) when it fires. */
  readonly abortSignal: AbortSignal;
  /** Attempts per call, the first one included. */
  readonly maxAttempts: number;
  /** Time to connect, in milliseconds. */
  readonly connectionTimeoutMs: number;
  /** Time one attempt may take, in milliseconds. */
  readonly requestTimeoutMs: number;
}

/** Who the credentials are. */
export interface CallerIdentity {
  readonly account: string;
  readonly arn: string;
}

/** What `DescribeOrganization` tells. */
export interface OrganizationDescription {
  readonly state: string;
  readonly alias?: string;
  readonly arn?: string;
  readonly defaultMailDomain?: string;
}

/** The flow-rule operations, as the provider's `FlowRuleClient` has them. */
export interface FlowRules {
  create(direction: FlowDirection, input: CreateFlowRuleInput): Promise<CreateFlowRuleOutput>;
  update(direction: FlowDirection, input: UpdateFlowRuleInput): Promise<void>;
  delete(direction: FlowDirection, ref: RuleRef): Promise<void>;
  describe(direction: FlowDirection, ref: RuleRef): Promise<DescribedFlowRule>;
  listAll(direction: FlowDirection, organizationId: string): Promise<DescribedFlowRule[]>;
  findByName(direction: FlowDirection, organizationId: string, name: string): Promise<DescribedFlowRule | undefined>;
}

/** The service, with the credentials of the SDK's default chain. */
export interface WorkMailService {
  /** STS GetCallerIdentity. */
  callerIdentity(): Promise<CallerIdentity>;
  /** WorkMail DescribeOrganization (of the published SDK model). */
  describeOrganization(organizationId: string): Promise<OrganizationDescription>;
  /** The flow-rule operations through the provider's client. */
  readonly flowRules: FlowRules;
  /** Flow-rule operations with their own abort signal (the probe's clean-up outlives an interrupted run). */
  flowRulesUntil(abortSignal: AbortSignal): FlowRules;
  /** Closes the connections. */
  close(): void;
}

/** What the bundle exports. */
export interface ServiceModule {
  connect(options: ServiceOptions): WorkMailService;
}
