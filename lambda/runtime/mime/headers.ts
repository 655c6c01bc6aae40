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
}

const CRLF = Buffer.from('\r\n');

/**
 * A part's header block. Fields nobody changed are written back byte for byte; a changed or added field
 * is folded with libmime at 76 columns and ends in CRLF.
 */
export class HeaderBlock {
  /** Parses a header block (the bytes before the empty line, each line ending in CRLF). */
  public static parse(bytes: Buffer): HeaderBlock {
    const fields: Field[] = [];
    let pos = 0;
    while (pos < bytes.length) {
      let end = bytes.indexOf(10, pos);
      end = end === -1 ? bytes.length : end + 1;
      // Continuation lines (leading SP/HT) belong to the field before them.
      while (end < bytes.length && (bytes[end] === 32 || bytes[end] === 9)) {
        const next = bytes.indexOf(10, end);
        end = next === -1 ? bytes.length : next + 1;
      }
      const raw = bytes.subarray(pos, end);
      const text = raw.toString('latin1');
      const colon = text.indexOf(':');
      const name = colon > 0 ? text.slice(0, colon).trim() : '';
      const value = colon > 0 ? text.slice(colon + 1).replace(/\r?\n[ \t]/g, ' ').replace(/\r?\n$/, '').trim() : '';
      fields.push({ name, key: name.toLowerCase(), raw, value });
      pos = end;
    }
    return new HeaderBlock(fields);
  }

  private changed = false;

  private constructor(private readonly fields: Field[]) {}

  /** Whether any field was set, added or removed. */
  public get isChanged(): boolean {
    return this.changed;
  }

  /** The raw (undecoded) value of the first field with this name. */
  public get(name: string): string | undefined {
    const key = name.toLowerCase();
    return this.fields.find((f) => f.key === key)?.value;
  }

  /** Every field's name and raw value, in order. */
  public entries(): Array<[string, string]> {
    return this.fields.filter((f) => f.name).map((f) => [f.name, f.value]);
  }

  /**
   * Sets a field to an already encoded (7-bit) value: the first field of that name is replaced in place,
   * further ones are removed (WorkMail rejects repeated unique headers); added at the end when absent.
   */
  public set(name: string, encodedValue: string): void {
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

  /** The header block as bytes, without the empty line that ends it. */
  public toBuffer(): Buffer {
    const out: Buffer[] = [];
    for (const f of this.fields) {
      if (f.raw) {
        out.push(f.raw);
        // A last field without a line end (headers cut short) still gets one: the empty line follows.
        if (f.raw[f.raw.length - 1] !== 10) out.push(CRLF);
      } else {
        out.push(Buffer.from(foldHeader(f.name, f.value), 'latin1'));
      }
    }
    return Buffer.concat(out);
  }
}

/** `Name: value` folded at 76 columns with CRLF line ends (libmime's folding), ending in CRLF. */
export function foldHeader(name: string, value: string): string {
  const line = `${name}: ${value}`;
  // A line that needs no folding is what libmime would return too: no need to load it.
  if (line.length <= 76 && !/[\r\n]/.test(line)) return `${line}\r\n`;
  return libmime().foldLines(line, 76).replace(/\r?\n/g, '\r\n') + '\r\n';
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

/** Encodes text for a header: ASCII stays as is, other text becomes RFC 2047 encoded words (libmime). */
export function encodeHeaderText(text: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\x20-\x7e\t]*$/.test(text)) return text;
  return libmime().encodeWords(text, 'Q', 52);
}
