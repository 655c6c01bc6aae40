import { WorkMailConfigurationError } from '../errors';
import { parseEvent } from '../invocation/event';
import type { WorkMailLambdaEvent } from '../invocation/event';
import { defaultLog, loggedError, domainOf } from './log';
import type { HandlerLogEntry } from './log';

/** The dimension sets `metricsHandler` writes, each as its own EMF line(s). */
export type MessageMetricDimension = 'Direction' | 'SenderDomain' | 'RecipientDomain';

/** Options of `metricsHandler`. */
export interface MetricsHandlerOptions {
  /** CloudWatch namespace of the metrics (1 to 255 of 0-9 A-Z a-z . - _ / # :, not starting with `AWS/`). @default 'WorkMail' */
  readonly namespace?: string;
  /**
   * Which counts to write: `Direction` (Messages per direction), `SenderDomain` (Messages per direction and
   * sender domain), `RecipientDomain` (Recipients per direction and recipient domain). Each distinct domain
   * is a custom metric in CloudWatch, which is billed per metric.
   * @default all three
   */
  readonly dimensions?: readonly MessageMetricDimension[];
  /**
   * At most this many recipient domains get their own line per message; the others are counted under the
   * domain `other` (EMF allows 100 metrics per line, and a message may have hundreds of recipients).
   * @default 20
   */
  readonly maxRecipientDomains?: number;
  /** Where the EMF lines go; Lambda sends stdout to CloudWatch Logs, which extracts the metrics. @default process.stdout.write */
  readonly write?: (line: string) => void;
  /** Where the handler's own log lines (a malformed event) go. @default one JSON line per entry on stdout */
  readonly log?: (entry: HandlerLogEntry) => void;
  /** The clock, in milliseconds since the epoch (for tests). @default Date.now */
  readonly now?: () => number;
}

/** The value of a dimension for a message of unknown direction (older events) or a sender without a domain. */
export const UNKNOWN_DIMENSION_VALUE = 'unknown';

/**
 * An asynchronous handler (for a rule with `synchronous: false`) that counts messages as CloudWatch embedded
 * metric format (EMF) lines on stdout: `Messages` by `Direction`, `Messages` by `Direction` and
 * `SenderDomain`, `Recipients` by `Direction` and `RecipientDomain`. It never reads the message. A malformed
 * event is logged and not counted (no retry: it would fail again).
 *
 * @throws WorkMailConfigurationError (`INVALID_OPTION`) at once for a bad namespace, dimension or maxRecipientDomains
 */
export function metricsHandler(options: MetricsHandlerOptions = {}): (event: unknown) => Promise<void> {
  const namespace = options.namespace ?? 'WorkMail';
  if (!/^[0-9A-Za-z.\-_/#:]{1,255}$/.test(namespace) || namespace.startsWith('AWS/') || namespace.startsWith(':')) {
    throw new WorkMailConfigurationError('INVALID_OPTION', `metricsHandler: namespace must be 1-255 of 0-9 A-Z a-z . - _ / # :, not starting with 'AWS/' or ':', got ${JSON.stringify(namespace)}`);
  }
  const dimensions = options.dimensions ?? ['Direction', 'SenderDomain', 'RecipientDomain'];
  for (const d of dimensions) {
    if (d !== 'Direction' && d !== 'SenderDomain' && d !== 'RecipientDomain') {
      throw new WorkMailConfigurationError('INVALID_OPTION', `metricsHandler: dimensions must be 'Direction', 'SenderDomain' or 'RecipientDomain', got ${JSON.stringify(d)}`);
    }
  }
  const maxDomains = options.maxRecipientDomains ?? 20;
  if (!(Number.isInteger(maxDomains) && maxDomains >= 1 && maxDomains <= 100)) {
    throw new WorkMailConfigurationError('INVALID_OPTION', `metricsHandler: maxRecipientDomains must be a whole number from 1 to 100, got ${maxDomains}`);
  }
  const write = options.write ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const log = options.log ?? defaultLog;
  const now = options.now ?? Date.now;

  return async (input: unknown): Promise<void> => {
    let event: WorkMailLambdaEvent;
    try {
      event = parseEvent(input);
    } catch (error) {
      const e = input as { messageId?: unknown } | null;
      log({
        level: 'error', handler: 'metricsHandler', outcome: 'not-counted', reason: 'the event is not a WorkMail Run Lambda event',
        ...(typeof e?.messageId === 'string' ? { messageId: e.messageId } : {}),
        error: loggedError(error),
      });
      return;
    }
    const timestamp = now();
    const direction = event.flowDirection ?? UNKNOWN_DIMENSION_VALUE;
    const line = (dims: Record<string, string>, metric: 'Messages' | 'Recipients', value: number): string => JSON.stringify({
      _aws: {
        Timestamp: timestamp,
        CloudWatchMetrics: [{ Namespace: namespace, Dimensions: [Object.keys(dims)], Metrics: [{ Name: metric, Unit: 'Count' }] }],
      },
      ...dims,
      [metric]: value,
    });
    if (dimensions.includes('Direction')) write(line({ Direction: direction }, 'Messages', 1));
    if (dimensions.includes('SenderDomain')) {
      write(line({ Direction: direction, SenderDomain: domainOf(event.envelope.mailFrom.address) || UNKNOWN_DIMENSION_VALUE }, 'Messages', 1));
    }
    if (dimensions.includes('RecipientDomain')) {
      const counts = new Map<string, number>();
      for (const r of event.envelope.recipients) {
        const domain = domainOf(r.address) || UNKNOWN_DIMENSION_VALUE;
        const key = counts.has(domain) || counts.size < maxDomains ? domain : 'other';
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      for (const [domain, n] of counts) write(line({ Direction: direction, RecipientDomain: domain }, 'Recipients', n));
    }
  };
}
