/**
 * The MIME libraries, loaded on first use. libmime alone takes about 100 ms to load on a Lambda-sized CPU:
 * a handler that imports `cdk-workmail-lambda/runtime` for its events and responses, or that rewrites a
 * message only for some events, should not pay that at every cold start. Each accessor `require`s its package
 * with a literal specifier: in the ES module build for bundlers, scripts/bundle.mjs bundles this file with the
 * packages (their Node built-ins as imports, which ES module output needs), each evaluated at its first use;
 * Node's own builds leave the `require` to Node.
 */
import type * as IconvLite from 'iconv-lite';
import type * as LibBase64 from 'libbase64';
import type { Libmime } from 'libmime';
import type * as Charsets from 'libmime/lib/charset';
import type * as LibQp from 'libqp';

let libmimeInstance: Libmime | undefined;
let iconvModule: typeof IconvLite | undefined;
let charsetModule: typeof Charsets | undefined;
let qpModule: typeof LibQp | undefined;
let base64Module: typeof LibBase64 | undefined;

/** libmime: header parameters, RFC 2047 encoded words, folding. */
export function libmime(): Libmime {
  return (libmimeInstance ??= new (require('libmime') as typeof import('libmime')).Libmime());
}

/** iconv-lite: encoding edited text back into the part's charset. */
export function iconv(): typeof IconvLite {
  return (iconvModule ??= require('iconv-lite'));
}

/** libmime's charset module: decodes what iconv-lite cannot alone (ISO-2022-JP) and normalises charset names. */
export function charsets(): typeof Charsets {
  return (charsetModule ??= require('libmime/lib/charset'));
}

/** libqp: quoted-printable. */
export function libqp(): typeof LibQp {
  return (qpModule ??= require('libqp'));
}

/** libbase64: base64 with line wrapping. */
export function libbase64(): typeof LibBase64 {
  return (base64Module ??= require('libbase64'));
}
