/** The options and the result of a mail-flow simulation (`simulateMailFlow`, `createMailFlowSimulator`). */
import type { FlowRulesExport } from '../organization/rules-file';

/** Options of `createMailFlowSimulator()`: what stays the same for every message. */
export interface MailFlowSimulatorOptions {
  /** A synthesized cloud assembly: the `cdk.out` directory. */
  readonly assembly: string;
  /**
   * The stack whose rules to simulate (its name, artifact id or display path), required when several stacks hold rules.
   * @default the one stack that holds email flow rules
   */
  readonly stack?: string;
  /**
   * The organization whose rules to simulate, required when the rules name more than one.
   * @default the one organization the rules name
   */
  readonly organizationId?: string;
  /**
   * Canned answers for functions that cannot run here (another runtime, an imported function), keyed by the
   * function's logical id or ARN: a synchronous response object, or an `Error` for a function that fails.
   * A function with an entry is not run.
   * @default none: every Node.js function of the assembly runs
   */
  readonly responses?: Readonly<Record<string, unknown>>;
  /**
   * How long WorkMail waits for a synchronous invocation, in milliseconds; an invocation also ends at its function's
   * own timeout when that is shorter.
   * @default 15000 (WorkMail's 15 seconds)
   */
  readonly timeout?: number;
  /**
   * Rules of the organization made outside the app (in the console), simulated beside the app's: the file that
   * `cdk-workmail-lambda export --format json` writes, or its content. They are matched, ranked and run as the app's
   * rules are (a Run Lambda function of theirs needs an entry in `responses`, keyed by its ARN). An app rule of the same
   * name and direction takes the exported one's place, as a deploy with `adoptExisting` would.
   * @default none: the app's rules only
   */
  readonly extraRules?: string | FlowRulesExport;
}

/** What one message is, for `MailFlowSimulator.simulate()`. */
export interface SimulateMessageOptions {
  readonly direction: 'INBOUND' | 'OUTBOUND';
  /** The envelope recipients. */
  readonly recipients: readonly string[];
  /**
   * The message: the .eml content, or the path of an .eml file.
   * @default a minimal message with the `from`, `sender`, `subject` and recipients given
   */
  readonly message?: Buffer | string;
  /** The `From` address. @default the message's From header */
  readonly from?: string;
  /** The `Sender` address. @default the message's Sender header (none when it has none) */
  readonly sender?: string;
  /** The envelope sender (SMTP MAIL FROM). @default `from` */
  readonly mailFrom?: string;
  /** The subject. @default the message's Subject header ('' when it has none) */
  readonly subject?: string;
}

/** Options of `simulateMailFlow()`: a simulator's and one message's. */
export interface SimulateMailFlowOptions extends MailFlowSimulatorOptions, SimulateMessageOptions {}

/** An action of a rule or of a function's answer. */
export interface SimulatedAction {
  /** `DEFAULT`, `DROP`, `BOUNCE`, `MOVE_TO_JUNK`, `BYPASS_SPAM_CHECK`, `ROUTE_TO_SMTP_GATEWAY`. */
  readonly type: string;
  readonly bounceMessage?: string;
  readonly smtpGatewayName?: string;
}

/** What happens to one recipient. */
export interface RecipientOutcome {
  readonly action: SimulatedAction;
  /** The rule that decided (for `decidedBy` 'function' and 'fallback', the Run Lambda rule). */
  readonly ruleName?: string;
  /** A rule's own action, a function's answer, the rule's fallback action, or no rule at all (delivered as usual). */
  readonly decidedBy: 'rule' | 'function' | 'fallback' | 'none';
  /** Why, in a sentence. */
  readonly reason: string;
}

/** A rule that matched a recipient, and why it won or lost. */
export interface RuleVerdict {
  readonly ruleName: string;
  readonly stack: string;
  readonly logicalId: string;
  /** The rule's action type (`RUN_LAMBDA` for a Run Lambda rule). */
  readonly actionType: string;
  readonly synchronous?: boolean;
  /** The sender pattern that matched, and on which header's address. */
  readonly senderPattern: string;
  readonly matchedOn: 'Sender' | 'From';
  readonly destinationPattern: string;
  readonly outcome: 'won' | 'lost';
  readonly reason: string;
}

/** One function invocation. */
export interface SimulatedInvocation {
  readonly ruleName: string;
  /** The function's logical id (or its ARN when the template does not hold it). */
  readonly functionId: string;
  readonly synchronous: boolean;
  /** The event, as WorkMail would send it. */
  readonly event: Record<string, unknown>;
  /** The answer (a canned one when `canned`). */
  readonly response?: unknown;
  /** Why the invocation failed, or why it did not run. */
  readonly error?: string;
  /** Why WorkMail would not take the answer as it is (it then applies the fallback to some or all recipients). */
  readonly responseProblems?: readonly string[];
  /** Whether the answer came from `responses` instead of running the function. */
  readonly canned: boolean;
  /** Whether the function's process started for this invocation. */
  readonly cold: boolean;
  /** From the event sent to the answer received, process start included when `cold`. */
  readonly durationMs: number;
  /** The time inside the handler, from its call to its answer (undefined when it did not answer or did not run). */
  readonly handlerMs?: number;
  /** What the function wrote, line by line. */
  readonly logs: readonly { readonly stream: 'stdout' | 'stderr'; readonly text: string }[];
}

/** An undocumented reading the result depended on. */
export interface SimulationAssumption {
  readonly id: string;
  readonly text: string;
}

/** The result of a simulation. */
export interface MailFlowSimulation {
  readonly direction: 'INBOUND' | 'OUTBOUND';
  readonly organizationId: string;
  readonly stack: string;
  /** The message id the functions saw. */
  readonly messageId: string;
  /** Each recipient (as given, and any a function added), and what happens to it. */
  readonly recipients: Readonly<Record<string, RecipientOutcome>>;
  /** Every rule that matched, per recipient, the winners first. */
  readonly rules: Readonly<Record<string, readonly RuleVerdict[]>>;
  readonly invocations: readonly SimulatedInvocation[];
  /** The message content after the run: the updated one when a function's PutRawMessageContent was accepted. */
  readonly message: Buffer;
  /** Whether a function updated the message. */
  readonly messageUpdated: boolean;
  readonly assumptions: readonly SimulationAssumption[];
}

/** Simulates many messages against one assembly, keeping the function processes warm. */
export interface MailFlowSimulator {
  simulate(message: SimulateMessageOptions): Promise<MailFlowSimulation>;
  /** The pids of the function processes now running. */
  readonly pids: readonly number[];
  /** The local endpoints the functions are sent to (WorkMail, Message Flow, S3). */
  readonly endpoints: { readonly workMail: string; readonly messageFlow: string; readonly s3: string };
  /** Ends the function processes and the local endpoints. */
  close(): Promise<void>;
}
