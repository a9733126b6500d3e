import type { Announcement, SubgraphDatabase, Tx } from '@tunet/kit';
import { and, desc, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import type { AssociationRow } from '../members/members.repository';
import { associations, breachNotices, refreshTokens, terminations } from '../tables';

export type TerminationRow = typeof terminations.$inferSelect;

export type BreachNoticeRow = typeof breachNotices.$inferSelect;
export type BlockGround = NonNullable<typeof associations.$inferSelect.blockedGround>;
export type NewTermination = Omit<typeof terminations.$inferInsert, 'associationId' | 'withdrawnAt' | 'completedAt'>;
export type NewBreachNotice = Omit<typeof breachNotices.$inferInsert, 'associationId' | 'closedAt'>;

const agreementColumns = {
  id: associations.id,
  status: associations.status,
  timeZone: associations.timeZone,
  terminatedOn: associations.terminatedOn,
  blockedAt: associations.blockedAt,
  blockedGround: associations.blockedGround,
  blockedReason: associations.blockedReason,
};
/** The association's side of its agreement: whether it runs, and why access is blocked. */
export type AgreementAssociation = { [K in keyof typeof agreementColumns]: (typeof associations.$inferSelect)[K] };

export interface AgreementState {
  association: AgreementAssociation;
  /** Filed, neither withdrawn nor completed. */
  openTermination: TerminationRow | null;
  /** The termination that ended it, once one has. */
  endedBy: TerminationRow | null;
  breachNotices: BreachNoticeRow[];
}

/** A termination whose day has come, as the sweep completes it. */
export interface DueTermination {
  associationId: string;
  id: string;
  initiatedBy: TerminationRow['initiatedBy'];
  effectiveOn: string;
  timeZone: string;
}

/** The newest notices an agreement shows; a provider writes a handful per association, not hundreds. */
const BREACH_NOTICES_SHOWN = 100;

const open = and(isNull(terminations.withdrawnAt), isNull(terminations.completedAt));

/** The changes an agreement can undergo, inside the transaction that holds the association's row locked. */
export class AgreementChanges {
  constructor(
    private readonly tx: Tx,
    private readonly db: SubgraphDatabase,
    readonly tenant: string,
  ) {}

  async fileTermination(termination: NewTermination): Promise<TerminationRow> {
    const [row] = await this.tx
      .insert(terminations)
      .values({ ...termination, associationId: this.tenant })
      .returning();
    return row!;
  }

  async withdrawTermination(id: string, at: Date): Promise<TerminationRow> {
    const [row] = await this.tx
      .update(terminations)
      .set({ withdrawnAt: at })
      .where(and(eq(terminations.associationId, this.tenant), eq(terminations.id, id), open))
      .returning();
    return row!;
  }

  async findBreachNotice(id: string): Promise<BreachNoticeRow | null> {
    const [row] = await this.tx
      .select()
      .from(breachNotices)
      .where(and(eq(breachNotices.associationId, this.tenant), eq(breachNotices.id, id)));
    return row ?? null;
  }

  async addBreachNotice(notice: NewBreachNotice): Promise<BreachNoticeRow> {
    const [row] = await this.tx
      .insert(breachNotices)
      .values({ ...notice, associationId: this.tenant })
      .returning();
    return row!;
  }

  async block(ground: BlockGround, reason: string, at: Date): Promise<void> {
    await this.tx
      .update(associations)
      .set({ status: 'blocked', blockedAt: at, blockedGround: ground, blockedReason: reason })
      .where(eq(associations.id, this.tenant));
  }

  /** Reopens: the block is forgotten, and the breach notices still open are settled by it. */
  async unblock(at: Date): Promise<void> {
    await this.tx
      .update(associations)
      .set({ status: 'active', blockedAt: null, blockedGround: null, blockedReason: null })
      .where(eq(associations.id, this.tenant));
    await this.tx
      .update(breachNotices)
      .set({ closedAt: at })
      .where(and(eq(breachNotices.associationId, this.tenant), isNull(breachNotices.closedAt)));
  }

  /** Ends every live session (refresh-token family) of the association's people. */
  endSessions(at: Date): Promise<number> {
    return endSessions(this.tx, this.tenant, at);
  }

  async announce(announcement: Announcement): Promise<void> {
    await this.db.outbox.add(this.tx, { ...announcement, associationId: this.tenant });
  }

  /** The association as the changes left it. */
  async association(): Promise<AssociationRow> {
    const [row] = await this.tx.select().from(associations).where(eq(associations.id, this.tenant));
    return row!;
  }
}

/** The only code that reads or writes terminations, breach notices and an association's blocked state. */
export class AgreementsRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  /**
   * Runs `decide` on the agreement with the association's row locked, so two changes of one agreement (two filings,
   * a block and a filing) happen one after the other and each sees the other's outcome. Null for no association.
   */
  change<T>(tenant: string, decide: (agreement: AgreementState, changes: AgreementChanges) => Promise<T>): Promise<T | null> {
    return this.db.tenant(tenant, async (tx) => {
      const [association] = await tx.select(agreementColumns).from(associations).where(eq(associations.id, tenant)).for('update');
      if (!association) return null;
      return decide(await readAgreement(tx, association), new AgreementChanges(tx, this.db, tenant));
    });
  }

  agreement(tenant: string): Promise<AgreementState | null> {
    return this.db.tenant(tenant, async (tx) => {
      const [association] = await tx.select(agreementColumns).from(associations).where(eq(associations.id, tenant));
      return association ? readAgreement(tx, association) : null;
    });
  }

  /** The association of a termination filed in the tenant, or null. */
  async associationOfTermination(tenant: string, id: string): Promise<string | null> {
    const [row] = await this.db.tenant(tenant, (tx) => findTerminationAssociation(tx, id));
    return row?.associationId ?? null;
  }

  /** Operators act at platform level and name only the termination: system scope, reading its association's id alone. */
  async associationOfTerminationAnywhere(id: string): Promise<string | null> {
    const [row] = await this.db.system((tx) => findTerminationAssociation(tx, id));
    return row?.associationId ?? null;
  }

  /**
   * Completes up to `limit` terminations whose day has come in their association's zone at `now`, each once across
   * every replica: the rows are claimed `for update skip locked`, and `complete` runs for each in the same
   * transaction (it announces), so a failure leaves the termination open for the next sweep.
   */
  completeDueTerminations(now: Date, limit: number, complete: (due: DueTermination, changes: AgreementChanges) => Promise<void>): Promise<number> {
    return this.db.system(async (tx) => {
      const { rows } = (await tx.execute(sql`
        select t.association_id as "associationId", t.id, t.initiated_by as "initiatedBy", t.effective_on::text as "effectiveOn",
          a.time_zone as "timeZone"
        from members.terminations t
        join members.associations a on a.id = t.association_id
        where t.withdrawn_at is null and t.completed_at is null
          and t.effective_on <= (${now.toISOString()}::timestamptz at time zone a.time_zone)::date
        order by t.effective_on, t.id
        limit ${limit}
        for update of t skip locked
      `)) as { rows: DueTermination[] };
      for (const due of rows) {
        await tx
          .update(terminations)
          .set({ completedAt: now })
          .where(and(eq(terminations.associationId, due.associationId), eq(terminations.id, due.id)));
        await tx.update(associations).set({ status: 'terminated', terminatedOn: due.effectiveOn }).where(eq(associations.id, due.associationId));
        await complete(due, new AgreementChanges(tx, this.db, due.associationId));
      }
      return rows.length;
    });
  }
}

function findTerminationAssociation(tx: Tx, id: string) {
  return tx.select({ associationId: terminations.associationId }).from(terminations).where(eq(terminations.id, id));
}

async function readAgreement(tx: Tx, association: AgreementAssociation): Promise<AgreementState> {
  const tenant = association.id;
  const [openTermination] = await tx
    .select()
    .from(terminations)
    .where(and(eq(terminations.associationId, tenant), open));
  const [endedBy] = await tx
    .select()
    .from(terminations)
    .where(and(eq(terminations.associationId, tenant), isNotNull(terminations.completedAt)))
    .orderBy(desc(terminations.completedAt))
    .limit(1);
  const notices = await tx
    .select()
    .from(breachNotices)
    .where(eq(breachNotices.associationId, tenant))
    .orderBy(desc(breachNotices.noticedAt))
    .limit(BREACH_NOTICES_SHOWN);
  return { association, openTermination: openTermination ?? null, endedBy: endedBy ?? null, breachNotices: notices };
}

async function endSessions(tx: Tx, tenant: string, at: Date): Promise<number> {
  const ended = await tx
    .update(refreshTokens)
    .set({ revokedAt: at })
    .where(and(eq(refreshTokens.associationId, tenant), isNull(refreshTokens.revokedAt)))
    .returning({ familyId: refreshTokens.familyId });
  return new Set(ended.map((row) => row.familyId)).size;
}
