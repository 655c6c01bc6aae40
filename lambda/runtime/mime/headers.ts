import { MAX_LINE_TEXT_OCTETS } from '../../rules/message-content';
import { CRLF } from './conform';
import { MimeRewriteError } from './errors';
import { libmime } from './libs';

/** One header field as it arrived (raw) or as a transform set it. */
interface Field {
  /** Field name as written. */
  readonly name: string;
  /** Lower-case name, for lookups. */
  readonly key: string;
  /** The exact bytes of the field incl. its folded lines and line ends; undefined once changed. */
  raw: Buffer | undefined;
  /** The value: unfolded, not decoded, bytes read as latin1 so that 8-bit bytes survive a round trip. */
  value: string;
  /** The raw bytes break WorkMail's line rules (a bare LF, a lone CR, a line over 998 octets): written anew. */
  repair?: boolean;
}

/**
 * A part's header block. Fields nobody changed are written back byte for byte; a changed or added field
 * is folded with libmime at 76 columns and ends in CRLF.
 *
 * Lines end at CRLF, at a bare LF and at a lone CR: Python's `email` splits lines at all three (mailparser
 * at the first two), so a field hidden behind a lone CR is a field here too, and is written on a line of
 * its own with CRLF, where every reader sees it.
 */
export class HeaderBlock {
  /** Parses a header block (the bytes before the empty line). */
  public static parse(bytes: Buffer): HeaderBlock {
    const fields: Field[] = [];
    let current: { start: number; end: number; repair: boolean } | undefined;
    const close = (): void => {
      if (!current) return;
      const raw = bytes.subarray(current.start, current.end);
      const text = raw.toString('latin1');
      const colon = text.indexOf(':');
      const name = colon > 0 ? text.slice(0, colon).trim() : '';
      const value = colon > 0 ? text.slice(colon + 1).replace(/(?:\r\n|\r|\n)(?=[ \t])/g, '').replace(/[\r\n]+$/, '').trim() : '';
      fields.push({ name, key: name.toLowerCase(), raw, value, ...(current.repair ? { repair: true } : {}) });
      current = undefined;
    };
    let pos = 0;
    while (pos < bytes.length) {
      const lf = bytes.indexOf(10, pos);
      const cr = bytes.indexOf(13, pos);
      let end: number;
      let content: number;
      let crlf = false;
      if (cr !== -1 && (lf === -1 || cr < lf) && cr + 1 !== lf) {
        content = cr; // a lone CR ends the line
        end = cr + 1;
      } else if (lf !== -1) {
        crlf = lf > pos && bytes[lf - 1] === 13;
        content = crlf ? lf - 1 : lf;
        end = lf + 1;
      } else {
        content = bytes.length;
        end = bytes.length;
        crlf = true; // the last line of a block cut short: toBuffer adds its CRLF
      }
      const repair = !crlf || content - pos > MAX_LINE_TEXT_OCTETS;
      if (content === pos) {
        // An empty line inside the block (only a lone CR makes one): nothing to keep.
        close();
      } else if ((bytes[pos] === 32 || bytes[pos] === 9) && current) {
        current.end = end;
        current.repair ||= repair;
      } else {
        close();
        current = { start: pos, end, repair };
      }
      pos = end;
    }
    close();
    return new HeaderBlock(fields);
  }

  private changed = false;

  private constructor(private readonly fields: Field[]) {}

  /** Whether any field was set, added or removed. */
  public get isChanged(): boolean {
    return this.changed;
  }

  /** Whether writing the block changes bytes of fields nobody set (line ends or lengths WorkMail would refuse). */
  public get needsRepair(): boolean {
    return this.fields.some((f) => f.raw && f.repair);
  }

  /** The raw (undecoded) value of the first field with this name. */
  public get(name: string): string | undefined {
    const key = name.toLowerCase();
    return this.fields.find((f) => f.key === key)?.value;
  }

  /** The raw values of every field with this name, in order. */
  public getAll(name: string): string[] {
    const key = name.toLowerCase();
    return this.fields.filter((f) => f.key === key).map((f) => f.value);
  }

  /** Every field's name and raw value, in order. */
  public entries(): Array<[string, string]> {
    return this.fields.filter((f) => f.name).map((f) => [f.name, f.value]);
  }

  /**
   * Sets a field to an already encoded (7-bit) value: the first field of that name is replaced in place,
   * further ones are removed (WorkMail rejects repeated unique headers); added at the end when absent.
   * A value with a line break is refused (`MimeRewriteError` `HEADER`) here, before anything is written.
   */
  public set(name: string, encodedValue: string): void {
    assertHeaderValue(name, encodedValue);
    const key = name.toLowerCase();
    const index = this.fields.findIndex((f) => f.key === key);
    const field: Field = { name, key, raw: undefined, value: encodedValue };
    if (index === -1) {
      this.fields.push(field);
    } else {
      this.fields[index] = field;
      for (let i = this.fields.length - 1; i > index; i--) if (this.fields[i].key === key) this.fields.splice(i, 1);
    }
    this.changed = true;
  }

  /** Removes every field with this name (returns them, raw, in order). */
  public remove(name: string): Buffer[] {
    const key = name.toLowerCase();
    const removed: Buffer[] = [];
    for (let i = this.fields.length - 1; i >= 0; i--) {
      if (this.fields[i].key === key) {
        const [f] = this.fields.splice(i, 1);
        removed.unshift(fieldBytes(f));
        this.changed = true;
      }
    }
    return removed;
  }

  /** The header block as bytes, without the empty line that ends it. */
  public toBuffer(): Buffer {
    return Buffer.concat(this.fields.map(fieldBytes));
  }
}

function fieldBytes(f: Field): Buffer {
  if (f.raw && !f.repair) {
    // A last field without a line end (headers cut short) still gets one: the empty line follows.
    return f.raw[f.raw.length - 1] === 10 ? f.raw : Buffer.concat([f.raw, CRLF]);
  }
  if (f.raw && !f.name) {
    // Not a field (a line the sender left in the block): its lines with CRLF, as short as they came.
    return Buffer.from(f.raw.toString('latin1').split(/\r\n|\r|\n/).filter(Boolean).map((l) => `${l}\r\n`).join(''), 'latin1');
  }
  return Buffer.from(foldHeader(f.name, f.value), 'latin1');
}

/** Refuses a header value that holds a line break: written, it would start a header field of its own. */
export function assertHeaderValue(name: string, value: string): void {
  if (/[\r\n]/.test(value)) {
    throw new MimeRewriteError('HEADER', `the value of ${name} holds a line break (${JSON.stringify(value.slice(0, 80))}): it would start a header field of its own`);
  }
}

/**
 * `Name: value` folded at 76 columns with CRLF line ends (libmime's folding), ending in CRLF. Refuses
 * (`MimeRewriteError` `HEADER`) a value with a line break and a result with a line over 998 octets.
 */
export function foldHeader(name: string, value: string): string {
  assertHeaderValue(name, value);
  const line = `${name}: ${value}`;
  // A line that needs no folding is what libmime would return too: no need to load it.
  if (line.length <= 76) return `${line}\r\n`;
  const folded = libmime().foldLines(line, 76).replace(/\r?\n/g, '\r\n') + '\r\n';
  if (folded.split('\r\n').some((l) => l.length > MAX_LINE_TEXT_OCTETS)) {
    throw new MimeRewriteError('HEADER', `${name} has a word of over ${MAX_LINE_TEXT_OCTETS} octets with no place to fold it`);
  }
  return folded;
}

// Loading libmime takes about 70 ms (its MIME type and charset tables): the largest part of a cold rewrite.
// The structured values nearly every message holds (a token or type/subtype, parameters that are tokens or
// plain quoted strings) are read here as libmime reads them (names lowercased, the first of a repeated name
// kept, quotes removed); anything else (RFC 2231 `name*=`, encoded words, comments, escapes, folded quoted
// strings) goes to libmime.
const TOKEN = "[!#$%&'+.^_`|~0-9A-Za-z-]+";
const SIMPLE_STRUCTURED = new RegExp(`^\\s*(${TOKEN}(?:/${TOKEN})?)\\s*((?:;\\s*${TOKEN}\\s*=\\s*(?:${TOKEN}|"[^"\\\\\\r\\n]*")\\s*)*);?\\s*$`);
const SIMPLE_PARAM = new RegExp(`;\\s*(${TOKEN})\\s*=\\s*(?:(${TOKEN})|"([^"\\\\\\r\\n]*)")`, 'g');

function parseSimpleStructured(value: string): { value: string; params: Record<string, string> } | undefined {
  if (value.includes('=?')) return undefined;
  const match = SIMPLE_STRUCTURED.exec(value);
  if (!match) return undefined;
  const params = new Map<string, string>();
  for (const [, name, token, quoted] of match[2].matchAll(SIMPLE_PARAM)) {
    const key = name.toLowerCase();
    if (key === '__proto__') return undefined;
    if (!params.has(key)) params.set(key, token ?? quoted);
  }
  return { value: match[1], params: Object.fromEntries(params) };
}

/** A structured header value (`type/subtype; param=value`) with RFC 2231 / 2047 parameters decoded. */
export function parseStructured(value: string | undefined): { value: string; params: Record<string, string> } {
  if (!value) return { value: '', params: {} };
  const parsed = parseSimpleStructured(value) ?? libmime().parseHeaderValue(value) as { value: string; params: Record<string, string> };
  return { value: (parsed.value ?? '').trim().toLowerCase(), params: parsed.params ?? {} };
}

/** Builds a structured header value back (libmime quotes and RFC 2231-encodes parameters as needed). */
export function buildStructured(value: string, params: Record<string, string>): string {
  return libmime().buildHeaderValue({ value, params });
}

/** Decodes RFC 2047 encoded words; raw 8-bit bytes are read as UTF-8 when they are valid UTF-8. */
export function decodeHeaderText(rawLatin1: string): string {
  let text = rawLatin1;
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(text)) {
    const bytes = Buffer.from(text, 'latin1');
    const utf8 = bytes.toString('utf8');
    if (!utf8.includes('\ufffd')) text = utf8;
  }
  // Without an encoded word there is nothing for libmime to decode.
  return text.includes('=?') ? libmime().decodeWords(text) : text;
}

/**
 * Encodes text for an unstructured header: printable ASCII stays as it is; non-ASCII words become RFC 2047
 * encoded words (libmime); text with a control character (a CR or LF decoded from an encoded word, NUL, ...)
 * or a word too long to fold becomes encoded words as a whole, so that no line break reaches the header.
 */
export function encodeHeaderText(text: string): string {
  // eslint-disable-next-line no-control-regex
  const controls = /[\x00-\x08\x0a-\x1f\x7f]/.test(text);
  const longWord = /[^ \t]{900}/.test(text);
  if (!controls && !longWord && /^[\x20-\x7e\t]*$/.test(text)) return text;
  if (controls || longWord) return libmime().encodeWord(text, 'Q', 52);
  return libmime().encodeWords(text, 'Q', 52);
}

/** Whether the line `data[pos..nl)` starts with a header field name and its colon. */
export function isFieldLine(data: Buffer, pos: number, nl: number): boolean {
  let i = pos;
  while (i < nl && data[i] > 32 && data[i] < 127 && data[i] !== 58) i++;
  if (i === pos) return false;
  while (i < nl && (data[i] === 32 || data[i] === 9)) i++;
  return data[i] === 58;
}
