import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import {
  AccessTokenVerifier,
  InternalRouteError,
  PRIVACY_ERASE_ASSOCIATION_ROUTE,
  PRIVACY_ERASE_ROUTE,
  PRIVACY_EXPORT_ASSOCIATION_ROUTE,
  PRIVACY_EXPORT_FILE_ROUTE,
  PRIVACY_EXPORT_ROUTE,
  PRIVACY_MOVED_OUT_ROUTE,
  PRIVACY_TOMBSTONE_ROUTE,
  RevocationReader,
  type InternalBinaryAnswer,
  privacyEraseAnswerSchema,
  privacyExportAnswerSchema,
  privacyMovedOutAnswerSchema,
  type PrivacyEraseAnswer,
  type PrivacyExportAnswer,
  type PrivacyMovedOutAnswer,
  type RequestContext,
} from '@tunet/kit';
import { and, eq, sql } from 'drizzle-orm';
import { png } from '@tunet/kit/src/files/files.fixtures';
import { DEMO, DEMO_PASSWORD } from '../members.demo';
import { errorOf, openMembersTestBed, viewerOf, type MembersTestBed } from '../members.fixtures';
import { accounts, apiKeys, associations, members } from '../tables';
import { PERSONAL_DATA } from './personal-data';

describe("members' privacy routes", () => {
  let bed: MembersTestBed;
  let reader: RevocationReader;
  let verifier: AccessTokenVerifier;
  const fromProcess: RequestContext = { viewer: null, requestId: 'test', clientIp: '' };
  const ask = <T>(route: string, body: unknown) => bed.subgraph.definition.internalRoutes![route]!(body, fromProcess) as Promise<T>;
  const statusOf = (answer: Promise<unknown>) =>
    answer.then(
      () => null,
      (error: unknown) => (error instanceof InternalRouteError ? error.status : error),
    );
  const exportOf = (associationId: string, memberId: string) =>
    ask<PrivacyExportAnswer>(PRIVACY_EXPORT_ROUTE, { kind: 'privacy.export', requestId: randomUUID(), associationId, memberId });
  const tombstoneOf = async (associationId: string) =>
    (await ask<{ memberId: string }>(PRIVACY_TOMBSTONE_ROUTE, { kind: 'privacy.tombstone', associationId })).memberId;
  const erase = async (associationId: string, memberId: string, tombstoneMemberId?: string) =>
    ask<PrivacyEraseAnswer>(PRIVACY_ERASE_ROUTE, {
      kind: 'privacy.erase',
      requestId: randomUUID(),
      associationId,
      memberId,
      policy: { keepContent: ['posts'], tombstoneMemberId: tombstoneMemberId ?? (await tombstoneOf(associationId)), reason: 'request' },
    });
  const rowsIn = (receipt: PrivacyEraseAnswer['receipt']) => Object.fromEntries(receipt.map((entry) => [entry.table, `${entry.action} ${entry.rows}`]));
  const login = (email: string, ip: string) => bed.subgraph.auth.login({ email, password: DEMO_PASSWORD }, ip);
  const catalogue = Object.keys(PERSONAL_DATA).sort();

  beforeAll(async () => {
    bed = await openMembersTestBed();
    reader = await RevocationReader.open(bed.store);
    verifier = await AccessTokenVerifier.fromPem(bed.secrets.jwtPublicKey);
  });
  afterAll(async () => {
    await reader.close();
    await bed.close();
  });

  it('exports what members holds about a person, without secrets, and nothing under another association', async () => {
    const session = await login('ola@solbakken.example', '10.1.0.1');
    const answer = privacyExportAnswerSchema.parse(await exportOf(DEMO.solbakken, DEMO.ola));
    expect(answer.receipt.map((entry) => entry.table).sort()).toEqual(catalogue);
    expect(answer.tables.members).toEqual([expect.objectContaining({ id: DEMO.ola, display_name: 'Ola Hansen', email: 'ola@solbakken.example' })]);
    expect(answer.tables.tenures).toEqual([expect.objectContaining({ member_id: DEMO.ola, relation: 'owner', move_in: '2019-08-15' })]);
    expect(answer.tables.accounts).toEqual([expect.objectContaining({ email: 'ola@solbakken.example' })]);
    expect(answer.tables.refresh_tokens!.length).toBeGreaterThanOrEqual(1);
    const text = JSON.stringify(answer);
    for (const secret of ['token_hash', 'password_hash', 'key_hash', session.refreshToken]) expect(text).not.toContain(secret);

    const elsewhere = await exportOf(DEMO.fjordly, DEMO.ola);
    expect(elsewhere.receipt.every((entry) => entry.rows === 0)).toBe(true);
    expect(Object.values(elsewhere.tables).flat()).toEqual([]);
  });

  it("exports a person's uploaded portrait with its bytes, and deletes them with the erasure (decision 0047)", async () => {
    const memberId = randomUUID();
    await bed.db.tenant(DEMO.solbakken, (tx) =>
      tx.insert(members).values({ associationId: DEMO.solbakken, id: memberId, displayName: 'Maler Portrett', externalTitle: 'Maler' }),
    );
    const painter = viewerOf(DEMO.solbakken, memberId, null);
    const set = await bed.subgraph.portraits.set(painter, bed.loadersFor(painter), {
      fileName: 'meg.png',
      contentBase64: (await png(40, 30)).toString('base64'),
    });
    const exported = await exportOf(DEMO.solbakken, memberId);
    expect(exported.files).toEqual([{ fileId: set.portraitFileId, name: 'portrait.png', contentType: 'image/png', sizeBytes: expect.any(Number) }]);
    expect(exported.tables.members![0]).toMatchObject({ portrait_file_id: set.portraitFileId });
    const fileRequest = { kind: 'privacy.export-file', requestId: randomUUID(), associationId: DEMO.solbakken, memberId, fileId: set.portraitFileId };
    const file = await ask<InternalBinaryAnswer>(PRIVACY_EXPORT_FILE_ROUTE, fileRequest);
    expect(file.bytes.subarray(1, 4).toString()).toBe('PNG');
    expect(await statusOf(ask(PRIVACY_EXPORT_FILE_ROUTE, { ...fileRequest, memberId: DEMO.ola }))).toBe(404);
    const stored = path.join(bed.storageDir, DEMO.solbakken, set.portraitFileId!);
    expect((await readdir(stored)).sort()).toEqual(['display', 'thumbnail']);
    await erase(DEMO.solbakken, memberId);
    expect(await readdir(stored)).toEqual([]);
  });

  it('catalogues only columns the tables have', async () => {
    const result = (await bed.db.system((tx) =>
      tx.execute(sql`select table_name || '.' || column_name as name from information_schema.columns where table_schema = 'members'`),
    )) as { rows: { name: string }[] };
    const existing = new Set(result.rows.map((row) => row.name));
    const listed = Object.entries(PERSONAL_DATA).flatMap(([table, entry]) => [...entry.columns, ...entry.subject].map((column) => `${table}.${column}`));
    expect(listed.filter((name) => !existing.has(name))).toEqual([]);
  });

  it('makes one tombstone per association under concurrency, in no directory', async () => {
    const ids = await Promise.all([1, 2, 3, 4, 5].map(() => tombstoneOf(DEMO.solbakken)));
    expect(new Set(ids).size).toBe(1);
    const rows = await bed.db.tenant(DEMO.solbakken, (tx) =>
      tx
        .select()
        .from(members)
        .where(and(eq(members.associationId, DEMO.solbakken), sql`tombstone`)),
    );
    expect(rows).toEqual([expect.objectContaining({ id: ids[0], displayName: 'Tidligere beboer', accountId: null, email: null })]);
    const directory = await bed.subgraph.repositories.members.directory(DEMO.solbakken, { includeHiddenNames: true }, 100, null);
    expect(directory.map((member) => member.id)).not.toContain(ids[0]);
    expect(await tombstoneOf(DEMO.solbakken)).toBe(ids[0]);
    // Nor can the board give it a home or a seat, which would put it in the directory.
    const board = viewerOf(DEMO.solbakken, DEMO.kari, 'board');
    const home = { memberId: ids[0], unitId: randomUUID(), relation: 'OWNER', moveIn: '2026-01-01' };
    expect(await errorOf(bed.subgraph.housing.addTenure(board, bed.loadersFor(board), home))).toEqual({ code: 'BAD_USER_INPUT', field: 'memberId' });
    const [committee] = await bed.subgraph.repositories.committees.listCommittees(DEMO.solbakken);
    const seat = { committeeId: committee!.id, memberId: ids[0], role: 'MEMBER', termFrom: '2026-01-01' };
    expect(await errorOf(bed.subgraph.committees.appoint(board, bed.loadersFor(board), seat))).toEqual({ code: 'BAD_USER_INPUT', field: 'memberId' });
    expect(await statusOf(tombstoneOf(randomUUID()))).toBe(404);
  });

  it('erases a person: sessions end at once, the login goes with the last membership, API keys stay; a second erase changes nothing', async () => {
    const session = await login('ola@solbakken.example', '10.1.0.2');
    const token = await verifier.verifyToken(session.accessToken);
    const keyId = randomUUID();
    await bed.db.tenant(DEMO.solbakken, (tx) =>
      tx.insert(apiKeys).values({
        associationId: DEMO.solbakken,
        id: keyId,
        name: 'Forvalter',
        prefix: 'tk_test',
        keyHash: randomUUID(),
        scopes: ['members:read'],
        createdByMemberId: DEMO.ola,
      }),
    );
    // A dry run's list of changes names Ola by id and a newcomer by name (decision 0046).
    const job = randomUUID();
    const newcomer = { kind: 'added', line: 3, memberId: null, name: 'Nina Ny', unitId: randomUUID(), moveOut: null };
    const olaMovesOut = { kind: 'moved_out', line: null, memberId: DEMO.ola, name: null, unitId: randomUUID(), moveOut: '2026-12-31' };
    await bed.db.system((tx) =>
      tx.execute(sql`insert into members.import_jobs (association_id, id, mode, dry_run, all_or_nothing, status, total_rows, processed_rows,
                       created_by, created_by_kind, finished_at, changes)
                     values (${DEMO.solbakken}, ${job}, 'full_sync', true, false, 'completed', 1, 1, ${DEMO.kari}, 'member', now(),
                       ${JSON.stringify([olaMovesOut, newcomer])}::jsonb)`),
    );
    expect(await statusOf(erase(DEMO.solbakken, DEMO.ola, randomUUID()))).toBe(409);

    const first = rowsIn(privacyEraseAnswerSchema.parse(await erase(DEMO.solbakken, DEMO.ola)).receipt);
    expect(Object.keys(first).sort()).toEqual(catalogue);
    expect(first).toMatchObject({ members: 'erased 1', tenures: 'erased 1', api_keys: 'anonymised 1', accounts: 'erased 1', import_jobs: 'anonymised 1' });
    const { rows: listed } = (await bed.db.system((tx) => tx.execute(sql`select changes from members.import_jobs where id = ${job}`))) as {
      rows: { changes: unknown }[];
    };
    expect(listed[0]!.changes).toEqual([newcomer]);
    expect(first.refresh_tokens).toMatch(/^erased [1-9]/);

    const standing = await reader.standing({ sessionId: token.viewer.sessionId, associationId: DEMO.solbakken, memberId: DEMO.ola, issuedAt: token.issuedAt });
    expect(standing.sessionEnded).toBe(true);
    expect(await errorOf(bed.subgraph.auth.refresh({ refreshToken: session.refreshToken }))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await errorOf(login('ola@solbakken.example', '10.1.0.3'))).toMatchObject({ code: 'UNAUTHENTICATED' });
    const [key] = await bed.db.tenant(DEMO.solbakken, (tx) => tx.select().from(apiKeys).where(eq(apiKeys.id, keyId)));
    expect(key).toMatchObject({ createdByMemberId: null, revokedAt: null });
    expect((await exportOf(DEMO.solbakken, DEMO.ola)).receipt.every((entry) => entry.rows === 0)).toBe(true);
    // Ola's co-owner lives on in the same unit.
    expect((await exportOf(DEMO.solbakken, DEMO.ingrid)).tables.tenures).toHaveLength(1);

    const second = await erase(DEMO.solbakken, DEMO.ola);
    expect(second.receipt.map((entry) => entry.table).sort()).toEqual(catalogue);
    expect(second.receipt.every((entry) => entry.rows === 0)).toBe(true);
  });

  it('keeps a login that belongs to another association, and deletes it with its last membership', async () => {
    const account = (await exportOf(DEMO.solbakken, DEMO.per)).tables.accounts![0]!.id as string;
    const inFjordly = randomUUID();
    await bed.subgraph.repositories.members.insertMembers(DEMO.fjordly, [
      { id: inFjordly, accountId: account, displayName: 'Per Ødegård', email: 'per@solbakken.example' },
    ]);

    expect(rowsIn((await erase(DEMO.solbakken, DEMO.per)).receipt)).toMatchObject({ members: 'erased 1', accounts: 'kept 1' });
    expect((await exportOf(DEMO.fjordly, inFjordly)).tables.accounts).toEqual([expect.objectContaining({ email: 'per@solbakken.example' })]);
    await expect(login('per@solbakken.example', '10.1.0.4')).resolves.toHaveProperty('accessToken');

    // An e-mail change names the login, not the member: relayed, it would stay in the outbox for a replay. One was
    // asked for in Solbakken, which Per left before (its erasure kept the login, so it could not forget it then).
    const emailChange = (associationId: string) =>
      bed.db.tenant(associationId, (tx) =>
        bed.db.outbox.add(tx, {
          topic: 'account.email_change_requested',
          associationId,
          payload: {
            changeId: randomUUID(),
            accountId: account,
            oldEmail: 'per@solbakken.example',
            newEmail: 'per@fjordly.example',
            token: 't',
            expiresAt: new Date().toISOString(),
          },
        }),
      );
    const changes = [(await emailChange(DEMO.fjordly)).eventId, (await emailChange(DEMO.solbakken)).eventId];
    await bed.db.system((tx) => tx.execute(sql`update members.outbox set relayed_at = now() where event_id in (${changes[0]}, ${changes[1]})`));
    expect(rowsIn((await erase(DEMO.fjordly, inFjordly)).receipt)).toMatchObject({ members: 'erased 1', accounts: 'erased 1' });
    expect(await errorOf(login('per@solbakken.example', '10.1.0.5'))).toMatchObject({ code: 'UNAUTHENTICATED' });
    const { rows: kept } = (await bed.db.system((tx) => tx.execute(sql`select 1 from members.outbox where event_id in (${changes[0]}, ${changes[1]})`))) as {
      rows: unknown[];
    };
    expect(kept).toEqual([]);
  });

  it("never deletes a platform operator's login with an association's membership", async () => {
    const account = (await exportOf(DEMO.solbakken, DEMO.jonas)).tables.accounts![0]!.id as string;
    await bed.db.system((tx) => tx.update(accounts).set({ platformAdmin: true }).where(eq(accounts.id, account)));
    const receipt = (await erase(DEMO.solbakken, DEMO.jonas)).receipt;
    expect(rowsIn(receipt)).toMatchObject({ members: 'erased 1', accounts: 'kept 1' });
    expect(receipt.find((entry) => entry.table === 'accounts')!.note).toContain("provider's staff login");
    await expect(login('jonas@solbakken.example', '10.1.0.8')).resolves.toHaveProperty('accessToken');
  });

  it('lists the members whose retention after moving out has run, per association cut-off and in pages', async () => {
    const movedOut = (body: object) =>
      ask<PrivacyMovedOutAnswer>(PRIVACY_MOVED_OUT_ROUTE, {
        kind: 'privacy.moved-out',
        defaultCutoff: '2025-06-30',
        cutoffs: [],
        after: null,
        limit: 100,
        ...body,
      });
    expect(privacyMovedOutAnswerSchema.parse(await movedOut({})).members).toEqual([
      { associationId: DEMO.solbakken, memberId: DEMO.former, movedOutOn: '2024-12-31' },
    ]);
    expect((await movedOut({ cutoffs: [{ associationId: DEMO.solbakken, cutoff: '2024-12-30' }] })).members).toEqual([]);
    expect((await movedOut({ after: { associationId: DEMO.solbakken, memberId: DEMO.former } })).members).toEqual([]);
    expect(await statusOf(movedOut({ limit: 501 }))).toBe(400);
  });

  it("deletes a terminated association's data whole, its own row last, and only a terminated one", async () => {
    const body = (kind: string, associationId: string) => ({ kind, requestId: randomUUID(), associationId });
    expect(await statusOf(ask(PRIVACY_ERASE_ASSOCIATION_ROUTE, body('privacy.erase-association', DEMO.solbakken)))).toBe(409);
    expect(await statusOf(ask(PRIVACY_ERASE_ASSOCIATION_ROUTE, body('privacy.export-association', DEMO.fjordly)))).toBe(400);
    await bed.db.system((tx) => tx.update(associations).set({ status: 'terminated', terminatedOn: '2026-01-31' }).where(eq(associations.id, DEMO.fjordly)));

    const exported = await ask<PrivacyExportAnswer>(PRIVACY_EXPORT_ASSOCIATION_ROUTE, body('privacy.export-association', DEMO.fjordly));
    expect(exported.tables.associations).toEqual([expect.objectContaining({ id: DEMO.fjordly, name: 'Fjordly sameie' })]);
    expect(exported.tables.members).toEqual(expect.arrayContaining([expect.objectContaining({ id: DEMO.eva, display_name: 'Eva Fjeld' })]));

    const first = rowsIn((await ask<PrivacyEraseAnswer>(PRIVACY_ERASE_ASSOCIATION_ROUTE, body('privacy.erase-association', DEMO.fjordly))).receipt);
    expect(first).toMatchObject({ associations: 'erased 1', accounts: 'erased 1', terms_acceptances: 'erased 1' });
    expect(first.members).toMatch(/^erased [1-9]/);
    expect(await errorOf(login('eva@fjordly.example', '10.1.0.6'))).toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(login('kari@solbakken.example', '10.1.0.7')).resolves.toHaveProperty('accessToken');

    const second = await ask<PrivacyEraseAnswer>(PRIVACY_ERASE_ASSOCIATION_ROUTE, body('privacy.erase-association', DEMO.fjordly));
    expect(second.receipt.map((entry) => entry.table)).toEqual(Object.keys(first));
    expect(second.receipt.every((entry) => entry.rows === 0)).toBe(true);
  });
});
