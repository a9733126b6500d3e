import { escapeText, foldLine, serializeCalendar, utc, type IcsEvent } from './icalendar';

const event = (overrides: Partial<IcsEvent> = {}): IcsEvent => ({
  uid: '3f0c6e1a-9a51-4c55-9d4e-0a4b1e2f3a4b@tunet',
  title: 'Sommerfest',
  description: 'Grill og kaker',
  place: 'Gården',
  startsAt: new Date('2026-06-20T14:00:00.000Z'),
  endsAt: new Date('2026-06-20T19:30:00.000Z'),
  createdAt: new Date('2026-05-01T08:00:00.123Z'),
  revisedAt: new Date('2026-05-01T08:00:00.123Z'),
  cancelled: false,
  ...overrides,
});

const feed = (...events: IcsEvent[]) => serializeCalendar({ name: 'Solbakken borettslag', timeZone: 'Europe/Oslo', events });

/** The content lines as a calendar app reads them: unfolded, split on CRLF. */
const unfolded = (text: string) => text.replace(/\r\n /g, '').split('\r\n');

describe('iCalendar serialisation', () => {
  it('writes one VCALENDAR with the calendar name, time zone and one VEVENT per event, CRLF throughout', () => {
    const text = feed(event(), event({ uid: 'second@tunet' }));
    expect(text.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:')).toBe(true);
    expect(text.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const lines = unfolded(text);
    expect(lines).toContain('X-WR-CALNAME:Solbakken borettslag');
    expect(lines).toContain('X-WR-TIMEZONE:Europe/Oslo');
    expect(lines.filter((l) => l === 'BEGIN:VEVENT')).toHaveLength(2);
  });

  it('describes an event in UTC with a stable UID, DTSTAMP, location, description and status', () => {
    const lines = unfolded(feed(event()));
    const vevent = lines.slice(lines.indexOf('BEGIN:VEVENT'), lines.indexOf('END:VEVENT') + 1);
    expect(vevent).toEqual([
      'BEGIN:VEVENT',
      'UID:3f0c6e1a-9a51-4c55-9d4e-0a4b1e2f3a4b@tunet',
      'DTSTAMP:20260501T080000Z',
      'CREATED:20260501T080000Z',
      'LAST-MODIFIED:20260501T080000Z',
      'SEQUENCE:0',
      'DTSTART:20260620T140000Z',
      'DTEND:20260620T193000Z',
      'SUMMARY:Sommerfest',
      'LOCATION:Gården',
      'DESCRIPTION:Grill og kaker',
      'STATUS:CONFIRMED',
      'END:VEVENT',
    ]);
  });

  it('marks a cancelled event CANCELLED with a higher sequence, so subscribed apps replace their copy', () => {
    const lines = unfolded(feed(event({ cancelled: true, revisedAt: new Date('2026-06-01T12:00:00Z') })));
    expect(lines).toEqual(expect.arrayContaining(['STATUS:CANCELLED', 'SEQUENCE:1', 'DTSTAMP:20260601T120000Z']));
  });

  it('leaves out LOCATION and DESCRIPTION when they are empty', () => {
    const text = feed(event({ place: '', description: '' }));
    expect(text).not.toContain('LOCATION');
    expect(text).not.toContain('DESCRIPTION');
  });

  it('escapes backslash, semicolon, comma and every kind of line break in text', () => {
    expect(escapeText('a\\b;c,d')).toBe('a\\\\b\\;c\\,d');
    expect(escapeText('one\r\ntwo\nthree\rfour')).toBe('one\\ntwo\\nthree\\nfour');
    expect(escapeText('tab\tstays, bell\u0007 goes')).toBe('tab\tstays\\, bell goes');
    expect(unfolded(feed(event({ place: 'Blokk A; inngang 2, kjelleren' })))).toContain('LOCATION:Blokk A\\; inngang 2\\, kjelleren');
  });

  it('cannot be made to start a component or property through a title', () => {
    const title = 'Dugnad\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:evil\r\nSUMMARY:Gratis øl\nDTSTART:20000101T000000Z';
    const text = feed(event({ title, description: 'x\r\nBEGIN:VALARM', place: 'y\nEND:VCALENDAR' }));
    const lines = unfolded(text);
    expect(lines.filter((l) => l.startsWith('BEGIN:'))).toEqual(['BEGIN:VCALENDAR', 'BEGIN:VEVENT']);
    expect(lines.filter((l) => l.startsWith('END:'))).toEqual(['END:VEVENT', 'END:VCALENDAR']);
    expect(lines.filter((l) => l.startsWith('UID:'))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('DTSTART:'))).toEqual(['DTSTART:20260620T140000Z']);
    expect(lines).toContain(`SUMMARY:Dugnad\\nEND:VEVENT\\nBEGIN:VEVENT\\nUID:evil\\nSUMMARY:Gratis øl\\nDTSTART:20000101T000000Z`);
  });

  it('folds lines longer than 75 octets, counting the leading space of each continuation', () => {
    const line = `DESCRIPTION:${'a'.repeat(200)}`;
    const folded = foldLine(line);
    const parts = folded.split('\r\n');
    expect(parts.length).toBeGreaterThan(2);
    for (const part of parts) expect(Buffer.byteLength(part)).toBeLessThanOrEqual(75);
    expect(parts[0]).toHaveLength(75);
    expect(parts.slice(1).every((p) => p.startsWith(' '))).toBe(true);
    expect(folded.replace(/\r\n /g, '')).toBe(line);
    expect(foldLine('SUMMARY:short')).toBe('SUMMARY:short');
  });

  it('never splits a multi-octet character when folding', () => {
    const line = `SUMMARY:${'æøå🎉'.repeat(30)}`;
    const parts = foldLine(line).split('\r\n');
    for (const part of parts) {
      // A part that ended inside a character would not survive a round trip through UTF-8.
      const octets = Buffer.from(part, 'utf8');
      expect(octets.length).toBeLessThanOrEqual(75);
      expect(octets.toString('utf8')).not.toContain('\uFFFD');
    }
    expect(parts.length).toBeGreaterThan(4);
    expect(foldLine(line).replace(/\r\n /g, '')).toBe(line);
  });

  it('keeps every line of a whole feed within 75 octets', () => {
    const text = feed(event({ title: 'Å'.repeat(150), description: 'Lang tekst, med komma; og semikolon\n'.repeat(20) }));
    for (const line of text.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
  });

  it('writes instants as UTC without milliseconds', () => {
    expect(utc(new Date('2026-11-21T10:15:00.999+01:00'))).toBe('20261121T091500Z');
  });
});
