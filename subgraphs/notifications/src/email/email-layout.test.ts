import { escapeHtml, labelList, renderNotificationEmail } from './email-layout';

describe('e-mail layout', () => {
  it('escapes everything HTML would read', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('names categories as a sentence in each language', () => {
    expect(labelList('nb', ['news'])).toBe('«Nyheter»');
    expect(labelList('nb', ['news', 'events'])).toBe('«Nyheter» og «Arrangementer»');
    expect(labelList('en', ['news', 'comments', 'events'])).toBe('“News”, “Comments” and “Events”');
  });

  it('keeps the body’s paragraphs and line breaks', () => {
    const { text, html } = renderNotificationEmail({
      locale: 'nb',
      title: 'Vannet stenges',
      body: 'Tirsdag 10–14.\nBlokk A og B.\n\nBeklager ulempen.',
      important: false,
      actionUrl: null,
      footer: { categories: ['news'], unsubscribeUrl: 'https://tunet.test/unsubscribe/t', settingsUrl: null },
    });
    expect(text).toContain('Tirsdag 10–14.\nBlokk A og B.\n\nBeklager ulempen.\n');
    expect(html).toContain('>Tirsdag 10–14.<br>Blokk A og B.</p>');
    expect(html).toContain('>Beklager ulempen.</p>');
    expect(text).not.toContain('Åpne i Tunet');
  });
});
