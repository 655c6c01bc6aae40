/**
 * The wire contract of the WorkMail email flow rule operations: OUR ASSUMPTION, in this one module.
 *
 * `CreateInboundMailFlowRule`, `ListOutboundMailFlowRules` and their siblings exist as IAM actions but
 * are not in the published AWS SDK model. We send them through `@aws-sdk/client-workmail`'s client
 * (AWS JSON 1.1, `X-Amz-Target: WorkMailService.<Operation>`, SigV4, the SDK's retries) with the shape
 * below. It lives in `lambda/rules`, the floor everything else stands on: the provider's client
 * (`lambda/flow-rule-provider/client.ts`), the local WorkMail endpoint and the constructs (`lib/`) all read
 * it from here; if the service's real shape differs, this is the one place to change.
 *
 * This module has no imports: the schema tuples are plain data in the form the SDK's schema-based
 * serializers read (`[3, namespace, name, traits, memberNames, memberSchemas]` for a structure,
 * `[1, namespace, name, traits, memberSchema]` for a list, `[9, namespace, name, traits, input, output]`
 * for an operation; `0` is a string, `1` a number, `64 | 0` a list of strings, `[0, 4]` a string with the
 * idempotency-token trait).
 */

/** Direction of an email flow rule. */
export type FlowDirection = 'INBOUND' | 'OUTBOUND';

/** Every action type of the contract; which ones a direction accepts is in `lambda/rules`. */
export type FlowRuleActionType =
  | 'DEFAULT' | 'DROP' | 'BOUNCE' | 'MOVE_TO_JUNK' | 'BYPASS_SPAM_CHECK' | 'ROUTE_TO_SMTP_GATEWAY' | 'RUN_LAMBDA';

/** An action that is not Run Lambda (what a synchronous rule falls back to). */
export interface FlowRuleFallbackAction {
  readonly Type: FlowRuleActionType;
  readonly BounceMessage?: string;
  readonly SmtpGatewayName?: string;
}

/** The Run Lambda part of an action. */
export interface FlowRuleLambdaAction {
  readonly FunctionArn: string;
  readonly InvocationType: 'SYNC' | 'ASYNC';
  /** SYNC only. */
  readonly FallbackAction?: FlowRuleFallbackAction;
  /** SYNC only: 0..240 whole minutes. */
  readonly RuleTimeoutInMinutes?: number;
}

/** A rule's action. */
export interface FlowRuleAction extends FlowRuleFallbackAction {
  readonly Lambda?: FlowRuleLambdaAction;
}

/** The fields of a rule, as Create and Update send them (less ClientToken and RuleId). */
export interface FlowRuleFields {
  readonly OrganizationId: string;
  readonly Name: string;
  readonly Description?: string;
  readonly SenderPatterns: string[];
  readonly DestinationPatterns: string[];
  readonly Action: FlowRuleAction;
}

export interface CreateFlowRuleInput extends FlowRuleFields {
  readonly ClientToken: string;
}
export interface CreateFlowRuleOutput {
  readonly RuleId: string;
}
export interface UpdateFlowRuleInput extends FlowRuleFields {
  readonly RuleId: string;
}
export interface RuleRef {
  readonly OrganizationId: string;
  readonly RuleId: string;
}
export interface DescribedFlowRule extends Omit<FlowRuleFields, 'OrganizationId'> {
  readonly RuleId: string;
}
export interface ListFlowRulesInput {
  readonly OrganizationId: string;
  readonly NextToken?: string;
  readonly MaxResults?: number;
}
export interface ListFlowRulesOutput {
  readonly Rules: DescribedFlowRule[];
  readonly NextToken?: string;
}

/** Operation names per direction; the wire target is `WorkMailService.<name>`. */
export const OPERATIONS = {
  INBOUND: {
    create: 'CreateInboundMailFlowRule',
    update: 'UpdateInboundMailFlowRule',
    delete: 'DeleteInboundMailFlowRule',
    describe: 'DescribeInboundMailFlowRule',
    list: 'ListInboundMailFlowRules',
  },
  OUTBOUND: {
    create: 'CreateOutboundMailFlowRule',
    update: 'UpdateOutboundMailFlowRule',
    delete: 'DeleteOutboundMailFlowRule',
    describe: 'DescribeOutboundMailFlowRule',
    list: 'ListOutboundMailFlowRules',
  },
} as const;

export type OperationKind = keyof (typeof OPERATIONS)['INBOUND'];

/** The `X-Amz-Target` prefix of every WorkMail operation. */
export const TARGET_PREFIX = 'WorkMailService';

/** Error codes (`__type`) the operations answer with. */
export const ERRORS = {
  /**
   * The organization does not exist: the name every organization-scoped operation of the published WorkMail model
   * answers with (DescribeOrganization, CreateUser, ...). See ORGANIZATION_NOT_FOUND_ERRORS for what is read as it.
   */
  organizationNotFound: 'OrganizationNotFoundException',
  /** The rule does not exist. */
  ruleNotFound: 'ResourceNotFoundException',
  /** Another rule of the organization and direction has that name. */
  nameTaken: 'NameAvailabilityException',
  invalidParameter: 'InvalidParameterException',
  limitExceeded: 'LimitExceededException',
  organizationState: 'OrganizationStateException',
  throttling: 'ThrottlingException',
} as const;

/**
 * Error names read as "the organization does not exist". The flow-rule operations are not in the published model,
 * so which one they answer with is not known: the model's own name, and EntityNotFoundException, which the model
 * uses for a missing user, group or resource.
 */
export const ORGANIZATION_NOT_FOUND_ERRORS: readonly string[] = [ERRORS.organizationNotFound, 'EntityNotFoundException'];

// ---- schemas (SDK-internal tuple form; see the module comment) ----

const NS = 'com.amazonaws.workmail';
const STRING = 0;
const NUMBER = 1;
const STRING_LIST = 64 | 0;
const IDEMPOTENCY_TOKEN: [number, number] = [0, 4];

type Schema = unknown;

function structure(name: string, members: Record<string, Schema>): Schema {
  return [3, NS, name, 0, Object.keys(members), Object.values(members)];
}

const FALLBACK_ACTION_MEMBERS = { Type: STRING, BounceMessage: STRING, SmtpGatewayName: STRING };
const LAMBDA_ACTION_MEMBERS = {
  FunctionArn: STRING, InvocationType: STRING, FallbackAction: () => FallbackActionSchema, RuleTimeoutInMinutes: NUMBER,
};
const ACTION_MEMBERS = { Type: STRING, BounceMessage: STRING, SmtpGatewayName: STRING, Lambda: () => LambdaActionSchema };
const RULE_FIELDS = {
  Name: STRING, Description: STRING, SenderPatterns: STRING_LIST, DestinationPatterns: STRING_LIST, Action: () => ActionSchema,
};
const FallbackActionSchema = structure('MailFlowRuleFallbackAction', FALLBACK_ACTION_MEMBERS);
const LambdaActionSchema = structure('MailFlowRuleLambdaAction', LAMBDA_ACTION_MEMBERS);
const ActionSchema = structure('MailFlowRuleAction', ACTION_MEMBERS);

/** The member names of each structure of a rule, as the schemas above declare them. */
export const MEMBER_NAMES = {
  rule: ['OrganizationId', ...Object.keys(RULE_FIELDS)],
  action: Object.keys(ACTION_MEMBERS),
  lambda: Object.keys(LAMBDA_ACTION_MEMBERS),
  fallback: Object.keys(FALLBACK_ACTION_MEMBERS),
} as const;
const RuleSchema = structure('MailFlowRule', { RuleId: STRING, ...RULE_FIELDS });
const RuleListSchema = [1, NS, 'MailFlowRules', 0, () => RuleSchema];

const INPUTS: Record<OperationKind, Schema> = {
  create: structure('CreateMailFlowRuleRequest', { ClientToken: IDEMPOTENCY_TOKEN, OrganizationId: STRING, ...RULE_FIELDS }),
  update: structure('UpdateMailFlowRuleRequest', { OrganizationId: STRING, RuleId: STRING, ...RULE_FIELDS }),
  delete: structure('DeleteMailFlowRuleRequest', { OrganizationId: STRING, RuleId: STRING }),
  describe: structure('DescribeMailFlowRuleRequest', { OrganizationId: STRING, RuleId: STRING }),
  list: structure('ListMailFlowRulesRequest', { OrganizationId: STRING, NextToken: STRING, MaxResults: NUMBER }),
};
const OUTPUTS: Record<OperationKind, Schema> = {
  create: structure('CreateMailFlowRuleResponse', { RuleId: STRING }),
  update: structure('UpdateMailFlowRuleResponse', {}),
  delete: structure('DeleteMailFlowRuleResponse', {}),
  describe: structure('DescribeMailFlowRuleResponse', { RuleId: STRING, ...RULE_FIELDS }),
  list: structure('ListMailFlowRulesResponse', { Rules: () => RuleListSchema, NextToken: STRING }),
};

/**
 * The members each operation's input requires. The SDK's schema tuples have no `required` trait (its clients
 * do not check it), so this list stands beside `INPUTS`: the emulator refuses a request without them, and a
 * test checks that each one is a member of its input structure.
 */
export const REQUIRED_MEMBERS: Readonly<Record<OperationKind, readonly string[]>> = {
  create: ['OrganizationId', 'Name', 'SenderPatterns', 'DestinationPatterns', 'Action'],
  update: ['OrganizationId', 'RuleId', 'Name', 'SenderPatterns', 'DestinationPatterns', 'Action'],
  delete: ['OrganizationId', 'RuleId'],
  describe: ['OrganizationId', 'RuleId'],
  list: ['OrganizationId'],
};

/** The operation schema of `kind` in `direction`, in the SDK's tuple form. */
export function operationSchema(direction: FlowDirection, kind: OperationKind): Schema {
  return [9, NS, OPERATIONS[direction][kind], 0, () => INPUTS[kind], () => OUTPUTS[kind]];
}
