import { randomUUID } from 'node:crypto';
import { RevocationReader, RevocationWriter, type FastStore, type Viewer } from '@tunet/kit';
import { sql } from 'drizzle-orm';
import type { GraphQLError } from 'graphql';
import { DEMO } from '../members.demo';
import type { MembersTestBed } from '../members.fixtures';
import { AgreementsRepository } from './agreements.repository';
import { AgreementsService } from './agreements.service';

/** The demo platform operator at platform level: no association, no support session. */
export const OPERATOR: Viewer = { accountId: DEMO.operator, associationId: null, memberId: null, role: null, platformAdmin: true, sessionId: null };

/** Agreements on a test bed's database with a clock the test sets, and revocations on an in-process store. */
export interface AgreementsHarness {
  service: AgreementsService;
  /** Another replica on the same database and store, for racing sweeps. */
  replica: AgreementsService;
  reader: RevocationReader;
  setClock(iso: string): void;
  close(): Promise<void>;
}

export async function agreementsHarness(bed: MembersTestBed, startAt: string): Promise<AgreementsHarness> {
  let now = new Date(startAt);
  const store: FastStore = { kind: 'memory', namespace: `agreements-${randomUUID()}` };
  const reader = await RevocationReader.open(store);
  const make = () => new AgreementsService(new AgreementsRepository(bed.db), new RevocationWriter(store, 60), () => now);
  return {
    service: make(),
    replica: make(),
    reader,
    setClock: (iso) => void (now = new Date(iso)),
    close: () => reader.close(),
  };
}

/** A new association with one board member whose account is real (terminations name the account that filed them). */
export async function associationWithBoard(bed: MembersTestBed, timeZone = 'Europe/Oslo'): Promise<{ id: string; board: Viewer; resident: Viewer }> {
  const id = randomUUID();
  await bed.subgraph.repositories.members.insertAssociation({ id, name: `Avtaletest ${id.slice(0, 8)}`, timeZone, locale: 'nb' });
  const accountId = await bed.subgraph.auth.createAccount(`styret-${id}@example.com`, 'et langt passord');
  const board: Viewer = { accountId, associationId: id, memberId: randomUUID(), role: 'board', platformAdmin: false, sessionId: null };
  const resident: Viewer = { ...board, accountId: randomUUID(), memberId: randomUUID(), role: 'resident' };
  return { id, board, resident };
}

/** The members outbox's events of one association, oldest first. */
export async function eventsOf(bed: MembersTestBed, associationId: string): Promise<{ topic: string; payload: Record<string, unknown> }[]> {
  const { rows } = (await bed.db.system((tx) =>
    tx.execute(sql`select topic, payload from members.outbox where association_id = ${associationId}::uuid order by id`),
  )) as { rows: { topic: string; payload: Record<string, unknown> }[] };
  return rows;
}

/** The code, field and reason of the error a promise rejects with, or null when it resolves. */
export function refusalOf(promise: Promise<unknown>): Promise<Record<string, unknown> | null> {
  return promise.then(
    () => null,
    (error: GraphQLError) => ({ code: error.extensions?.code, field: error.extensions?.field, reason: error.extensions?.reason, message: error.message }),
  );
}
