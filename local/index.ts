/**
 * `cdk-workmail-lambda/testing`: what runs on your own machine, for your tests.
 *
 * - `startLocalWorkMail()`: local WorkMail flow-rule, Message Flow and S3 endpoints that the real AWS SDK clients
 *   talk to (docs/testing.md).
 * - `simulateMailFlow()` / `createMailFlowSimulator()`: a message through the email flow rules and the functions of
 *   a synthesized app (`cdk.out`), offline (docs/simulation.md).
 *
 * No aws-cdk-lib; the AWS SDK is not needed by the endpoints themselves.
 */
export { startLocalWorkMail, localAwsEnv, PLACEHOLDER_ORGANIZATION_ID } from './endpoints/local-workmail';
export type { LocalWorkMail, LocalWorkMailOptions, AddMessageOptions } from './endpoints/local-workmail';
export { WorkMailEmulator } from './endpoints/workmail';
export type {
  WorkMailEmulatorOptions, Fault, FaultKind, FaultScope, RecordedRequest, StoredRule, EmulatorState,
} from './endpoints/workmail';
export { MessageFlowEmulator } from './endpoints/message-flow';
export type { MessageFlowEmulatorOptions, MessageFlowRequest } from './endpoints/message-flow';
export { S3Emulator } from './endpoints/s3';
export type { S3EmulatorOptions, S3Object, S3ObjectSource, S3Request } from './endpoints/s3';
export { simulateMailFlow, createMailFlowSimulator } from './simulation/simulator';
export { SimulationInputError } from './simulation/assembly';
export type {
  MailFlowSimulation, MailFlowSimulator, MailFlowSimulatorOptions, SimulateMailFlowOptions, SimulateMessageOptions, SimulatedAction,
  RecipientOutcome, RuleVerdict, SimulatedInvocation, SimulationAssumption,
} from './simulation/types';
