import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, gt, gte, inArray, lt, ne, or, sql } from 'drizzle-orm';
import { conflict, notFound, type ReceiptEntry, type SubgraphDatabase, type Tx } from '@tunet/kit';
import { settingsIn } from '../settings/settings.repository';
import { requests, requestSteps, type RequestKind, type RequestReason } from '../tables';
import { checkExtension, deadlineOf, extensionTooLate } from './requests.rules';

export type RequestRow = typeof requests.$inferSelect;
export type StepRow = typeof requestSteps.$inferSelect;

export interface NewRequest {
  associationId: string;
  kind: RequestKind;
  subjectMemberId: string;
  requestedBy: string | null;
  reason: RequestReason;
  receivedAt: Date;
  timeZone: string;
  /** The subgraphs asked, one step each. */
  subgraphs: readonly string[];
}

/** Where a page of the board's list starts: after this request in the list's order. */
export type RequestPosition = { filter: 'open'; deadline: string; id: string } | { filter: 'completed'; completedAt: Date; id: string };

async function openIn(tx: Tx, associationId: string, memberId: string, kind: RequestKind): Promise<RequestRow | undefined> {
  const [open] = await tx
    .select()
    .from(requests)
    .where(and(eq(requests.associationId, associationId), eq(requests.subjectMemberId, memberId), eq(requests.kind, kind), ne(requests.status, 'completed')));
  return open;
}

export class RequestsRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  /**
   * Records a request with a pending step per subgraph, unless one of the kind is open for the person: then that one
   * (`created` false). An erasure takes the association's content policy as it is now.
   */
  open(request: NewRequest): Promise<{ row: RequestRow; created: boolean }> {
    const { associationId } = request;
    return this.db.tenant(associationId, async (tx) => {
      const keepContent = request.kind === 'erasure' ? (await settingsIn(tx, associationId)).keepContent : null;
      const id = randomUUID();
      const [row] = await tx
        .insert(requests)
        .values({
          associationId,
          id,
          kind: request.kind,
          subjectMemberId: request.subjectMemberId,
          requestedBy: request.requestedBy,
          reason: request.reason,
          status: 'in_progress',
          receivedAt: request.receivedAt,
          deadline: deadlineOf(request.receivedAt, request.timeZone),
          timeZone: request.timeZone,
          keepContent,
        })
        .onConflictDoNothing()
        .returning();
      if (row) {
        await tx.insert(requestSteps).values(request.subgraphs.map((subgraph) => ({ associationId, requestId: id, subgraph, status: 'pending' as const })));
        return { row, created: true };
      }
      const open = await openIn(tx, associationId, request.subjectMemberId, request.kind);
      if (!open) throw new Error('request insert conflicted without an open request');
      return { row: open, created: false };
    });
  }

  /** The person's open request of a kind, if any. */
  openOf(associationId: string, memberId: string, kind: RequestKind): Promise<RequestRow | undefined> {
    return this.db.tenant(associationId, (tx) => openIn(tx, associationId, memberId, kind));
  }

  /**
   * When requests of a kind about the person since `since` came in, oldest first (the rate of asking), counted per
   * requester: the person's own (`byThemself`), or the board's on their behalf, so the board asking never uses up the
   * person's own requests.
   */
  receivedSince(associationId: string, memberId: string, kind: RequestKind, since: Date, byThemself: boolean): Promise<Date[]> {
    return this.db.tenant(associationId, async (tx) => {
      const rows = await tx
        .select({ receivedAt: requests.receivedAt })
        .from(requests)
        .where(
          and(
            eq(requests.associationId, associationId),
            eq(requests.subjectMemberId, memberId),
            byThemself ? eq(requests.requestedBy, memberId) : ne(requests.requestedBy, memberId),
            eq(requests.kind, kind),
            gte(requests.receivedAt, since),
            eq(requests.reason, 'request'),
          ),
        )
        .orderBy(asc(requests.receivedAt));
      return rows.map((row) => row.receivedAt);
    });
  }

  /** Whether an erasure of the person was ever asked for in the association (open or completed). */
  erasureAsked(associationId: string, memberId: string): Promise<boolean> {
    return this.db.tenant(associationId, async (tx) => {
      const [row] = await tx
        .select({ id: requests.id })
        .from(requests)
        .where(and(eq(requests.associationId, associationId), eq(requests.subjectMemberId, memberId), eq(requests.kind, 'erasure')))
        .limit(1);
      return Boolean(row);
    });
  }

  get(associationId: string, id: string): Promise<RequestRow | undefined> {
    return this.db.tenant(associationId, async (tx) => {
      const [row] = await tx
        .select()
        .from(requests)
        .where(and(eq(requests.associationId, associationId), eq(requests.id, id)));
      return row;
    });
  }

  /** Each request's steps, in the order they were created. */
  stepsOf(associationId: string, requestIds: readonly string[]): Promise<StepRow[]> {
    if (requestIds.length === 0) return Promise.resolve([]);
    return this.db.tenant(associationId, (tx) =>
      tx
        .select()
        .from(requestSteps)
        .where(and(eq(requestSteps.associationId, associationId), inArray(requestSteps.requestId, [...requestIds]))),
    );
  }

  /** Open requests by deadline (so overdue ones come first), or completed ones newest first. */
  page(associationId: string, filter: 'open' | 'completed', limit: number, after: RequestPosition | null): Promise<RequestRow[]> {
    return this.db.tenant(associationId, (tx) => {
      const base = eq(requests.associationId, associationId);
      if (filter === 'open') {
        const from =
          after?.filter === 'open'
            ? or(gt(requests.deadline, after.deadline), and(eq(requests.deadline, after.deadline), gt(requests.id, after.id)))
            : undefined;
        return tx
          .select()
          .from(requests)
          .where(and(base, ne(requests.status, 'completed'), from))
          .orderBy(asc(requests.deadline), asc(requests.id))
          .limit(limit);
      }
      const from =
        after?.filter === 'completed'
          ? or(lt(requests.completedAt, after.completedAt), and(eq(requests.completedAt, after.completedAt), lt(requests.id, after.id)))
          : undefined;
      return tx
        .select()
        .from(requests)
        .where(and(base, eq(requests.status, 'completed'), from))
        .orderBy(desc(requests.completedAt), desc(requests.id))
        .limit(limit);
    });
  }

  /** The requests about a person, newest first (the last 50). */
  about(associationId: string, memberId: string): Promise<RequestRow[]> {
    return this.db.tenant(associationId, (tx) =>
      tx
        .select()
        .from(requests)
        .where(and(eq(requests.associationId, associationId), eq(requests.subjectMemberId, memberId)))
        .orderBy(desc(requests.receivedAt), desc(requests.id))
        .limit(50),
    );
  }

  /**
   * Adds `months` to an open request's extension with its reason, moves the deadline and announces it, in one
   * transaction with the row locked. NOT_FOUND, CONFLICT for a completed request or once the first month is over (the
   * person must be told within it, GDPR art. 12(3)), BAD_USER_INPUT past two months.
   */
  extend(associationId: string, id: string, change: { months: number; reason: string; by: string; now: Date }): Promise<RequestRow> {
    return this.db.tenant(associationId, async (tx) => {
      const [row] = await tx
        .select()
        .from(requests)
        .where(and(eq(requests.associationId, associationId), eq(requests.id, id)))
        .for('update');
      if (!row) throw notFound('The privacy request');
      if (row.status === 'completed') throw conflict('The request is completed; there is no deadline left to extend.');
      if (extensionTooLate(row.receivedAt, row.timeZone, change.now)) {
        throw conflict('The first month after the request came in is over: an extension had to be told the person within it (GDPR art. 12(3)).');
      }
      const reason = checkExtension(row.extensionMonths, change.months, change.reason);
      const months = row.extensionMonths + change.months;
      const [updated] = await tx
        .update(requests)
        .set({ extensionMonths: months, extensionReason: reason, extendedBy: change.by, deadline: deadlineOf(row.receivedAt, row.timeZone, months) })
        .where(and(eq(requests.associationId, associationId), eq(requests.id, id)))
        .returning();
      await this.db.outbox.add(tx, {
        topic: 'privacy.request_extended',
        associationId,
        payload: { requestId: id, memberId: row.subjectMemberId, kind: row.kind, deadline: updated!.deadline, reason },
      });
      return updated!;
    });
  }

  /**
   * Leases up to `limit` open requests for `leaseMs`, oldest first, across associations: rows another process holds
   * (locked now, or leased and not expired) are skipped, so two privacy processes never work on one request at once.
   */
  lease(now: Date, leaseMs: number, limit: number): Promise<RequestRow[]> {
    const until = new Date(now.getTime() + leaseMs);
    return this.db.system(async (tx) => {
      const { rows } = (await tx.execute(sql`
        update privacy.requests r set leased_until = ${until.toISOString()}::timestamptz
        from (select association_id, id from privacy.requests
              where status <> 'completed' and (leased_until is null or leased_until < ${now.toISOString()}::timestamptz)
              order by received_at, id limit ${limit} for update skip locked) due
        where r.association_id = due.association_id and r.id = due.id
        returning r.association_id, r.id`)) as { rows: { association_id: string; id: string }[] };
      if (rows.length === 0) return [];
      return tx
        .select()
        .from(requests)
        .where(or(...rows.map((row) => and(eq(requests.associationId, row.association_id), eq(requests.id, row.id)))))
        .orderBy(asc(requests.receivedAt), asc(requests.id));
    });
  }

  /** Ends this lease (`leasedUntil`, as `lease` set it); one another process has taken since is left alone. */
  release(associationId: string, id: string, leasedUntil: Date | null): Promise<void> {
    return this.db.tenant(associationId, async (tx) => {
      if (!leasedUntil) return;
      await tx
        .update(requests)
        .set({ leasedUntil: null })
        .where(and(eq(requests.associationId, associationId), eq(requests.id, id), eq(requests.leasedUntil, leasedUntil)));
    });
  }

  /** Moves this lease from `leasedUntil` to `until`; false, and nothing changed, when another process has taken it since. */
  renew(associationId: string, id: string, leasedUntil: Date, until: Date): Promise<boolean> {
    return this.db.tenant(associationId, (tx) => this.renewIn(tx, associationId, id, leasedUntil, until));
  }

  /** `renew` inside the caller's transaction (the publisher's, whose completion it guards). */
  async renewIn(tx: Tx, associationId: string, id: string, leasedUntil: Date, until: Date): Promise<boolean> {
    const renewed = await tx
      .update(requests)
      .set({ leasedUntil: until })
      .where(and(eq(requests.associationId, associationId), eq(requests.id, id), eq(requests.leasedUntil, leasedUntil)))
      .returning({ id: requests.id });
    return renewed.length > 0;
  }

  setTombstone(associationId: string, id: string, tombstoneMemberId: string): Promise<void> {
    return this.db.tenant(associationId, async (tx) => {
      await tx
        .update(requests)
        .set({ tombstoneMemberId })
        .where(and(eq(requests.associationId, associationId), eq(requests.id, id)));
    });
  }

  /** A step's attempt: done with the subgraph's receipt, or still pending with what went wrong. */
  recordAttempt(
    associationId: string,
    requestId: string,
    subgraph: string,
    outcome: { receipt: ReceiptEntry[] } | { error: string },
    now: Date,
  ): Promise<void> {
    return this.db.tenant(associationId, async (tx) => {
      const done = 'receipt' in outcome;
      await tx
        .update(requestSteps)
        .set({
          attempts: sql`${requestSteps.attempts} + 1`,
          lastAttemptAt: now,
          status: done ? 'done' : 'pending',
          lastError: done ? null : outcome.error,
          finishedAt: done ? now : null,
          receipt: done ? outcome.receipt : null,
        })
        .where(
          and(
            eq(requestSteps.associationId, associationId),
            eq(requestSteps.requestId, requestId),
            eq(requestSteps.subgraph, subgraph),
            eq(requestSteps.status, 'pending'),
          ),
        );
    });
  }

  markBuilding(associationId: string, id: string): Promise<void> {
    return this.db.tenant(associationId, async (tx) => {
      await tx
        .update(requests)
        .set({ status: 'building' })
        .where(and(eq(requests.associationId, associationId), eq(requests.id, id), eq(requests.status, 'in_progress')));
    });
  }

  /** Completes an erasure (and announces it) in its own transaction; an export completes through `completeIn`. */
  complete(associationId: string, id: string, now: Date): Promise<boolean> {
    return this.db.tenant(associationId, (tx) => this.completeIn(tx, associationId, id, now));
  }

  /** Marks the request completed and writes `privacy.request_completed` in the caller's transaction; false if it already was. */
  async completeIn(tx: Tx, associationId: string, id: string, now: Date): Promise<boolean> {
    const [row] = await tx
      .update(requests)
      .set({ status: 'completed', completedAt: now, leasedUntil: null })
      .where(and(eq(requests.associationId, associationId), eq(requests.id, id), ne(requests.status, 'completed')))
      .returning();
    if (!row) return false;
    await this.db.outbox.add(tx, {
      topic: 'privacy.request_completed',
      associationId,
      payload: { requestId: id, memberId: row.subjectMemberId, requestedBy: row.requestedBy, kind: row.kind },
    });
    // Written after every subgraph erased the person: it still goes out (the board is told), then is not kept for a
    // replay, like the person's other events (decision 0052).
    if (row.kind === 'erasure') await this.db.outbox.forgetPerson(tx, associationId, [row.subjectMemberId]);
    return true;
  }
}
