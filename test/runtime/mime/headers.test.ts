/**
 * The header fast paths (lambda/runtime/mime/headers.ts) read what libmime reads: they exist only so that a
 * typical message is rewritten without loading libmime, so any difference from libmime is a bug.
 */
import fc from 'fast-check';
import { Libmime } from 'libmime';
import { decodeHeaderText, foldHeader, parseStructured } from '../../../lambda/runtime/mime/headers';

const libmime = new Libmime();
const viaLibmime = (value: string) => {
  const parsed = libmime.parseHeaderValue(value) as { value: string; params: Record<string, string> };
  return { value: (parsed.value ?? '').trim().toLowerCase(), params: parsed.params ?? {} };
};

const tokenChar = fc.constantFrom(...'!#$%&\'+.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-'.split(''));
const token = fc.string({ unit: tokenChar, minLength: 1, maxLength: 12 });
const space = fc.constantFrom('', ' ', '  ', '\t', '\r\n ', '\r\n\t');
const quotedChar = fc.constantFrom(...' abcXYZ019.-_/:;,=@()[]<>?'.split(''));
const paramValue = fc.oneof(token, fc.string({ unit: quotedChar, maxLength: 16 }).map((v) => `"${v}"`));
const param = fc.tuple(space, token, space, space, paramValue, space).map(([a, name, b, c, value, d]) => `;${a}${name}${b}=${c}${value}${d}`);
const structured = fc.tuple(space, token, fc.option(token, { nil: undefined }), space, fc.array(param, { maxLength: 5 }), fc.constantFrom('', ';'), space)
  .map(([a, type, subtype, b, params, semi, c]) => `${a}${type}${subtype ? `/${subtype}` : ''}${b}${params.join('')}${semi}${c}`);

test.each([
  'Text/Plain; Charset="UTF-8"; format=flowed',
  'multipart/mixed;\r\n boundary="----=_Part_1"',
  'multipart/mixed; boundary=----=_Part_1',
  'multipart/alternative; boundary=abc; BOUNDARY=def',
  'text/plain; charset=us-ascii (comment)',
  "attachment; filename*=utf-8''%C3%A9t%C3%A9.pdf",
  'attachment; filename="=?UTF-8?Q?caf=C3=A9.pdf?="',
  'application/pdf; name="a \\"b\\".pdf"',
  ' text/html ; charset = iso-8859-1 ',
  'inline',
  '',
])('parseStructured(%j) is what libmime reads', (value) => {
  expect(parseStructured(value)).toEqual(value ? viaLibmime(value) : { value: '', params: {} });
});

test('parseStructured reads every generated structured value as libmime does', () => {
  fc.assert(fc.property(structured, (value) => {
    expect(parseStructured(value)).toEqual(viaLibmime(value));
  }), { numRuns: 2000 });
});

test('foldHeader folds as libmime does, and leaves a short line as it is', () => {
  fc.assert(fc.property(token, fc.string({ unit: fc.constantFrom(...'abc XYZ,.;:-'.split('')), maxLength: 200 }), (name, value) => {
    expect(foldHeader(name, value)).toBe(libmime.foldLines(`${name}: ${value}`, 76).replace(/\r?\n/g, '\r\n') + '\r\n');
  }), { numRuns: 1000 });
  expect(foldHeader('Subject', 'short')).toBe('Subject: short\r\n');
});

test('decodeHeaderText decodes encoded words with libmime and passes other text through', () => {
  expect(decodeHeaderText('=?UTF-8?Q?caf=C3=A9?= order')).toBe('café order');
  expect(decodeHeaderText(' plain  text ')).toBe(' plain  text ');
  expect(decodeHeaderText(Buffer.from('café', 'utf8').toString('latin1'))).toBe('café');
});
