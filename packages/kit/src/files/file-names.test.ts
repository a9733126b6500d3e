import { contentDisposition, MAX_FILE_NAME_LENGTH, sanitiseFileName } from './file-names';
import { DOCX } from './sniff';

describe('sanitiseFileName', () => {
  it.each([
    ['keeps an ordinary Norwegian name', 'Årsmøte 2026 – innkalling.pdf', 'application/pdf', 'Årsmøte 2026 – innkalling.pdf'],
    ['neutralises a script tag', '<script>alert(1)</script>.png', 'image/png', '_script_alert(1)__script_.png'],
    ['neutralises markup in attributes', '"><img src=x onerror=alert(1)>.jpg', 'image/jpeg', '___img src=x onerror=alert(1)_.jpg'],
    ['removes the path', '../../etc/passwd', 'text/plain', '_._etc_passwd.txt'],
    ['removes a Windows path', 'C:\\Users\\ola\\bilde.jpeg', 'image/jpeg', 'C__Users_ola_bilde.jpeg'],
    ['drops a right-to-left override that disguises the extension', 'faktura\u202Efdp.exe', 'application/pdf', 'fakturafdp.exe.pdf'],
    ['drops control characters that would split a header', 'a\r\nContent-Type: text/html\u0000.txt', 'text/plain', 'aContent-Type_ text_html.txt'],
    ['drops zero-width characters', 'vedt\u200Bekter.pdf', 'application/pdf', 'vedtekter.pdf'],
    ['unhides a dot file', '.htaccess', 'text/plain', 'htaccess.txt'],
    ['gives a page disguised as text a text extension', 'side.html', 'text/plain', 'side.html.txt'],
    ['corrects an extension the content contradicts', 'rapport.pdf', DOCX, 'rapport.pdf.docx'],
    ['accepts any extension of the type', 'bilde.JPG', 'image/jpeg', 'bilde.JPG'],
    ['names a nameless file', ' .. ', 'application/pdf', 'file.pdf'],
  ])('%s', (_case, raw, type, expected) => {
    expect(sanitiseFileName(raw, type)).toBe(expected);
  });

  it('shortens long names to 200 characters, keeping the extension and whole characters', () => {
    const name = sanitiseFileName(`${'😀'.repeat(300)}.pdf`, 'application/pdf');
    expect(Array.from(name)).toHaveLength(MAX_FILE_NAME_LENGTH);
    expect(name.endsWith('😀.pdf')).toBe(true);
    // A split surrogate pair would not survive encoding as UTF-8.
    expect(Buffer.from(name).toString()).toBe(name);
  });
});

describe('contentDisposition', () => {
  it('downloads other files as attachments, with the real name in filename*', () => {
    expect(contentDisposition('Årsmøte "2026".pdf', false)).toBe(
      `attachment; filename="_rsm_te _2026_.pdf"; filename*=UTF-8''%C3%85rsm%C3%B8te%20%222026%22.pdf`,
    );
  });

  it('shows images inline', () => {
    expect(contentDisposition('bilde.jpg', true)).toBe(`inline; filename="bilde.jpg"; filename*=UTF-8''bilde.jpg`);
  });

  it('escapes what RFC 5987 reserves', () => {
    expect(contentDisposition("ola's (kopi)*.txt", false)).toContain(`filename*=UTF-8''ola%27s%20%28kopi%29%2A.txt`);
  });
});
