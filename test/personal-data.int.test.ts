import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import {
  closeFastStore,
  FilesystemStorage,
  generateSecrets,
  PRIVACY_ERASE_ROUTE,
  PRIVACY_EXPORT_ROUTE,
  type PersonalDataCatalogue,
  type PrivacyEraseAnswer,
  type PrivacyExportAnswer,
  type RequestContext,
  type SubgraphModule,
} from '@tunet/kit';
import { openTestDatabase, openTestRedis, type TestDatabase } from '@tunet/kit/src/kit.fixtures';
import { createBillingSubgraph } from '@tunet/billing';
import { StaticAssociationProfiles } from '@tunet/billing/src/associations/association-profiles.fixtures';
import { PERSONAL_DATA as BILLING } from '@tunet/billing/src/privacy/personal-data';
import { createMembersSubgraph } from '@tunet/members';
import { PERSONAL_DATA as MEMBERS } from '@tunet/members/src/privacy/personal-data';
import { createNotificationsSubgraph } from '@tunet/notifications';
import { StaticDirectory, StaticEntitlements } from '@tunet/notifications/src/notifications.fixtures';
import { PERSONAL_DATA as NOTIFICATIONS } from '@tunet/notifications/src/privacy/personal-data';
import { createOperationsSubgraph } from '@tunet/operations';
import { PERSONAL_DATA as OPERATIONS } from '@tunet/operations/src/privacy/personal-data';
import { createPostsSubgraph } from '@tunet/posts';
import { EVERY_REFERENCE_EXISTS } from '@tunet/posts/src/posts.fixtures';
import { PERSONAL_DATA as POSTS } from '@tunet/posts/src/privacy/personal-data';
import { createPrivacySubgraph } from '@tunet/privacy';
import { PERSONAL_DATA as PRIVACY } from '@tunet/privacy/src/privacy/personal-data';
import { createReservationsSubgraph } from '@tunet/reservations';
import { PERSONAL_DATA as RESERVATIONS } from '@tunet/reservations/src/privacy/personal-data';
import { SUBGRAPHS } from '../scripts/subgraph-registry';
import { personalColumns, uncovered, type CatalogueColumn } from './personal-data.rules';

/**
 * The personal-data coverage test (issue 14, docs/decisions/0039): after every subgraph's migrations, each table of
 * each subgraph schema whose columns name, reach or identify a person (personal-data.rules.ts) must be in that
 * subgraph's PERSONAL_DATA, every listed table and column must exist, and the subgraph's privacy export and erase
 * receipts must each have one entry per listed table. A new table with personal data fails here until its subgraph
 * says how it is exported and erased.
 */
const CATALOGUES: Record<(typeof SUBGRAPHS)[number]['name'], PersonalDataCatalogue> = {
  members: MEMBERS,
  posts: POSTS,
  reservations: RESERVATIONS,
  notifications: NOTIFICATIONS,
  billing: BILLING,
  privacy: PRIVACY,
  operations: OPERATIONS,
};

describe('personal data coverage', () => {
  let database: TestDatabase;
  let subgraphs: Record<string, SubgraphModule<RequestContext>>;
  let columns: CatalogueColumn[];
  const stops: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    database = await openTestDatabase();
    const connection = database.connection;
    const store = await openTestRedis();
    stops.push(() => closeFastStore(store));
    const internalSecret = 'personal-data-test-secret-personal-data-test-secret';
    const secrets = await generateSecrets();
    const nowhere = () => ({});
    subgraphs = {
      members: await createMembersSubgraph({ database: connection, store, jwtPrivateKey: secrets.jwtPrivateKey }),
      posts: await createPostsSubgraph({
        database: connection,
        store,
        fileStorage: new FilesystemStorage(`/tmp/tunet-personal-data-${randomUUID()}`),
        memberReferences: EVERY_REFERENCE_EXISTS,
      }),
      reservations: await createReservationsSubgraph({ database: connection, store, internalSecret }),
      notifications: await createNotificationsSubgraph({
        database: connection,
        store,
        internalSecret,
        directory: new StaticDirectory(),
        entitlements: new StaticEntitlements(),
        config: { publicOrigin: 'https://tunet.test', webAppOrigin: 'https://app.tunet.test', webPush: null, fcm: null, apns: null, sms: null },
      }),
      billing: await createBillingSubgraph({ database: connection, store, associationProfiles: new StaticAssociationProfiles() }),
      privacy: await createPrivacySubgraph({ database: connection, store, internalSecret, subgraphUrls: nowhere }),
      operations: await createOperationsSubgraph({ database: connection, store, internalSecret, subgraphUrls: nowhere }),
    };
    for (const subgraph of Object.values(subgraphs)) await subgraph.migrate();
    columns = await connection.ownerTransaction(async (tx) => {
      const result = await tx.execute(sql`
        select table_schema as schema, table_name as "table", column_name as column, data_type as type
        from information_schema.columns
        where table_schema in (${sql.join(
          SUBGRAPHS.map((s) => sql`${s.name}`),
          sql`, `,
        )})
        order by 1, 2, ordinal_position`);
      return (result as { rows: CatalogueColumn[] }).rows;
    });
  }, 240_000);

  afterAll(async () => {
    for (const stop of stops) await stop();
    await database.drop();
  });

  it.each(SUBGRAPHS.map((s) => s.name))('%s: every table with personal data is in PERSONAL_DATA', (name) => {
    expect(
      uncovered(
        columns.filter((c) => c.schema === name),
        CATALOGUES[name],
      ),
    ).toEqual([]);
  });

  it.each(SUBGRAPHS.map((s) => s.name))('%s: every table and column PERSONAL_DATA lists exists', (name) => {
    const existing = new Set(columns.filter((c) => c.schema === name).map((c) => `${c.table}.${c.column}`));
    const listed = Object.entries(CATALOGUES[name]).flatMap(([table, entry]) => [...entry.columns, ...entry.subject].map((column) => `${table}.${column}`));
    expect(listed.filter((column) => !existing.has(column))).toEqual([]);
  });

  it.each(SUBGRAPHS.map((s) => s.name))('%s: the export and erase receipts have one entry per PERSONAL_DATA table', async (name) => {
    const routes = subgraphs[name]!.definition.internalRoutes!;
    const process: RequestContext = { viewer: null, requestId: 'personal-data-test', clientIp: '' };
    const subject = { requestId: randomUUID(), associationId: randomUUID(), memberId: randomUUID() };
    const exported = (await routes[PRIVACY_EXPORT_ROUTE]!({ kind: 'privacy.export', ...subject }, process)) as PrivacyExportAnswer;
    const erased = (await routes[PRIVACY_ERASE_ROUTE]!(
      { kind: 'privacy.erase', ...subject, policy: { keepContent: [], tombstoneMemberId: randomUUID(), reason: 'request' } },
      process,
    )) as PrivacyEraseAnswer;
    const catalogue = Object.keys(CATALOGUES[name]).sort();
    expect(exported.receipt.map((entry) => entry.table).sort()).toEqual(catalogue);
    expect(erased.receipt.map((entry) => entry.table).sort()).toEqual(catalogue);
  });

  it('the rule finds a table with personal data that no catalogue lists', () => {
    const probe: CatalogueColumn[] = [
      { schema: 'posts', table: 'polls', column: 'id', type: 'uuid' },
      { schema: 'posts', table: 'polls', column: 'association_id', type: 'uuid' },
      { schema: 'posts', table: 'polls', column: 'created_by', type: 'uuid' },
    ];
    expect(personalColumns(probe)).toEqual(['polls.created_by']);
    expect(uncovered(probe, POSTS)).toEqual(['polls: created_by']);
  });
});
