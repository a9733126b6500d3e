import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, gt, inArray, lt, or, sql } from 'drizzle-orm';
import type { SubgraphDatabase, Tx } from '@tunet/kit';
import { chainNext, GENESIS_HASH, newSalt, reasonHash, type AccessKind, type ActorKind, type ChainedEntry } from './access-log.rules';
import { accessLog, accessLogHeads, accessLogReasons, pseudonyms } from './access-log.tables';

/** One fact to append, as an event tells it, people by their real ids. */
export interface NewAccess {
  subjectId: string;
  actorId: string | null;
  actorKind: ActorKind;
  kind: AccessKind;
  fields: readonly string[];
  operation: string;
  reason: string | null;
  at: Date;
}

/** An entry as the person it is about sees it: the actor by real id while their pseudonym is still mapped. */
export interface AccessEntry {
  sequence: number;
  id: string;
  at: Date;
  kind: AccessKind;
  actorKind: ActorKind;
  /** The member, key or operator account; null for the system or once the actor was erased. */
  actorId: string | null;
  fields: string[];
  operation: string;
  reason: string | null;
}

const PAGE = 1000;

/** The access log's SQL (docs/decisions/0039): appends under the association's head lock, reads, erasure. */
export class AccessLogRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  /**
   * Appends an event's entries to the association's chain with the chain's head row locked, so concurrent appends
   * queue instead of forking. An event already appended (redelivery) appends nothing; answers how many were appended.
   */
  append(associationId: string, sourceEventId: string, entries: readonly NewAccess[]): Promise<number> {
    return this.db.tenant(associationId, async (tx) => {
      await tx.insert(accessLogHeads).values({ associationId, sequence: 0, hash: GENESIS_HASH }).onConflictDoNothing();
      const [head] = await tx.select().from(accessLogHeads).where(eq(accessLogHeads.associationId, associationId)).for('update');
      const seen = await tx
        .select({ id: accessLog.id })
        .from(accessLog)
        .where(and(eq(accessLog.associationId, associationId), eq(accessLog.sourceEventId, sourceEventId)))
        .limit(1);
      if (seen.length > 0) return 0;
      const people = await pseudonymsFor(tx, associationId, [...new Set(entries.flatMap((e) => (e.actorId ? [e.subjectId, e.actorId] : [e.subjectId])))]);
      let last: { sequence: number; hash: string } | null = head!.sequence === 0 ? null : head!;
      for (const [index, entry] of entries.entries()) {
        const salt = entry.reason === null ? null : newSalt();
        const next = chainNext(last, {
          subjectPseudonym: people.get(entry.subjectId)!,
          actorPseudonym: entry.actorId ? people.get(entry.actorId)! : null,
          actorKind: entry.actorKind,
          kind: entry.kind,
          fields: entry.fields,
          operation: entry.operation,
          at: entry.at,
          reasonHash: salt === null ? null : reasonHash(entry.reason!, salt),
        });
        await tx.insert(accessLog).values({ ...next, fields: [...next.fields], associationId, id: randomUUID(), sourceEventId, sourceIndex: index });
        if (salt !== null) await tx.insert(accessLogReasons).values({ associationId, sequence: next.sequence, salt, reason: entry.reason! });
        last = next;
      }
      if (last) await tx.update(accessLogHeads).set({ sequence: last.sequence, hash: last.hash }).where(eq(accessLogHeads.associationId, associationId));
      return entries.length;
    });
  }

  /** Entries about one person, newest first, `first` after the entry with sequence `before`. */
  about(associationId: string, personId: string, first: number, before: number | null): Promise<AccessEntry[]> {
    return this.db.tenant(associationId, async (tx) => {
      const [subject] = await tx
        .select({ pseudonym: pseudonyms.pseudonym })
        .from(pseudonyms)
        .where(and(eq(pseudonyms.associationId, associationId), eq(pseudonyms.personId, personId)));
      if (!subject) return [];
      return entriesWhere(tx, associationId, eq(accessLog.subjectPseudonym, subject.pseudonym), before, first);
    });
  }

  /** Associations with a chain; the verifier walks each. */
  associations(): Promise<{ associationId: string; sequence: number; hash: string }[]> {
    return this.db.system((tx) => tx.select().from(accessLogHeads).orderBy(asc(accessLogHeads.associationId)));
  }

  /** One association's chain in order, a page at a time (the verifier reads it all). */
  chainPage(associationId: string, afterSequence: number): Promise<ChainedEntry[]> {
    return this.db.system((tx) =>
      tx
        .select()
        .from(accessLog)
        .where(and(eq(accessLog.associationId, associationId), gt(accessLog.sequence, afterSequence)))
        .orderBy(asc(accessLog.sequence))
        .limit(PAGE),
    );
  }

  /** Export: the person's pseudonym and the entries about them (as myDataAccess shows them). */
  async exportOf(tx: Tx, associationId: string, personId: string): Promise<{ pseudonyms: Record<string, unknown>[]; entries: AccessEntry[] }> {
    const mapping = await tx
      .select()
      .from(pseudonyms)
      .where(and(eq(pseudonyms.associationId, associationId), eq(pseudonyms.personId, personId)));
    const pseudonym = mapping[0]?.pseudonym;
    const entries = pseudonym ? await entriesWhere(tx, associationId, eq(accessLog.subjectPseudonym, pseudonym), null, null) : [];
    return { pseudonyms: mapping, entries };
  }

  /**
   * Erasure: the reasons given for reading the person's data and their pseudonym mapping are deleted; the entries
   * about them or by them stay in the chain, no longer linkable to anyone. Counts are 0 the second time.
   */
  async erase(tx: Tx, associationId: string, personId: string): Promise<{ pseudonyms: number; reasons: number; entries: number }> {
    const [mapping] = await tx
      .select({ pseudonym: pseudonyms.pseudonym })
      .from(pseudonyms)
      .where(and(eq(pseudonyms.associationId, associationId), eq(pseudonyms.personId, personId)));
    if (!mapping) return { pseudonyms: 0, reasons: 0, entries: 0 };
    const involved = or(eq(accessLog.subjectPseudonym, mapping.pseudonym), eq(accessLog.actorPseudonym, mapping.pseudonym));
    const [{ entries }] = (await tx
      .select({ entries: sql<number>`count(*)::int` })
      .from(accessLog)
      .where(and(eq(accessLog.associationId, associationId), involved))) as [{ entries: number }];
    const about = tx
      .select({ sequence: accessLog.sequence })
      .from(accessLog)
      .where(and(eq(accessLog.associationId, associationId), eq(accessLog.subjectPseudonym, mapping.pseudonym)));
    const reasons = await tx
      .delete(accessLogReasons)
      .where(and(eq(accessLogReasons.associationId, associationId), inArray(accessLogReasons.sequence, about)))
      .returning({ sequence: accessLogReasons.sequence });
    await tx.delete(pseudonyms).where(and(eq(pseudonyms.associationId, associationId), eq(pseudonyms.personId, personId)));
    return { pseudonyms: 1, reasons: reasons.length, entries };
  }
}

/** The pseudonym of each person, made on first sight (a random id, never derived from the person's). */
async function pseudonymsFor(tx: Tx, associationId: string, people: string[]): Promise<Map<string, string>> {
  if (people.length === 0) return new Map();
  await tx
    .insert(pseudonyms)
    .values(people.map((personId) => ({ associationId, personId, pseudonym: randomUUID() })))
    .onConflictDoNothing();
  const rows = await tx
    .select()
    .from(pseudonyms)
    .where(and(eq(pseudonyms.associationId, associationId), inArray(pseudonyms.personId, people)));
  return new Map(rows.map((row) => [row.personId, row.pseudonym]));
}

async function entriesWhere(
  tx: Tx,
  associationId: string,
  condition: ReturnType<typeof eq>,
  before: number | null,
  first: number | null,
): Promise<AccessEntry[]> {
  const query = tx
    .select({
      sequence: accessLog.sequence,
      id: accessLog.id,
      at: accessLog.at,
      kind: accessLog.kind,
      actorKind: accessLog.actorKind,
      actorId: pseudonyms.personId,
      fields: accessLog.fields,
      operation: accessLog.operation,
      reason: accessLogReasons.reason,
    })
    .from(accessLog)
    .leftJoin(pseudonyms, and(eq(pseudonyms.associationId, accessLog.associationId), eq(pseudonyms.pseudonym, accessLog.actorPseudonym)))
    .leftJoin(accessLogReasons, and(eq(accessLogReasons.associationId, accessLog.associationId), eq(accessLogReasons.sequence, accessLog.sequence)))
    .where(and(eq(accessLog.associationId, associationId), condition, before === null ? undefined : lt(accessLog.sequence, before)))
    .orderBy(desc(accessLog.sequence));
  return first === null ? query : query.limit(first);
}
