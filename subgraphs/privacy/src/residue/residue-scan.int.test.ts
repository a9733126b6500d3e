import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { closeFastStore, type FastStore } from '@tunet/kit';
import { openTestDatabase, openTestRedis, type TestDatabase } from '@tunet/kit/src/kit.fixtures';
import { allowedResidue, type AllowedResidue } from './residue-allow-list';
import { needleList, residue, residueScan, tooShort, type Needles } from './residue-scan';

const KARI = '3f1c2b9e-6d0a-4c55-9a51-2b7f0d3e8c11';
const OTHER = '9a0e6a47-1d7b-4a0f-8c3d-5e2f1b7c9d22';
const needles: Needles = {
  names: ['Kari Nordmann'],
  emails: ['kari@example.no'],
  phones: ['+47 912 34 567'],
  ids: [KARI],
  texts: ['Kari sitt vedlegg'],
};

describe('residue scan', () => {
  let db: TestDatabase;
  let store: FastStore;
  let files: string;

  beforeAll(async () => {
    db = await openTestDatabase();
    store = await openTestRedis();
    files = await mkdtemp(path.join(tmpdir(), 'residue-'));
    // A synthetic subgraph schema: the scan reads its columns from the catalogue, none are named to it.
    await db.connection.ownerTransaction(async (tx) => {
      for (const statement of [
        `create schema probe`,
        `create table probe.people (id uuid primary key, name text, contact jsonb, phones text[], note varchar(200), seen_by uuid[])`,
        `create table probe.clean (id uuid primary key, body text)`,
        `insert into probe.people values ('${KARI}', 'Kari Nordmann', '{"email":"KARI@example.no"}', null, null, null), ('${OTHER}', 'Ola', null, array['91234567'], 'ringte Kari Nordmann', array['${KARI}'::uuid])`,
        `insert into probe.clean values ('${OTHER}', 'nothing here')`,
      ]) {
        await tx.execute(sql.raw(statement));
      }
    });
    if (store.kind !== 'redis') throw new Error('the residue scan reads a real Redis stream');
    await store.client.xadd(`${store.namespace}:events`, '*', 'event', JSON.stringify({ payload: { email: 'kari@example.no' } }));
    await store.client.xadd(`${store.namespace}:events`, '*', 'event', JSON.stringify({ payload: { memberId: OTHER } }));
    await mkdir(path.join(files, OTHER, KARI), { recursive: true });
    await writeFile(path.join(files, OTHER, KARI, 'original'), Buffer.from('%PDF-1.4 Kari sitt vedlegg'));
    await mkdir(path.join(files, OTHER, OTHER), { recursive: true });
    await writeFile(path.join(files, OTHER, OTHER, 'original'), Buffer.from('someone else'));
  });

  afterAll(async () => {
    await rm(files, { recursive: true, force: true });
    await closeFastStore(store);
    await db.drop();
  });

  it('finds the person in every kind of column, in the stream and in stored files, and nothing in clean places', async () => {
    const hits = await residueScan({ database: db.connection, schemas: ['probe'], store, filesRoot: files }, needles);
    const found = hits.map((hit) => `${hit.location} ${hit.needle} ${hit.count}`).sort();
    expect(found).toEqual(
      [
        `files ${KARI} 1`,
        'files kari sitt vedlegg 1',
        'probe.people.contact kari@example.no 1',
        `probe.people.id ${KARI} 1`,
        'probe.people.name kari nordmann 1',
        'probe.people.note kari nordmann 1',
        'probe.people.phones 91234567 1',
        `probe.people.seen_by ${KARI} 1`,
        'stream kari@example.no 1',
      ].sort(),
    );
    // The stream is trimmed by age, so what it holds is allowed until then; everything else here is residue.
    expect(residue(hits)).toEqual(hits.filter((hit) => hit.location !== 'stream'));
    expect(hits.find((hit) => hit.location === 'stream')!.allowed).toMatchObject({ lawfulBasis: 'legitimate_interest' });
  });

  it('leaves out what the allow-list explains, with its legal basis', () => {
    const list: AllowedResidue[] = [{ location: 'probe.people.id', lawfulBasis: 'legal_obligation', until: '2032-12-31', why: 'bookkeeping' }];
    expect(allowedResidue('probe.people.id', list)).toEqual(list[0]);
    expect(allowedResidue('probe.people.name', list)).toBeNull();
  });

  it('also looks for a phone number as digits, and refuses needles short enough to match anything', () => {
    expect(needleList({ ...needles, names: [], emails: [], ids: [], texts: [] })).toEqual(['+47 912 34 567', '4791234567', '91234567']);
    expect(tooShort({ ...needles, names: ['Bo'] })).toEqual(['bo']);
  });
});
