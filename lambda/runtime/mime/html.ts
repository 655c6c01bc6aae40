/**
 * Where an HTML disclaimer goes: before the last `</body>` end tag that an HTML tokenizer (WHATWG HTML,
 * "Tokenization") reads as an end tag, never one inside a comment, a script, a style, a title or textarea, a
 * CDATA section or an attribute value. Without one, at the end, after whatever closes the construct the
 * text ends in (an unterminated comment, script, tag, ...), so that the disclaimer is not swallowed by it.
 *
 * Hand-written: the registry's tokenizers were measured against it (docs/mime.md, "HTML end of body"):
 * htmlparser2's and parse5's carry about 170-190 KB and 16-27 ms of loading for this one question.
 * test/runtime/mime/html.test.ts checks every answer against parse5's tokenizer.
 */

/** Where to insert, and what to write before the disclaimer there. */
export interface HtmlInsertion {
  /** Index in the text (UTF-16 units) to insert at. */
  readonly at: number;
  /** Text that closes what the input left open at its end (`-->`, `</script>`, ...), when inserting at the end. */
  readonly prefix: string;
}

const RAWTEXT = new Set(['style', 'xmp', 'iframe', 'noembed', 'noframes', 'noscript', 'textarea', 'title']);

/** ASCII-lower-case comparison of `text` at `at` with a lower-case `word`. */
function startsWithCi(text: string, at: number, word: string): boolean {
  if (at + word.length > text.length) return false;
  for (let i = 0; i < word.length; i++) {
    let c = text.charCodeAt(at + i);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== word.charCodeAt(i)) return false;
  }
  return true;
}

const isAlpha = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 12 || c === 13;
/** A character that ends a tag name in `</name` (whitespace, `/`, `>`). */
const endsName = (text: string, at: number): boolean => at >= text.length || isSpace(text.charCodeAt(at)) || text[at] === '/' || text[at] === '>';

/** Reads a tag's attributes from `at` (just after its name): the index after its `>`, or the closer needed at the end. */
function skipTag(text: string, at: number): number | { close: string } {
  let i = at;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 62) return i + 1; // '>'
    if (isSpace(c) || c === 47) {
      i++;
      continue;
    }
    // An attribute name (may start with '='), up to whitespace, '/', '>' or '='.
    i++;
    while (i < n && !isSpace(text.charCodeAt(i)) && text[i] !== '/' && text[i] !== '>' && text[i] !== '=') i++;
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    if (text[i] !== '=') continue;
    i++;
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    const q = text[i];
    if (q === '"' || q === "'") {
      const end = text.indexOf(q, i + 1);
      if (end === -1) return { close: `${q}>` };
      i = end + 1;
    } else {
      while (i < n && !isSpace(text.charCodeAt(i)) && text[i] !== '>') i++;
    }
  }
  return { close: '>' };
}

/** Script data with its escape states: the index of the `</script` that ends it, or the closer needed. */
function skipScript(text: string, at: number): number | { close: string } {
  let state: 'data' | 'escaped' | 'double' = 'data';
  let i = at;
  for (;;) {
    const lt = text.indexOf('<', i);
    const dash = state === 'data' ? -1 : text.indexOf('-->', i);
    if (dash !== -1 && (lt === -1 || dash < lt)) {
      state = 'data';
      i = dash + 3;
      continue;
    }
    if (lt === -1) return { close: state === 'data' ? '</script>' : '--></script>' };
    if (text[lt + 1] === '/' && startsWithCi(text, lt + 2, 'script') && endsName(text, lt + 8)) {
      if (state !== 'double') return lt;
      state = 'escaped';
      i = lt + 8;
    } else if (state === 'data' && text.startsWith('<!--', lt)) {
      state = 'escaped';
      // "<!--" may close at once: "<!-->" leaves the escape again.
      i = lt + 2;
    } else if (state === 'escaped' && startsWithCi(text, lt + 1, 'script') && endsName(text, lt + 7)) {
      state = 'double';
      i = lt + 7;
    } else {
      i = lt + 1;
    }
  }
}

/** The end of raw text or RCDATA: the index of the `</name` that ends it, or -1. */
function skipRawText(text: string, at: number, name: string): number {
  for (let i = text.indexOf('</', at); i !== -1; i = text.indexOf('</', i + 2)) {
    if (startsWithCi(text, i + 2, name) && endsName(text, i + 2 + name.length)) return i;
  }
  return -1;
}

/** Where the disclaimer goes in `html`. */
export function htmlInsertion(html: string): HtmlInsertion {
  let lastBody = -1;
  let i = 0;
  const n = html.length;
  const atEnd = (close: string): HtmlInsertion => (lastBody !== -1 ? { at: lastBody, prefix: '' } : { at: n, prefix: close });
  while (i < n) {
    const lt = html.indexOf('<', i);
    if (lt === -1) break;
    const c1 = html.charCodeAt(lt + 1);
    if (html.startsWith('<!--', lt)) {
      if (html.startsWith('<!-->', lt)) { i = lt + 5; continue; }
      if (html.startsWith('<!--->', lt)) { i = lt + 6; continue; }
      // A comment ends at "-->" or "--!>".
      let end = html.indexOf('--', lt + 4);
      while (end !== -1 && html[end + 2] !== '>' && !(html[end + 2] === '!' && html[end + 3] === '>')) end = html.indexOf('--', end + 1);
      if (end === -1) return atEnd('-->');
      i = end + (html[end + 2] === '>' ? 3 : 4);
    } else if (html.startsWith('<![CDATA[', lt)) {
      // CDATA is a section only in SVG/MathML, a bogus comment elsewhere; read as a section, a "</body>" in it is never taken.
      const end = html.indexOf(']]>', lt + 9);
      if (end === -1) return atEnd(']]>');
      i = end + 3;
    } else if (c1 === 33 || c1 === 63 || (c1 === 47 && !isAlpha(html.charCodeAt(lt + 2)) && html[lt + 2] !== '>')) {
      // <!DOCTYPE ...>, <?...>, </ followed by a non-letter: a bogus comment up to the next '>'.
      const end = html.indexOf('>', lt + 2);
      if (end === -1) return atEnd('>');
      i = end + 1;
    } else if (c1 === 47 && html[lt + 2] === '>') {
      i = lt + 3;
    } else if (c1 === 47 || isAlpha(c1)) {
      const endTag = c1 === 47;
      let k = lt + (endTag ? 2 : 1);
      const nameStart = k;
      while (k < n && !endsName(html, k)) k++;
      const name = html.slice(nameStart, k).toLowerCase();
      const after = skipTag(html, k);
      if (typeof after !== 'number') return atEnd(after.close);
      i = after;
      if (endTag) {
        if (name === 'body') lastBody = lt;
      } else if (name === 'plaintext') {
        return atEnd('');
      } else if (name === 'script') {
        const end = skipScript(html, i);
        if (typeof end !== 'number') return atEnd(end.close);
        i = end;
      } else if (RAWTEXT.has(name)) {
        const end = skipRawText(html, i, name);
        if (end === -1) return atEnd(`</${name}>`);
        i = end;
      }
    } else {
      i = lt + 1;
    }
  }
  return atEnd('');
}
