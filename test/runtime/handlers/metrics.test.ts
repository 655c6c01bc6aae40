/**
 * metricsHandler: CloudWatch embedded metric format (EMF) lines, each checked against the specification's
 * required structure (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html).
 */
import { metricsHandler, UNKNOWN_DIMENSION_VALUE } from '../../../lambda/runtime';
import type { MetricsHandlerOptions } from '../../../lambda/runtime';
import { MessageContentEndpoints, startMessageContentEndpoints } from '../../local/message-content-endpoints';
import { BUCKET, event, logSink, newId } from './helpers';

/** Problems of one EMF document against the specification; [] when it is valid. */
function emfProblems(line: string): string[] {
  const problems: string[] = [];
  let doc: any;
  try {
    doc = JSON.parse(line);
  } catch {
    return ['not JSON'];
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return ['the root is not an object'];
  const aws = doc._aws;
  if (typeof aws !== 'object' || aws === null) return ['no _aws object'];
  if (!Number.isInteger(aws.Timestamp) || aws.Timestamp < 0) problems.push('_aws.Timestamp must be a whole number of milliseconds since the epoch');
  if (!Array.isArray(aws.CloudWatchMetrics)) return [...problems, '_aws.CloudWatchMetrics must be an array'];
  for (const [i, directive] of aws.CloudWatchMetrics.entries()) {
    const at = `_aws.CloudWatchMetrics[${i}]`;
    if (typeof directive.Namespace !== 'string' || directive.Namespace.length < 1 || directive.Namespace.length > 255) problems.push(`${at}.Namespace must be 1-255 characters`);
    if (!Array.isArray(directive.Dimensions)) problems.push(`${at}.Dimensions must be an array of dimension sets`);
    for (const set of directive.Dimensions ?? []) {
      if (!Array.isArray(set) || set.length > 30) problems.push(`${at}.Dimensions: a set must be an array of at most 30 names`);
      for (const name of set) {
        if (typeof name !== 'string' || name.length < 1 || name.length > 250) problems.push(`${at}: dimension name ${name} must be 1-250 characters`);
        if (typeof doc[name] !== 'string') problems.push(`${at}: dimension ${name} must be a string member of the root`);
        else if (doc[name].length < 1 || doc[name].length > 1024) problems.push(`${at}: dimension value of ${name} must be 1-1024 characters`);
      }
    }
    if (!Array.isArray(directive.Metrics) || directive.Metrics.length > 100) problems.push(`${at}.Metrics must be an array of at most 100 definitions`);
    for (const metric of directive.Metrics ?? []) {
      if (typeof metric.Name !== 'string' || metric.Name.length < 1 || metric.Name.length > 255) problems.push(`${at}: metric name must be 1-255 characters`);
      if (metric.Unit !== undefined && !['Count', 'Bytes', 'Seconds', 'Milliseconds', 'None'].includes(metric.Unit)) problems.push(`${at}: unknown unit ${metric.Unit}`);
      const value = doc[metric.Name];
      if (!(typeof value === 'number' || (Array.isArray(value) && value.every((v) => typeof v === 'number')))) problems.push(`${at}: metric ${metric.Name} must be a number member of the root`);
    }
  }
  return problems;
}

let endpoints: MessageContentEndpoints;
beforeAll(async () => {
  endpoints = await startMessageContentEndpoints([BUCKET]);
});
afterAll(async () => endpoints.stop());

async function lines(raw: unknown, options: MetricsHandlerOptions = {}): Promise<any[]> {
  const out: string[] = [];
  await metricsHandler({ write: (l) => void out.push(l), now: () => 1_764_000_000_000, ...options })(raw);
  for (const l of out) expect(emfProblems(l)).toEqual([]);
  return out.map((l) => JSON.parse(l));
}

test('the validator catches what the specification requires (control)', () => {
  expect(emfProblems('{"_aws":{"Timestamp":"now","CloudWatchMetrics":[{"Namespace":"","Dimensions":[["D"]],"Metrics":[{"Name":"M"}]}]}}')).toEqual([
    '_aws.Timestamp must be a whole number of milliseconds since the epoch',
    '_aws.CloudWatchMetrics[0].Namespace must be 1-255 characters',
    '_aws.CloudWatchMetrics[0]: dimension D must be a string member of the root',
    '_aws.CloudWatchMetrics[0]: metric M must be a number member of the root',
  ]);
});

test('counts a message per direction, per sender domain, and its recipients per domain; reads no content', async () => {
  const id = newId();
  const raw = event(id, { from: 'Someone@Partner.Example', to: ['ana@example.com', 'bo@EXAMPLE.com', 'cy@other.example'] });
  const docs = await lines(raw);
  const ns = (d: any) => d._aws.CloudWatchMetrics[0];
  expect(docs).toEqual([
    { _aws: { Timestamp: 1_764_000_000_000, CloudWatchMetrics: [{ Namespace: 'WorkMail', Dimensions: [['Direction']], Metrics: [{ Name: 'Messages', Unit: 'Count' }] }] }, Direction: 'INBOUND', Messages: 1 },
    expect.objectContaining({ Direction: 'INBOUND', SenderDomain: 'partner.example', Messages: 1 }),
    expect.objectContaining({ Direction: 'INBOUND', RecipientDomain: 'example.com', Recipients: 2 }),
    expect.objectContaining({ Direction: 'INBOUND', RecipientDomain: 'other.example', Recipients: 1 }),
  ]);
  expect(docs.map((d) => ns(d).Dimensions)).toEqual([[['Direction']], [['Direction', 'SenderDomain']], [['Direction', 'RecipientDomain']], [['Direction', 'RecipientDomain']]]);
  expect(endpoints.messageFlow.requests.filter((r) => r.path.endsWith(id))).toEqual([]);
});

test('outbound, an event without direction, and the empty sender of a bounce', async () => {
  expect((await lines(event(newId(), { direction: 'OUTBOUND' }), { dimensions: ['Direction'] }))[0]).toMatchObject({ Direction: 'OUTBOUND' });
  const docs = await lines(event(newId(), { direction: null, from: '' }), { dimensions: ['SenderDomain'] });
  expect(docs).toEqual([expect.objectContaining({ Direction: UNKNOWN_DIMENSION_VALUE, SenderDomain: UNKNOWN_DIMENSION_VALUE })]);
});

test('namespace and dimensions options', async () => {
  const docs = await lines(event(newId()), { namespace: 'Acme/Mail', dimensions: ['RecipientDomain'] });
  expect(docs).toHaveLength(1);
  expect(docs[0]._aws.CloudWatchMetrics[0].Namespace).toBe('Acme/Mail');
});

test('maxRecipientDomains: the domains past the limit are counted as "other"', async () => {
  const to = Array.from({ length: 30 }, (_, i) => `r${i}@d${i % 5}.example`);
  const docs = await lines(event(newId(), { to }), { dimensions: ['RecipientDomain'], maxRecipientDomains: 3 });
  expect(docs.map((d) => [d.RecipientDomain, d.Recipients])).toEqual([['d0.example', 6], ['d1.example', 6], ['d2.example', 6], ['other', 12]]);
});

test('the default: one line per document on stdout', async () => {
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    await metricsHandler({ dimensions: ['Direction'] })(event(newId()));
    expect(spy).toHaveBeenCalledTimes(1);
    const written = String(spy.mock.calls[0][0]);
    expect(written.endsWith('\n') && written.indexOf('\n') === written.length - 1).toBe(true);
    expect(emfProblems(written)).toEqual([]);
  } finally {
    spy.mockRestore();
  }
});

test('bad input: a malformed event is logged, not counted, not thrown (a retry would fail the same way)', async () => {
  const { log, entries } = logSink();
  const out: string[] = [];
  await expect(metricsHandler({ write: (l) => void out.push(l), log })({ messageId: 'm-1', envelope: 'x' })).resolves.toBeUndefined();
  expect(out).toEqual([]);
  expect(entries).toEqual([expect.objectContaining({ level: 'error', handler: 'metricsHandler', outcome: 'not-counted', messageId: 'm-1', error: expect.objectContaining({ name: 'WorkMailEventError' }) })]);
});

test('options refused when the handler is made', () => {
  expect(() => metricsHandler({ namespace: 'AWS/WorkMail' })).toThrow(/namespace must be .*not starting with 'AWS\/'.*got "AWS\/WorkMail"/);
  expect(() => metricsHandler({ namespace: '' })).toThrow(/namespace must be/);
  expect(() => metricsHandler({ dimensions: ['Sender' as never] })).toThrow(/dimensions must be 'Direction', 'SenderDomain' or 'RecipientDomain', got "Sender"/);
  expect(() => metricsHandler({ maxRecipientDomains: 0 })).toThrow(/maxRecipientDomains must be a whole number from 1 to 100, got 0/);
});
