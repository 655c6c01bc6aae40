/**
 * The ready-made handlers under WorkMail's retry (a second invocation reads what the first one put) and on
 * signed mail, end to end against the local Message Flow and S3 endpoints.
 */
import { attachmentFilterHandler, disclaimerHandler, subjectTagHandler } from '../../../lambda/runtime';
import type { HandlerLogEntry, SyncHandler } from '../../../lambda/runtime';

type Log = (e: HandlerLogEntry) => void;
import { MessageContentEndpoints, startMessageContentEndpoints } from '../../local/message-content-endpoints';
import { FIXTURES } from '../../fixtures/mime/fixtures';
import { deepMessage } from '../../fixtures/mime/hostile';
import { messageFlowProblems, parse } from '../mime/helpers';
import { Signer, unwrap } from '../mime/signing';
import { BUCKET, context, dispositions, event, everyone, logSink, newId } from './helpers';

const TEXT = 'Confidential: meant for the addressees only.';
const HTML = '<p class="disclaimer">Confidential: meant for the addressees only.</p>';
let endpoints: MessageContentEndpoints;
let signer: Signer;

beforeAll(async () => {
  endpoints = await startMessageContentEndpoints([BUCKET]);
  signer = new Signer();
});
afterAll(async () => {
  signer.cleanup();
  await endpoints.stop();
});

const puts = (id: string) => endpoints.messageFlow.requests.filter((r) => r.path.endsWith(id) && r.operation === 'PutRawMessageContent').length;
const count = (haystack: string, needle: string) => haystack.split(needle).length - 1;

/** Runs `make()`'s handler on message `id` (a fresh handler each time, as after a cold start). */
async function invoke(id: string, make: (log: Log) => SyncHandler) {
  const { log, entries } = logSink();
  const raw = event(id);
  const answer = await make(log)(raw, context);
  return { raw, answer, entries };
}

describe.each(FIXTURES.filter((f) => f.text !== undefined || f.html !== undefined).map((f) => [f.name, f] as const))('%s: invoked twice (WorkMail retried after the put)', (_n, fixture) => {
  test('disclaimerHandler: the second invocation reads the first one\'s message and changes nothing', async () => {
    const id = newId();
    endpoints.messageFlow.addMessage(id, fixture.mime);
    const make = (log: Log) => disclaimerHandler({ text: TEXT, html: HTML, bucket: BUCKET, log });
    const first = await invoke(id, make);
    const once = endpoints.messageFlow.message(id)!;
    const second = await invoke(id, make);
    expect(dispositions(second.raw, second.answer)).toEqual(everyone(second.raw, { type: 'DEFAULT' }));
    expect(first.entries[0]).toMatchObject({ outcome: 'updated' });
    expect(second.entries[0]).toMatchObject({ outcome: 'unchanged', changes: [] });
    expect(puts(id)).toBe(1);
    expect(endpoints.messageFlow.message(id)!.equals(once)).toBe(true);
    const parsed = await parse(once);
    if (fixture.text !== undefined) expect(count(parsed.text ?? '', TEXT)).toBe(1);
    if (fixture.html !== undefined) expect(count(parsed.html || '', HTML)).toBe(1);
  });
});

test('attachmentFilterHandler strip and subjectTagHandler, twice: one put each, the second unchanged', async () => {
  const fixture = FIXTURES.find((f) => f.name === 'mixed-nested')!;
  for (const make of [
    (log: Log) => attachmentFilterHandler({ action: 'strip', extensions: ['pdf', 'png'], bucket: BUCKET, log }),
    (log: Log) => subjectTagHandler({ prefix: '[外部]', bucket: BUCKET, log }),
  ]) {
    const id = newId();
    endpoints.messageFlow.addMessage(id, fixture.mime);
    await invoke(id, make);
    const once = endpoints.messageFlow.message(id)!;
    const second = await invoke(id, make);
    expect(second.entries[0]).toMatchObject({ outcome: 'unchanged' });
    expect(puts(id)).toBe(1);
    expect(endpoints.messageFlow.message(id)!.equals(once)).toBe(true);
  }
});

describe('signed mail', () => {
  test('disclaimerHandler leaves a signed message as it is (no put) and logs it; signed: wrap puts it around, still verifying', async () => {
    const mime = signer.smimeDetached();
    const id = newId();
    endpoints.messageFlow.addMessage(id, mime);
    const left = await invoke(id, (log) => disclaimerHandler({ text: TEXT, bucket: BUCKET, log }));
    expect(left.entries[0]).toMatchObject({ outcome: 'unchanged', left: [expect.stringMatching(/disclaimer was not added/)] });
    expect(puts(id)).toBe(0);
    await invoke(id, (log) => disclaimerHandler({ text: TEXT, bucket: BUCKET, log, signed: 'wrap' }));
    const stored = endpoints.messageFlow.message(id)!;
    expect(puts(id)).toBe(1);
    expect(messageFlowProblems(stored)).toEqual([]);
    expect((await parse(stored)).text).toContain(TEXT);
    expect(signer.smimeValid(unwrap(stored))).toBe(true);
    await invoke(id, (log) => disclaimerHandler({ text: TEXT, bucket: BUCKET, log, signed: 'wrap' }));
    expect(puts(id)).toBe(1);
  });

  test.each([
    [undefined, { type: 'BOUNCE' }, 0],
    ['drop', { type: 'DROP' }, 0],
    ['deliver', { type: 'DEFAULT' }, 0],
    ['strip', { type: 'DEFAULT' }, 1],
  ] as const)('attachmentFilterHandler strip, an .exe inside signed content, signed: %s', async (signed, answer, putCount) => {
    const id = newId();
    endpoints.messageFlow.addMessage(id, signer.pgp());
    const r = await invoke(id, (log) => attachmentFilterHandler({ action: 'strip', extensions: ['exe'], bucket: BUCKET, log, ...(signed ? { signed } : {}) }));
    expect(dispositions(r.raw, r.answer)).toEqual(everyone(r.raw, answer.type === 'BOUNCE' ? { type: 'BOUNCE', parameters: { bounceMessage: expect.any(String) } } as never : answer));
    expect(puts(id)).toBe(putCount);
    expect(signer.pgpValid(endpoints.messageFlow.message(id)!)).toBe(signed !== 'strip');
  });

  test('attachmentFilterHandler drop: an .exe inside signed content is dropped too; signed: deliver lets it through', async () => {
    for (const [signed, type] of [[undefined, 'DROP'], ['deliver', 'DEFAULT']] as const) {
      const id = newId();
      endpoints.messageFlow.addMessage(id, signer.smimeDetached());
      const r = await invoke(id, (log) => attachmentFilterHandler({ action: 'drop', extensions: ['exe'], bucket: BUCKET, log, ...(signed ? { signed } : {}) }));
      expect(dispositions(r.raw, r.answer)).toEqual(everyone(r.raw, { type }));
    }
    expect(() => attachmentFilterHandler({ action: 'drop', extensions: ['exe'], signed: 'strip' })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });
});

test('a message beyond MIME_LIMITS is not delivered unread by an attachment filter (fails closed), and answered safely by the others', async () => {
  const mime = deepMessage(150);
  for (const [make, type] of [
    [(log: Log) => attachmentFilterHandler({ action: 'strip', extensions: ['exe'], bucket: BUCKET, log }), 'BOUNCE'],
    [(log: Log) => attachmentFilterHandler({ action: 'drop', extensions: ['exe'], bucket: BUCKET, log }), 'DROP'],
    [(log: Log) => disclaimerHandler({ text: TEXT, bucket: BUCKET, log }), 'DEFAULT'],
  ] as const) {
    const id = newId();
    endpoints.messageFlow.addMessage(id, mime);
    const r = await invoke(id, make);
    expect(Object.values(dispositions(r.raw, r.answer)).map((a) => a.type)).toEqual([type, type]);
    expect(puts(id)).toBe(0);
  }
});
