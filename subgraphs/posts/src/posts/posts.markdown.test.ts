import { excerptOf, imageFileIds, renderMarkdown } from './posts.markdown';

/**
 * Nothing in the HTML may run script, load a frame or style the page, and every URL is a plain web or mail link.
 * Escaped text (`&lt;img onerror=…&gt;`) is harmless: only real tags count.
 */
function expectHarmless(html: string): void {
  expect(html).not.toMatch(/<\s*(script|style|iframe|object|embed|svg|math|form|input|div)\b/i);
  expect(html).not.toMatch(/<[^>]*\son[a-z]+\s*=/i);
  for (const [tag] of html.matchAll(/<[a-z][^>]*>/gi)) {
    for (const [, url] of tag.matchAll(/\s(?:href|src)="([^"]*)"/gi)) expect(url).toMatch(/^(https?:\/\/|mailto:)/i);
  }
}

describe('post Markdown', () => {
  it('renders Markdown to HTML', () => {
    expect(renderMarkdown('# Dugnad\n\nTa med **rake** og _hansker_.\n\n- kaffe\n- vafler')).toBe(
      '<h1>Dugnad</h1>\n<p>Ta med <strong>rake</strong> og <em>hansker</em>.</p>\n<ul>\n<li>kaffe</li>\n<li>vafler</li>\n</ul>\n',
    );
  });

  it('gives links rel="nofollow noopener noreferrer", for inline, reference and autolinks alike', () => {
    const html = renderMarkdown('[Oslo](https://oslo.kommune.no) [ref][1] <https://example.no> www.example.no\n\n[1]: https://ref.example.no "Tittel"');
    expect(html.match(/<a /g)).toHaveLength(4);
    expect(html.match(/rel="nofollow noopener noreferrer"/g)).toHaveLength(4);
    expect(html).toContain('href="https://oslo.kommune.no"');
    expect(html).toContain('href="https://ref.example.no"');
    expect(html).toContain('href="http://www.example.no"');
  });

  it.each([
    ['a script tag', '<script>alert(1)</script>'],
    ['a style tag', '<style>body { display: none }</style>'],
    ['an iframe', '<iframe src="https://evil.example"></iframe>'],
    ['an img with onerror', '<img src=x onerror=alert(1)>'],
    ['a raw HTML block with an event attribute', '<div onclick="alert(1)">\n\nklikk\n\n</div>'],
    ['an svg with onload', '<svg onload=alert(1)>'],
    ['a javascript: link', '[x](javascript:alert(1))'],
    ['a mixed-case JaVaScRiPt: link', '[x](JaVaScRiPt:alert(1))'],
    ['an entity-encoded javascript: link', '[x](&#106;avascript:alert(1))'],
    ['a hex-entity javascript: link', '[x](&#x6A;&#x61;vascript:alert(1))'],
    ['a javascript: link with a tab entity', '[x](java&#x09;script:alert(1))'],
    ['a percent-encoded javascript: link', '[x](%6Aavascript:alert(1))'],
    ['a javascript: link with leading spaces', '[x]( javascript:alert(1))'],
    ['a javascript: autolink', '<javascript:alert(1)>'],
    ['a javascript: reference link', '[x][1]\n\n[1]: javascript:alert(1)'],
    ['a vbscript: link', '[x](vbscript:msgbox(1))'],
    ['a data: link', '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)'],
    ['a data: image', '![x](data:image/png;base64,iVBORw0KGgo=)'],
    ['an image with a javascript: source', '![x](javascript:alert(1))'],
    ['a relative link', '[x](/graphql?query=mutation)'],
    ['a link title breaking out of its attribute', '[x](https://example.no "a\\" onmouseover=\\"alert(1))'],
    ['HTML inside a link text', '[<img src=x onerror=alert(1)>](https://example.no)'],
  ])('neutralises %s', (_case, source) => {
    expectHarmless(renderMarkdown(source));
  });

  it('keeps raw HTML as visible text rather than dropping what the author wrote', () => {
    expect(renderMarkdown('<script>alert(1)</script>')).toBe('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n');
  });

  describe('images', () => {
    const id = '0b0e4a2c-3f4d-4e5a-8b6c-7d8e9fa0b1c2';
    const fresh = `https://tunet.example/files/${id}/display?exp=2&sig=new`;

    it('shows an image from another host as a plain link to it, so reading a post calls no stranger', () => {
      expect(renderMarkdown('![x](https://tracker.example/p.gif)')).toBe(
        '<p><a href="https://tracker.example/p.gif" rel="nofollow noopener noreferrer">x</a></p>\n',
      );
      expect(renderMarkdown('![](http://example.no/bod.jpg)')).toBe(
        '<p><a href="http://example.no/bod.jpg" rel="nofollow noopener noreferrer">http://example.no/bod.jpg</a></p>\n',
      );
      expect(renderMarkdown('![<b>x</b>](https://tracker.example/p.gif "t")')).not.toMatch(/<img|<b>/);
    });

    it("shows the post's own attached image by a fresh link, whatever expired link or origin the author pasted", () => {
      const images = new Map([[id, fresh]]);
      const expected = `<p><img alt="Bod" src="https://tunet.example/files/${id}/display?exp=2&amp;sig=new" /></p>\n`;
      expect(renderMarkdown(`![Bod](/files/${id}/display?exp=1&sig=old)`, images)).toBe(expected);
      expect(renderMarkdown(`![Bod](https://old.tunet.example/files/${id}/thumbnail?exp=1&sig=old)`, images)).toBe(expected);
      expect(renderMarkdown(`![Bod](/files/${id})`, images)).toBe(expected);
    });

    it('shows only the alt text for a Tunet file that is not an image attached to this post', () => {
      expect(renderMarkdown(`![Bod](/files/${id}/display)`)).toBe('<p>Bod</p>\n');
    });

    it('finds the Tunet files the images ask for, so only those are signed', () => {
      const other = '1c1f5b3d-4a5e-4f6b-9c7d-8e9fa0b1c2d3';
      expect(
        imageFileIds(`![a](/files/${id}/display?exp=1) ![b](https://x.example/files/${other}) ![c](https://tracker.example/p.gif) [d](/files/${other})`),
      ).toEqual([id, other]);
      expect(imageFileIds('Ingen bilder her.')).toEqual([]);
    });
  });

  describe('excerpt', () => {
    it('is the text without Markdown or HTML entities', () => {
      expect(excerptOf('# Vann\n\nStenges **tirsdag** kl. 09 & `hovedkran` <b>A</b>.\n\n[Les mer](https://example.no)')).toBe(
        'Vann Stenges tirsdag kl. 09 & hovedkran <b>A</b>. Les mer',
      );
    });

    it('is cut at a word near 200 characters', () => {
      const excerpt = excerptOf(`${'dugnad '.repeat(60)}slutt`);
      expect(excerpt.length).toBeLessThanOrEqual(201);
      expect(excerpt.endsWith('dugnad…')).toBe(true);
    });

    it('keeps short texts whole', () => {
      expect(excerptOf('Hei alle sammen!')).toBe('Hei alle sammen!');
    });
  });
});
