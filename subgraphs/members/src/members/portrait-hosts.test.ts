import { parsePortraitHosts, portraitAllowed } from './portrait-hosts';

describe('portrait hosts', () => {
  const hosts = parsePortraitHosts(' Bilder.Solbakken.no, cdn.tunet.example ,,');

  it('reads the deployment list as lower-case host names', () => {
    expect(hosts).toEqual(['bilder.solbakken.no', 'cdn.tunet.example']);
    expect(parsePortraitHosts(undefined)).toEqual([]);
  });

  it('reads a listed host as browsers name it: a national character in punycode, no trailing dot', () => {
    const listed = parsePortraitHosts('Bilder.Bø.no, cdn.tunet.example.');
    expect(portraitAllowed('https://bilder.bø.no/ola.jpg', listed)).toBe(true);
    expect(portraitAllowed('https://cdn.tunet.example/ola.jpg', listed)).toBe(true);
  });

  it('allows https portraits on a listed host only, exactly that host', () => {
    expect(portraitAllowed('https://bilder.solbakken.no/ola.jpg', hosts)).toBe(true);
    expect(portraitAllowed('https://BILDER.solbakken.no/ola.jpg', hosts)).toBe(true);
    expect(portraitAllowed('https://tracker.example/p.gif', hosts)).toBe(false);
    expect(portraitAllowed('https://bilder.solbakken.no.tracker.example/p.gif', hosts)).toBe(false);
    expect(portraitAllowed('https://evil.example/bilder.solbakken.no/p.gif', hosts)).toBe(false);
    expect(portraitAllowed('https://bilder.solbakken.no@tracker.example/p.gif', hosts)).toBe(false);
    expect(portraitAllowed('https://bilder.solbakken.no:8443/ola.jpg', hosts)).toBe(false);
    expect(portraitAllowed('http://bilder.solbakken.no/ola.jpg', hosts)).toBe(false);
    expect(portraitAllowed('not a url', hosts)).toBe(false);
  });

  it('allows no external portrait at all when the deployment lists no host', () => {
    expect(portraitAllowed('https://bilder.solbakken.no/ola.jpg', [])).toBe(false);
  });
});
