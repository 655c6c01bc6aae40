/**
 * subjectTagHandler end to end: local Message Flow + S3 through the real SDK clients, every MIME fixture.
 */
import { subjectTagHandler } from '../../../lambda/runtime';
import { MessageContentEndpoints, startMessageContentEndpoints } from '../../local/message-content-endpoints';
import { FIXTURES } from '../../fixtures/mime/fixtures';
import { parse, split, toCrlf } from '../mime/helpers';
import { BUCKET, context, dispositions, event, everyone, logSink, newId } from './helpers';

let endpoints: MessageContentEndpoints;

beforeAll(async () => {
  endpoints = await startMessageContentEndpoints([BUCKET]);
});
afterAll(async () => endpoints.stop());

describe.each(FIXTURES.map((f) => [f.name, f] as const))('%s', (_name, fixture) => {
  test('the Subject is tagged in the message WorkMail holds, every body byte kept; a second run uploads nothing', async () => {
    const id = newId();
    endpoints.messageFlow.addMessage(id, fixture.mime);
    const handler = subjectTagHandler({ prefix: '[EXTERNAL]', internalDomains: ['example.com'], bucket: BUCKET, log: () => undefined });
    const raw = event(id);
    expect(dispositions(raw, await handler(raw, context))).toEqual(everyone(raw, { type: 'DEFAULT' }));
    const stored = endpoints.messageFlow.message(id)!;
    const original = await parse(fixture.mime);
    expect((await parse(stored)).subject).toBe(original.subject ? `[EXTERNAL] ${original.subject}` : '[EXTERNAL]');
    const [before, after] = [await split(toCrlf(fixture.mime)), await split(stored)];
    expect(after.map((n) => n.body)).toEqual(before.map((n) => n.body));

    const { log, entries } = logSink();
    await subjectTagHandler({ prefix: '[EXTERNAL]', bucket: BUCKET, log })(raw, context);
    expect(endpoints.messageFlow.requests.filter((r) => r.path.endsWith(id) && r.operation === 'PutRawMessageContent')).toHaveLength(1);
    expect(entries[0]).toMatchObject({ outcome: 'unchanged' });
  });
});

test('a non-ASCII tag is RFC 2047-encoded', async () => {
  const id = newId();
  endpoints.messageFlow.addMessage(id, FIXTURES[0].mime);
  await subjectTagHandler({ prefix: '[EXTERNE – prüfen]', bucket: BUCKET, log: () => undefined })(event(id), context);
  const stored = endpoints.messageFlow.message(id)!;
  expect(stored.toString('latin1')).toMatch(/^Subject: .*=\?UTF-8\?Q\?/im);
  expect((await parse(stored)).subject).toBe('[EXTERNE – prüfen] Plain hello');
});
