import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { PrivacyStatesReader, type FastStore, type MemberReferences, type SubgraphDatabase, type Viewer } from '@tunet/kit';
import { openTestDatabase, viewerIn, type TestDatabase } from '@tunet/kit/src/kit.fixtures';
import { NoticesRepository } from '../notices/notices.repository';
import { MAX_NOTICES_PER_DAY, NoticesService } from '../notices/notices.service';
import { PurposesRepository } from '../purposes/purposes.repository';
import { PurposesService } from '../purposes/purposes.service';
import { RestrictionsRepository } from '../restrictions/restrictions.repository';
import { MAX_RESTRICTION_CHANGES_PER_HOUR, RestrictionsService } from '../restrictions/restrictions.service';
import { consentPrivacyPart } from './consents-privacy.repository';
import { ConsentsRepository } from './consents.repository';
import { ConsentsService, MAX_CONSENT_CHANGES_PER_HOUR } from './consents.service';

/** Code and field of a refused call. */
async function errorOf(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    const { code, field } = (error as { extensions: Record<string, unknown> }).extensions;
    return field === undefined ? { code } : { code, field };
  }
  throw new Error('expected a refusal');
}

describe('consents, restrictions, purposes and notices (decision 0038)', () => {
  let database: TestDatabase;
  let db: SubgraphDatabase;
  let store: FastStore;
  let reader: PrivacyStatesReader;
  let consents: ConsentsService;
  let restrictions: RestrictionsService;
  let purposes: PurposesService;
  let notices: NoticesService;
  let now = new Date('2026-12-06T23:30:00Z');
  const [solbakken, fjordly] = [randomUUID(), randomUUID()];
  const ola = viewerIn(solbakken, 'resident');
  const kari = viewerIn(solbakken, 'board');
  const eva = viewerIn(fjordly, 'board');
  const nobody = { accountId: randomUUID(), associationId: solbakken, memberId: null, role: null, platformAdmin: false, sessionId: null };
  const integration: Viewer = { ...nobody, integration: { apiKeyId: randomUUID(), scopes: ['members:read'] } };
  const supportOperator: Viewer = { ...nobody, platformAdmin: true, support: { expiresAt: '2026-12-07T00:00:00Z' } };
  // Members carried over from members' visibility settings: one showed contact details, one the portrait, one nothing.
  const [showedPhone, showedPortrait, choseNothing] = [randomUUID(), randomUUID(), randomUUID()];
  const existing = new Set([ola.memberId, kari.memberId, showedPhone, showedPortrait, choseNothing]);
  const members: MemberReferences = {
    existing: async (associationId, refs) => ({
      memberIds: associationId === solbakken ? (refs.memberIds ?? []).filter((id) => existing.has(id)) : [],
      buildingIds: [],
      committeeIds: [],
      unitIds: [],
    }),
  };
  const consentsOf = async (memberId: string) => (await reader.read(solbakken)).consents[memberId] ?? [];

  beforeAll(async () => {
    database = await openTestDatabase();
    await database.connection.ownerTransaction(async (tx) => {
      await tx.execute(sql`create schema members`);
      await tx.execute(sql`create table members.members (association_id uuid not null, id uuid primary key, visibility jsonb not null default '{}')`);
      await tx.execute(sql`insert into members.members values
        (${solbakken}, ${showedPhone}, '{"phone": "residents", "occupation": "only_me"}'),
        (${solbakken}, ${showedPortrait}, '{"portrait": "residents", "email": "board"}'),
        (${solbakken}, ${choseNothing}, '{}')`);
    });
    db = database.connection.forSubgraph('privacy', path.resolve(__dirname, '../../migrations'));
    await db.migrate();
    store = { kind: 'memory', namespace: `test-${randomUUID()}` };
    const repository = new ConsentsRepository(db);
    const purposesRepository = new PurposesRepository(db);
    reader = await PrivacyStatesReader.open(store, (associationId) => repository.states(associationId));
    consents = new ConsentsService(db, repository, purposesRepository, store);
    restrictions = new RestrictionsService(db, new RestrictionsRepository(db), members, store);
    purposes = new PurposesService(db, purposesRepository);
    notices = new NoticesService(db, new NoticesRepository(db), db.outbox, () => now);
  }, 120_000);
  afterAll(async () => {
    await reader.close();
    await database.drop();
  });

  it("carries members' choices to show contact details or the portrait over as consents, and nothing else", async () => {
    expect(await consentsOf(showedPhone)).toEqual(['directory_contact']);
    expect(await consentsOf(showedPortrait)).toEqual(['directory_portrait']);
    expect(await consentsOf(choseNothing)).toEqual([]);
  });

  it('records grants and withdrawals as history, takes effect in the reader at once, and records nothing for a repeat', async () => {
    expect(await consentsOf(ola.memberId)).toEqual([]);
    const granted = await consents.grant(ola, { purpose: 'directory_contact', textVersion: 1 });
    expect(granted.state.granted).toBe(true);
    expect(await consentsOf(ola.memberId)).toEqual(['directory_contact']);

    await consents.withdraw(ola, { purpose: 'directory_contact' });
    await Promise.all(Array.from({ length: 5 }, () => consents.withdraw(ola, { purpose: 'directory_contact' })));
    expect(await consentsOf(ola.memberId)).toEqual([]);

    const mine = await consents.mine(ola);
    expect(mine.history.map((c) => c.action)).toEqual(['withdrawn', 'granted']);
    expect(mine.consents.map((c) => [c.purpose.key, c.state.granted])).toEqual([
      ['directory_contact', false],
      ['directory_portrait', false],
      ['newsletters', false],
    ]);
  });

  it('takes consent only from the person, only to consent purposes, only for the words shown, and not without end', async () => {
    expect(await errorOf(consents.grant(kari, { purpose: 'bookings', textVersion: 1 }))).toEqual({ code: 'BAD_USER_INPUT', field: 'purpose' });
    expect(await errorOf(consents.grant(kari, { purpose: 'no_such_purpose', textVersion: 1 }))).toEqual({ code: 'BAD_USER_INPUT', field: 'purpose' });
    expect(await errorOf(consents.grant(kari, { purpose: 'newsletters', textVersion: 7 }))).toEqual({ code: 'CONFLICT' });
    expect(await errorOf(consents.grant(null, { purpose: 'newsletters', textVersion: 1 }))).toEqual({ code: 'UNAUTHENTICATED' });
    expect(await errorOf(consents.grant(integration, { purpose: 'newsletters', textVersion: 1 }))).toEqual({ code: 'FORBIDDEN' });
    expect(await errorOf(consents.mine(supportOperator))).toEqual({ code: 'FORBIDDEN' });

    const toggler = viewerIn(solbakken, 'resident');
    for (let i = 0; i < MAX_CONSENT_CHANGES_PER_HOUR; i++) {
      await (i % 2 === 0 ? consents.grant(toggler, { purpose: 'newsletters', textVersion: 1 }) : consents.withdraw(toggler, { purpose: 'newsletters' }));
    }
    expect(await errorOf(consents.grant(toggler, { purpose: 'newsletters', textVersion: 1 }))).toEqual({ code: 'RATE_LIMITED' });
  });

  it("lets the board reword and add purposes of its association, never change a purpose's lawful basis", async () => {
    const register = await purposes.register(ola);
    const contact = register.find((p) => p.key === 'directory_contact')!;
    const reworded = await purposes.save(kari, { ...contact, description: { nb: 'Naboene ser telefonen din.', en: 'Neighbours see your phone.' } });
    expect(reworded).toMatchObject({ version: 2, builtIn: true });
    expect(await errorOf(consents.grant(ola, { purpose: 'directory_contact', textVersion: 1 }))).toEqual({ code: 'CONFLICT' });
    expect((await consents.grant(ola, { purpose: 'directory_contact', textVersion: 2 })).state.latest?.textVersion).toBe(2);

    const { key, name, description, dataCategories, retention } = contact;
    expect(await errorOf(purposes.save(kari, { key, name, description, dataCategories, retention, lawfulBasis: 'legitimate_interest' }))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'lawfulBasis',
    });
    expect(await errorOf(purposes.save(ola, { ...contact, key: 'sauna' }))).toEqual({ code: 'FORBIDDEN' });
    await purposes.save(kari, { key: 'sauna_list', name, description, dataCategories, retention, lawfulBasis: 'consent' });
    expect((await purposes.register(ola)).map((p) => p.key)).toContain('sauna_list');
    expect((await purposes.register(eva)).map((p) => p.key)).not.toContain('sauna_list');
    expect((await purposes.register(eva)).find((p) => p.key === 'directory_contact')!.version).toBe(1);
  });

  it('restricts processing at the person’s or the board’s word, keeps the history, and refuses what makes no sense', async () => {
    await restrictions.set(ola, { reason: 'I dispute what the board wrote about me.' });
    expect(Object.keys((await reader.read(solbakken)).restricted)).toEqual([ola.memberId]);
    expect(await errorOf(restrictions.set(ola, { reason: 'again' }))).toEqual({ code: 'CONFLICT' });
    expect((await restrictions.inForce(kari)).map((r) => r.memberId)).toEqual([ola.memberId]);
    expect(await errorOf(restrictions.inForce(ola))).toEqual({ code: 'FORBIDDEN' });

    // Art. 18(3): what the person restricted, the board cannot lift over their head.
    expect(await errorOf(restrictions.lift(kari, { memberId: ola.memberId, reason: 'The record was corrected.' }))).toEqual({ code: 'CONFLICT' });
    expect(await errorOf(restrictions.lift(supportOperator, { memberId: ola.memberId, reason: 'Asked by the board.' }))).toEqual({ code: 'CONFLICT' });
    expect(Object.keys((await reader.read(solbakken)).restricted)).toEqual([ola.memberId]);
    await restrictions.lift(ola, { reason: 'The record was corrected.' });
    expect((await reader.read(solbakken)).restricted).toEqual({});
    expect((await restrictions.mine(ola)).history.map((r) => [r.action, r.actor])).toEqual([
      ['lifted', 'self'],
      ['set', 'self'],
    ]);

    expect(await errorOf(restrictions.set(ola, { memberId: kari.memberId, reason: 'a neighbour' }))).toEqual({ code: 'FORBIDDEN' });
    expect(await errorOf(restrictions.set(eva, { memberId: ola.memberId, reason: 'another association' }))).toEqual({ code: 'NOT_FOUND' });
    expect(await errorOf(restrictions.set(kari, { memberId: randomUUID(), reason: 'nobody' }))).toEqual({ code: 'NOT_FOUND' });
    expect(await errorOf(restrictions.set(kari, { memberId: showedPhone, reason: ' ' }))).toEqual({ code: 'BAD_USER_INPUT', field: 'reason' });
    await restrictions.set(supportOperator, { memberId: showedPhone, reason: 'Asked the provider by letter.' });
    expect((await restrictions.inForce(kari)).map((r) => [r.memberId, r.actor])).toEqual([[showedPhone, 'operator']]);
  });

  it('tells the person when the board sets or lifts their restriction, not of their own changes, and a retry announces what a failed announcement did not', async () => {
    const told = async (memberId: string) =>
      db.system(async (tx) =>
        (
          (await tx.execute(
            sql`select payload from privacy.outbox where topic = 'privacy.restriction_changed' and payload->>'memberId' = ${memberId} order by id`,
          )) as {
            rows: { payload: Record<string, unknown> }[];
          }
        ).rows.map((row) => row.payload),
      );
    await restrictions.set(kari, { memberId: showedPortrait, reason: 'Disputed entry in the register.' });
    await restrictions.lift(kari, { memberId: showedPortrait, reason: 'The entry was corrected.' });
    expect(await told(showedPortrait)).toEqual([
      { memberId: showedPortrait, action: 'set', actor: 'board', reason: 'Disputed entry in the register.' },
      { memberId: showedPortrait, action: 'lifted', actor: 'board', reason: 'The entry was corrected.' },
    ]);
    expect(await told(ola.memberId)).toEqual([]);

    expect((await reader.read(solbakken)).restricted).not.toHaveProperty(choseNothing);
    // A Redis client whose transactions fail: the change commits, its announcement does not.
    const down: object = new Proxy(
      {},
      { get: (_target, key) => (key === 'then' ? undefined : key === 'exec' ? () => Promise.reject(new Error('fast store down')) : () => down) },
    );
    const unannounced = new RestrictionsService(db, new RestrictionsRepository(db), members, {
      kind: 'redis',
      client: down as never,
      namespace: store.namespace,
    });
    await expect(unannounced.set(kari, { memberId: choseNothing, reason: 'Committed, not announced.' })).rejects.toThrow('fast store down');
    expect(await errorOf(restrictions.set(kari, { memberId: choseNothing, reason: 'Committed, not announced.' }))).toEqual({ code: 'CONFLICT' });
    expect((await reader.read(solbakken)).restricted).toHaveProperty(choseNothing);
  });

  it("publishes versioned notices dated in the association's day, a material change announced to every member", async () => {
    expect(await notices.read(ola, null)).toBeNull();
    const first = await notices.publish(kari, { text: { nb: 'Personvern v1', en: 'Privacy v1' }, material: false });
    expect(first).toMatchObject({ version: 1, material: true, lastChangedOn: '2026-12-07' });
    now = new Date('2026-12-20T10:00:00Z');
    await notices.publish(kari, { text: { nb: 'Skrivefeil rettet', en: 'Typo fixed' }, material: false });
    expect(await notices.read(ola, null)).toMatchObject({ version: 2, material: false, lastChangedOn: '2026-12-20', text: { en: 'Typo fixed' } });
    expect((await notices.read(ola, 1))?.text.en).toBe('Privacy v1');
    expect(await notices.read(eva, null)).toBeNull();
    expect(await errorOf(notices.publish(ola, { text: { nb: 'x', en: 'x' }, material: true }))).toEqual({ code: 'FORBIDDEN' });
    expect(await errorOf(notices.publish(kari, { text: { nb: 'x'.repeat(100_001), en: 'x' }, material: true }))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'text.nb',
    });

    const events = await db.system(
      async (tx) =>
        (
          (await tx.execute(sql`select association_id, payload from privacy.outbox where topic = 'privacy.notice_published' order by id`)) as {
            rows: { association_id: string; payload: { version: number; material: boolean } }[];
          }
        ).rows,
    );
    expect(events.map((e) => [e.association_id, e.payload.version, e.payload.material])).toEqual([
      [solbakken, 1, true],
      [solbakken, 2, false],
    ]);
  });

  it('exports and erases what it keeps about a person; a second erasure changes nothing', async () => {
    const subject = { requestId: randomUUID(), associationId: solbakken, memberId: ola.memberId };
    const exported = await db.tenant(solbakken, (tx) => consentPrivacyPart.export(tx, subject));
    expect(exported.consents!.length).toBeGreaterThan(0);
    expect(exported.restrictions).toHaveLength(2);
    const policy = { keepContent: [], tombstoneMemberId: randomUUID(), reason: 'request' as const };
    const erased = await db.tenant(solbakken, (tx) => consentPrivacyPart.erase(tx, subject, policy));
    expect(erased.find((e) => e.table === 'consents')!.rows).toBe(exported.consents!.length);
    const again = await db.tenant(solbakken, (tx) => consentPrivacyPart.erase(tx, subject, policy));
    expect(again.map((e) => e.rows)).toEqual([0, 0, 0, 0]);

    const board = { ...subject, memberId: kari.memberId };
    const boardErased = await db.tenant(solbakken, (tx) => consentPrivacyPart.erase(tx, board, policy));
    // What she did as a board member stays without her: the purposes, notices and restrictions she set on others.
    expect(boardErased.filter((e) => e.rows > 0).map((e) => e.table)).toEqual(['purposes', 'restrictions', 'notices']);
    expect((await notices.read(ola, null))?.version).toBe(2);
  });

  it('bounds the notices a board publishes a day and the restriction changes a person makes an hour', async () => {
    const notice = { text: { nb: 'Rettelse', en: 'Correction' }, material: true };
    for (let i = 1; i < MAX_NOTICES_PER_DAY; i++) await notices.publish(kari, notice);
    expect(await errorOf(notices.publish(kari, notice))).toEqual({ code: 'RATE_LIMITED' });
    now = new Date(now.getTime() + 25 * 60 * 60 * 1000);
    expect((await notices.publish(kari, notice)).version).toBe(MAX_NOTICES_PER_DAY + 2);

    const toggler = viewerIn(solbakken, 'resident');
    for (let i = 0; i < MAX_RESTRICTION_CHANGES_PER_HOUR; i++) {
      await (i % 2 === 0 ? restrictions.set(toggler, { reason: 'on' }) : restrictions.lift(toggler, { reason: 'off' }));
    }
    expect(await errorOf(restrictions.set(toggler, { reason: 'on' }))).toEqual({ code: 'RATE_LIMITED' });
  });
});
