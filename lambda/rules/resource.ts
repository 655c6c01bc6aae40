/**
 * The properties of the custom resources `Custom::WorkMailInboundFlowRule` / `Custom::WorkMailOutboundFlowRule`: the
 * rule's fields in their wire form (`FlowRuleFields` of the contract) plus the provider's own options, which are
 * taken out here before the fields are checked and sent. The constructs write them, the provider and the simulator
 * read them.
 */
import { show } from './values';

/**
 * `true`: a Create that finds a rule of the same name in the organization and direction takes it over (updates it
 * in place) instead of failing on the name. Written only when set, so templates without it stay as they were.
 */
export const ADOPT_EXISTING_PROPERTY = 'AdoptExisting';

/** The rule's fields and the provider's options of a resource's properties. */
export interface ResourceProperties {
  /** The rule's fields (wire names), unchecked. */
  readonly fields: Record<string, unknown>;
  readonly adoptExisting: boolean;
  /** Problems of the provider's options. */
  readonly problems: string[];
}

/** Splits a resource's properties (less `ServiceToken`) into the rule's fields and the provider's options. */
export function splitResourceProperties(properties: Record<string, unknown>): ResourceProperties {
  const { ServiceToken: _serviceToken, [ADOPT_EXISTING_PROPERTY]: adopt, ...fields } = properties;
  const problems: string[] = [];
  // CloudFormation passes a boolean to a custom resource as a string.
  const adoptExisting = adopt === true || adopt === 'true';
  if (adopt !== undefined && !adoptExisting && adopt !== false && adopt !== 'false') {
    problems.push(`${ADOPT_EXISTING_PROPERTY} must be true or false, got ${show(adopt)}`);
  }
  return { fields, adoptExisting, problems };
}
