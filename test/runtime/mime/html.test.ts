/**
 * The HTML end of body (lambda/runtime/mime/html.ts) against parse5's tokenizer, the WHATWG tokenizer that
 * parse5 (and so jsdom) runs: the last `</body>` end tag it reads is where the disclaimer goes; without one,
 * what we write before the disclaimer leaves the tokenizer in its data state, so the disclaimer is markup.
 */
import fc from 'fast-check';
import { Tokenizer, TokenizerMode } from 'parse5';
import { htmlInsertion } from '../../../lambda/runtime/mime/html';
import { appendText, insertHtml } from '../../../lambda/runtime/mime/disclaimer';

// What parse5's tree builder tells its tokenizer after a start tag (scripting on, as in a browser).
const MODES: Record<string, number> = {
  script: TokenizerMode.SCRIPT_DATA, style: TokenizerMode.RAWTEXT, xmp: TokenizerMode.RAWTEXT, iframe: TokenizerMode.RAWTEXT,
  noembed: TokenizerMode.RAWTEXT, noframes: TokenizerMode.RAWTEXT, noscript: TokenizerMode.RAWTEXT,
  textarea: TokenizerMode.RCDATA, title: TokenizerMode.RCDATA, plaintext: TokenizerMode.PLAINTEXT,
};

/** parse5's view: the offset of the last </body> end tag, and the start tags it read. */
function tokenize(html: string): { lastBody: number; startTags: string[] } {
  let lastBody = -1;
  const startTags: string[] = [];
  const noop = (): void => undefined;
  const tokenizer: Tokenizer = new Tokenizer({ sourceCodeLocationInfo: true }, {
    onStartTag(token: { tagName: string }) {
      startTags.push(token.tagName);
      const mode = MODES[token.tagName];
      if (mode !== undefined) {
        tokenizer.state = mode;
        (tokenizer as unknown as { lastStartTagName: string }).lastStartTagName = token.tagName;
      }
    },
    onEndTag(token: { tagName: string; location?: { startOffset: number } }) {
      if (token.tagName === 'body') lastBody = token.location!.startOffset;
    },
    onCharacter: noop, onNullCharacter: noop, onWhitespaceCharacter: noop, onComment: noop, onDoctype: noop, onEof: noop, onParseError: null,
  } as never);
  tokenizer.write(html, true);
  return { lastBody, startTags };
}

const FRAGMENTS = ['<body>', '</body>', '</BODY >', '</body x="</body>">', '<!--', '-->', '<!-->', '--!>', '<script>', '</script>', '<SCRIPT>', '<style>', '</style>',
  '<textarea>', '</textarea>', '<title>', '</title>', '<xmp>', '</xmp>', '<noscript>', '</noscript>', '"', "'", '<p a="', "<p a='", '<p a=x>', '<div title=x>', '>', '<', '</',
  '</ >', '<!DOCTYPE html>', '<?x?>', '<!x>', 'text', ' ', '\n', '-', '<p>', '</p>', '<script><!--', '<script>', '<plaintext>', '&amp;', '<a\n href="x">'];
const html = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 30 }).map((a) => a.join(''));

test('the insertion point is parse5\'s last </body> end tag; without one, the prefix returns the tokenizer to data', () => {
  fc.assert(
    fc.property(html, (h) => {
      const ours = htmlInsertion(h);
      const theirs = tokenize(h);
      if (theirs.lastBody !== -1 || ours.prefix === '' && ours.at !== h.length) {
        expect(ours).toEqual({ at: theirs.lastBody, prefix: '' });
      } else if (!/<plaintext>/i.test(h)) {
        expect(ours.at).toBe(h.length);
        // The disclaimer after the prefix is read as a start tag: markup, not comment, script or attribute text.
        const after = tokenize(`${h}${ours.prefix}<marker>`);
        expect(after.startTags[after.startTags.length - 1]).toBe('marker');
      }
    }),
    { numRuns: 3000 },
  );
});

test.each([
  ['after the last real </body>, not a decoy in a comment', '<html><body>x</body></html>\n<!-- </body> -->', 13],
  ['not in a script string', '<body>x</body><script>var s = "</body>";</script>', 7],
  ['not in an attribute value', '<body><a title="</body>">x</a></body>', 30],
  ['not in a CDATA section (read as one, as in SVG)', '<body><svg><![CDATA[ a > </body> ]]></svg></body>', 42],
  ['not in a double-escaped script', '<body>x</body><script><!--<script></script></body>--></script>', 7],
])('%s', (_why, h, at) => {
  expect(htmlInsertion(h)).toEqual({ at, prefix: '' });
});

test('an unterminated comment, script or tag is closed before the disclaimer', () => {
  expect(htmlInsertion('<p>x</p><!-- open')).toEqual({ at: 17, prefix: '-->' });
  expect(htmlInsertion('<p>x<script>var a = 1;')).toEqual({ at: 22, prefix: '</script>' });
  expect(htmlInsertion('<p title="x')).toEqual({ at: 11, prefix: '">' });
  expect(insertHtml('<p>x</p><!-- open', '<p>D</p>')).toBe('<p>x</p><!-- open--><p>D</p>\r\n');
});

test('idempotent: a body that already ends with the disclaimer is returned as it is', () => {
  fc.assert(
    fc.property(html, fc.constantFrom('<p>D</p>', '<div class="d">Confidential – ü</div>'), (h, d) => {
      const once = insertHtml(h, d);
      expect(insertHtml(once, d)).toBe(once);
    }),
    { numRuns: 1000 },
  );
  fc.assert(
    fc.property(fc.string({ maxLength: 80 }), fc.constantFrom('Disclaimer.', 'Line one\nline two'), (body, d) => {
      const once = appendText(body, d);
      expect(appendText(once, d)).toBe(once);
    }),
  );
});
