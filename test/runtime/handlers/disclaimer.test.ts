/**
 * disclaimerHandler end to end: local Message Flow + S3 through the real SDK clients, every MIME fixture.
 */
import { disclaimerHandler } from '../../../lambda/runtime';
import { MessageContentEndpoints, startMessageContentEndpoints } from '../../local/message-content-endpoints';
import { FIXTURES } from '../../fixtures/mime/fixtures';
import { parse, split } from '../mime/helpers';
import { BUCKET, context, dispositions, event, everyone, logSink, newId } from './helpers';

const TEXT = 'Confidential: meant for the addressees only.';
const HTML = '<p class="disclaimer">Confidential: meant for the addressees only.</p>';
let endpoints: MessageContentEndpoints;

beforeAll(async () => {
  endpoints = await startMessageContentEndpoints([BUCKET]);
});
afterAll(async () => endpoints.stop());

describe.each(FIXTURES.map((f) => [f.name, f] as const))('%s', (_name, fixture) => {
  test('answers DEFAULT for everyone, and WorkMail holds the message with the disclaimer, its structure kept', async () => {
    const id = newId();
    endpoints.messageFlow.addMessage(id, fixture.mime);
    const { log, entries } = logSink();
    const raw = event(id);
    const answer = await disclaimerHandler({ text: TEXT, html: HTML, bucket: BUCKET, log })(raw, context);
    expect(dispositions(raw, answer)).toEqual(everyone(raw, { type: 'DEFAULT' }));
    const stored = endpoints.messageFlow.message(id)!;
    const parsed = await parse(stored);
    if (fixture.text !== undefined) {
      expect(parsed.text).toContain(fixture.text);
      expect(parsed.text).toContain(TEXT);
    }
    if (fixture.html !== undefined) expect(parsed.html).toContain(HTML);
    expect(parsed.attachments.filter((a) => a.contentDisposition === 'attachment' || a.filename).length).toBeGreaterThanOrEqual(fixture.attachments ? 1 : 0);
    expect((await split(stored)).map((n) => n.contentType)).toEqual((await split(fixture.mime)).map((n) => n.contentType));
    expect(entries).toEqual([expect.objectContaining({ level: 'info', handler: 'disclaimerHandler', outcome: 'updated', messageId: id })]);
    if (fixture.malformed) expect(entries[0].warnings).toEqual(expect.arrayContaining([expect.any(String)]));
  });
});

test('text only: the HTML part is left as it was', async () => {
  const fixture = FIXTURES.find((f) => f.name === 'alternative')!;
  const id = newId();
  endpoints.messageFlow.addMessage(id, fixture.mime);
  await disclaimerHandler({ text: TEXT, bucket: BUCKET, log: () => undefined })(event(id), context);
  const [before, after] = [await split(fixture.mime), await split(endpoints.messageFlow.message(id)!)];
  expect(after[2].body).toEqual(before[2].body);
  expect((await parse(endpoints.messageFlow.message(id)!)).text).toContain(TEXT);
});

test('html only: a message without an HTML part is not uploaded (nothing changed)', async () => {
  const fixture = FIXTURES.find((f) => f.name === 'plain')!;
  const id = newId();
  endpoints.messageFlow.addMessage(id, fixture.mime);
  const { log, entries } = logSink();
  await disclaimerHandler({ html: HTML, bucket: BUCKET, log })(event(id), context);
  expect(endpoints.messageFlow.requests.filter((r) => r.path.endsWith(id)).map((r) => r.operation)).toEqual(['GetRawMessageContent']);
  expect(entries[0]).toMatchObject({ outcome: 'unchanged', changes: [] });
});

test('neither text nor html: refused when the handler is made', () => {
  expect(() => disclaimerHandler({})).toThrow(/addDisclaimer: give `text`, `html` or both/);
});
