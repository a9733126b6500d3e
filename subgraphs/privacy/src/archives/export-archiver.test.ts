import type { PrivacyExportAnswer } from '@tunet/kit';
import { unzipSync } from 'fflate';
import { ExportArchiver } from './export-archiver';
import type { ArchiveContext } from './archive-summary.rules';
import { MemoryStorage, sampleAnswers } from './archives.fixtures';

const ASSOCIATION = '11111111-1111-4111-8111-111111111111';
const REQUEST = '22222222-2222-4222-8222-222222222222';
const MEMBER = '33333333-3333-4333-8333-333333333333';
const FILE = '44444444-4444-4444-8444-444444444444';

const [members, posts] = sampleAnswers(MEMBER, FILE) as [PrivacyExportAnswer, PrivacyExportAnswer];

/** UTF-8 as stored, byte-order mark included. */
const strFromU8 = (bytes: Uint8Array | undefined) => Buffer.from(bytes ?? []).toString('utf8');

const context: ArchiveContext = {
  associationName: 'Solbakken borettslag',
  timeZone: 'Europe/Oslo',
  privacyContact: 'personvern@solbakken.no',
  purposes: [
    { name: { nb: 'Beboerregister', en: 'Register of residents' }, lawfulBasis: 'contract', description: { nb: 'Hvem som bor hvor', en: 'Who lives where' } },
  ],
  subProcessors: null,
};

async function build(parts = [members, posts]) {
  const storage = new MemoryStorage();
  const fetched: string[] = [];
  const archiver = new ExportArchiver(
    storage,
    async () => context,
    () => new Date('2026-03-01T11:00:00Z'),
  );
  const built = await archiver.build({
    associationId: ASSOCIATION,
    requestId: REQUEST,
    memberId: MEMBER,
    parts: parts.map((answer) => ({ subgraph: answer.subgraph, answer })),
    fetchFile: async (subgraph, fileId) => {
      fetched.push(`${subgraph}/${fileId}`);
      return Buffer.from('%PDF-1.7\n');
    },
  });
  const stored = storage.objects.get(built.archiveKey);
  if (!stored) throw new Error('archive not stored');
  return { built, fetched, files: unzipSync(stored) };
}

describe('the export archive', () => {
  it('is stored under the request with its size', async () => {
    const { built, files } = await build();
    expect(built.archiveKey).toBe(`${ASSOCIATION}/${REQUEST}/archive`);
    expect(built.sizeBytes).toBeGreaterThan(0);
    expect(Object.keys(files).sort()).toEqual([
      'files/posts/44444444-4444-4444-8444-444444444444-_.._årsmøte.pdf',
      'members.json',
      'members/members.csv',
      'members/sessions.csv',
      'posts.json',
      'posts/posts.csv',
      'summary.en.md',
      'summary.nb.md',
    ]);
  });

  it('holds each subgraph answer as JSON and each table as CSV with a BOM, formulas defused', async () => {
    const { files } = await build();
    expect(JSON.parse(strFromU8(files['members.json']))).toEqual(members);
    expect(strFromU8(files['members/members.csv'])).toBe(`\uFEFFid,name,phone,address\r\n${MEMBER},Åse Ødegård,'+4791234567,"Storgata 1, 0155 Oslo"\r\n`);
    expect(strFromU8(files['posts/posts.csv'])).toBe(`\uFEFFid,body\r\np1,"'=cmd|""/c calc""!A1"\r\n`);
  });

  it('holds the uploaded files, fetched from the subgraph that listed them', async () => {
    const { files, fetched } = await build();
    expect(fetched).toEqual([`posts/${FILE}`]);
    expect(strFromU8(files[`files/posts/${FILE}-_.._årsmøte.pdf`])).toBe('%PDF-1.7\n');
  });

  it('summarises purposes, recipients, retention, the right to complain and the contact in Norwegian and English', async () => {
    const { files } = await build();
    const nb = strFromU8(files['summary.nb.md']);
    expect(nb).toContain('Utlevert av Solbakken borettslag (behandlingsansvarlig)');
    expect(nb).toContain('laget 2026-03-01 12:00');
    expect(nb).toContain('**Beboerregister** — avtale (art. 6 nr. 1 b): Hvem som bor hvor');
    expect(nb).toContain('Registeret over underdatabehandlere kunne ikke leses');
    expect(nb).toContain('| posts | posts | 1 | berettiget interesse (art. 6 nr. 1 f) | 2031-12-31 | Kept \\| with "pipes" |');
    expect(nb).toContain('| members | sessions | 0 | avtale (art. 6 nr. 1 b) | så lenge grunnlaget varer |  |');
    expect(nb).toContain('Datatilsynet: Postboks 458 Sentrum, 0105 Oslo');
    expect(nb).toContain('personvern@solbakken.no');
    const en = strFromU8(files['summary.en.md']);
    expect(en).toContain('Provided by Solbakken borettslag (the controller)');
    expect(en).toContain('**Register of residents** — contract (art. 6(1)(b)): Who lives where');
    expect(en).toContain('https://www.datatilsynet.no');
    expect(en).toContain('- `members/members.csv`');
  });

  it('refuses two parts of one subgraph rather than overwrite one with the other', async () => {
    await expect(build([members, members])).rejects.toThrow('one part per subgraph');
  });
});
