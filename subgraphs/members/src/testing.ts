import path from 'node:path';
import { closeFastStore, generateSecrets, type FastStore, type Secrets, type SubgraphDatabase } from '@tunet/kit';
import { openTestDatabase, openTestRedis, type TestDatabase } from '@tunet/kit/src/testing';
import { loadDemoData } from './demo-data';
import { createMembersSubgraph, type MembersDependencies, type MembersSubgraph } from './subgraph';

export interface MembersTestBed {
  subgraph: MembersSubgraph;
  /** Direct access to the members schema, for arranging data the public operations cannot create yet. */
  db: SubgraphDatabase;
  secrets: Secrets;
  close(): Promise<void>;
}

/** A migrated members subgraph with the demo associations, on a fresh test database and Redis namespace. */
export async function openMembersTestBed(auth?: MembersDependencies['auth']): Promise<MembersTestBed> {
  const testDb: TestDatabase = await openTestDatabase();
  const store: FastStore = await openTestRedis();
  const secrets = await generateSecrets();
  const subgraph = await createMembersSubgraph({ database: testDb.connection, store, jwtPrivateKey: secrets.jwtPrivateKey, auth });
  await subgraph.migrate();
  await loadDemoData(subgraph);
  return {
    subgraph,
    db: testDb.connection.forSubgraph('members', path.resolve(__dirname, '../migrations')),
    secrets,
    async close() {
      await closeFastStore(store);
      await testDb.drop();
    },
  };
}
