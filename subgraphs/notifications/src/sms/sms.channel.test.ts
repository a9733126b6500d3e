import { smsSegments, smsText } from './sms.channel';

describe('smsSegments', () => {
  it('counts GSM 7-bit text, Norwegian letters included, at 160 and then 153 a segment', () => {
    expect(smsSegments('Blåbærsyltetøy på dugnaden')).toBe(1);
    expect(smsSegments('æ'.repeat(160))).toBe(1);
    expect(smsSegments('æ'.repeat(161))).toBe(2);
    expect(smsSegments('a'.repeat(306))).toBe(2);
    expect(smsSegments('a'.repeat(307))).toBe(3);
  });

  it('counts extension characters twice', () => {
    expect(smsSegments('€'.repeat(80))).toBe(1);
    expect(smsSegments('€'.repeat(81))).toBe(2);
  });

  it('counts anything else as UCS-2 at 70 and then 67 a segment', () => {
    expect(smsSegments('…'.repeat(70))).toBe(1);
    expect(smsSegments('…'.repeat(71))).toBe(2);
    expect(smsSegments(`${'a'.repeat(134)}😀`)).toBe(3);
  });
});

describe('smsText', () => {
  const link = 'https://app.tunet.test/posts/1';

  it('is the title and the link', () => {
    expect(smsText('Vannet stenges tirsdag', link)).toBe(`Vannet stenges tirsdag\n${link}`);
    expect(smsText('Vannet stenges tirsdag', null)).toBe('Vannet stenges tirsdag');
  });

  it('shortens a long title to three segments and keeps the link whole', () => {
    const text = smsText('Dugnad '.repeat(100).trim(), link);

    expect(smsSegments(text)).toBe(3);
    expect(text.endsWith(`...\n${link}`)).toBe(true);
    expect(smsSegments(`D${text}`)).toBe(4);
  });

  it('uses a real ellipsis when the title is UCS-2 anyway', () => {
    const text = smsText('Strømbrudd ⚡ '.repeat(30), link);

    expect(smsSegments(text)).toBe(3);
    expect(text.endsWith(`…\n${link}`)).toBe(true);
  });

  it('leaves out a link too long to fit', () => {
    const long = `https://app.tunet.test/${'x'.repeat(600)}`;

    expect(smsText('Vannet stenges', long)).toBe('Vannet stenges');
  });
});
