/**
 * The floor every other part stands on: Amazon WorkMail's rules and our wire contract, in one place, in
 * plain TypeScript with no dependency (no aws-cdk-lib, no SDK). The constructs (`lib/`), the flow-rule
 * provider, the runtime toolkit and the local endpoints all read them from here, and nothing here imports
 * from any of them.
 *
 * - `contract`: the wire shape of the flow-rule operations (our assumption; not in the published SDK model)
 * - `flow-rules`: limits, pattern syntax, action types per direction, checks of a rule
 * - `responses`: the Run Lambda event versions and the synchronous response's action types and limits
 * - `message-content`: Message Flow (GetRawMessageContent / PutRawMessageContent) names and checks
 * - `idempotency`: what the idempotency table and the handler must agree on
 * - `resource`: the custom resource's properties (the rule's fields plus `AdoptExisting`)
 * - `service-answers`: what an answer of the service says about the contract (a shape mismatch) or the caller's
 *   permissions, in the words the provider and `cdk-workmail-lambda doctor` share
 * - `addresses`, `environment`, `values`: domains and addresses, the same-account-and-Region check, how a
 *   value is shown in an error message
 */
export * from './addresses';
export * from './contract';
export * from './environment';
export * from './flow-rules';
export * from './idempotency';
export * from './message-content';
export * from './resource';
export * from './responses';
export * from './service-answers';
export * from './values';
