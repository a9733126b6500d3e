import type { Announcement, SubgraphDatabase, Tx } from '@tunet/kit';
import { and, asc, count, countDistinct, desc, eq, inArray, ne, sql } from 'drizzle-orm';
import {
  comments,
  moderationActions,
  moderationCases,
  moderationReports,
  moderationSettings,
  posts,
  type ModerationDecision,
  type ModerationState,
  type ModerationTargetType,
} from '../tables';

export type CaseRow = typeof moderationCases.$inferSelect;
export type ReportRow = typeof moderationReports.$inferSelect;
export type ActionRow = typeof moderationActions.$inferSelect;
export type CaseStatus = CaseRow['status'];
export type NewReport = Pick<ReportRow, 'id' | 'targetType' | 'targetId' | 'reporterMemberId' | 'householdId' | 'reason' | 'note'>;
export type NewAction = Omit<ActionRow, 'associationId' | 'createdAt'>;

/** A post or comment as moderation sees it, whatever its state. `body` is null once a comment is deleted. */
export interface TargetRow {
  type: ModerationTargetType;
  id: string;
  postId: string;
  authorMemberId: string;
  title: string | null;
  body: string | null;
  state: ModerationState;
  /** Deleted by its author (or, for a comment, deleted outright): no moderation decision brings it back. */
  deleted: boolean;
}

/** What a report found, with the target and its case locked, for the service to decide on. */
export interface ReportSituation {
  target: TargetRow;
  moderationCase: CaseRow;
  householdCount: number;
  /** The association's setting; null when it kept the default. */
  threshold: number | null;
}

/** What the service decided a report leads to, written in the report's transaction. */
export interface ReportPlan {
  hide: NewAction | null;
  events: Announcement[];
}

/** What a decision found: the target locked, and its open case if any. */
export interface DecisionSituation {
  target: TargetRow;
  openCase: CaseRow | null;
}

/** A decision as the service planned it, written in one transaction. */
export interface DecisionPlan {
  state: ModerationState;
  resolve: { caseId: string; decision: ModerationDecision; byMemberId: string } | null;
  actions: NewAction[];
  events: Announcement[];
}

/** Keyset position in a list ordered by a timestamp and id. */
export type Position = { at: Date; id: string };

/** The only code that reads or writes reports, cases, the moderation log and settings. Every call names its tenant. */
export class ModerationRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  findTargets(tenant: string, type: ModerationTargetType, ids: readonly string[]): Promise<TargetRow[]> {
    return this.db.tenant(tenant, (tx) => this.selectTargets(tx, tenant, type, [...ids], false));
  }

  /**
   * Files the report, in the target's open case or a new one with `newCaseId`, unless the member reported the
   * target before (then answers with that report). The target
   * row stays locked until the commit, so concurrent reports on it queue and each counts the ones before it;
   * `plan` decides, from the locked state, whether the report hides the content and what to announce.
   */
  fileReport(
    tenant: string,
    report: NewReport,
    newCaseId: string,
    plan: (situation: ReportSituation) => ReportPlan,
  ): Promise<{ report: ReportRow; created: boolean } | null> {
    return this.db.tenant(tenant, async (tx) => {
      const [target] = await this.selectTargets(tx, tenant, report.targetType, [report.targetId], true);
      if (!target) return null;
      const [earlier] = await tx
        .select()
        .from(moderationReports)
        .where(
          and(
            eq(moderationReports.associationId, tenant),
            eq(moderationReports.targetType, report.targetType),
            eq(moderationReports.targetId, report.targetId),
            eq(moderationReports.reporterMemberId, report.reporterMemberId),
          ),
        );
      if (earlier) return { report: earlier, created: false };
      const openCase = (await this.openCaseOf(tx, tenant, target)) ?? (await this.openCase(tx, tenant, target, newCaseId));
      const [row] = await tx
        .insert(moderationReports)
        .values({ ...report, associationId: tenant, caseId: openCase.id })
        .returning();
      const [counted] = await tx
        .select({ households: countDistinct(moderationReports.householdId) })
        .from(moderationReports)
        .where(and(eq(moderationReports.associationId, tenant), eq(moderationReports.caseId, openCase.id)));
      const householdCount = counted?.households ?? 0;
      const [updated] = await tx
        .update(moderationCases)
        .set({ householdCount, lastReportedAt: row!.reportedAt })
        .where(and(eq(moderationCases.associationId, tenant), eq(moderationCases.id, openCase.id)))
        .returning();
      const decided = plan({ target, moderationCase: updated!, householdCount, threshold: await this.thresholdIn(tx, tenant) });
      if (decided.hide) {
        await this.setState(tx, tenant, target, 'hidden');
        await tx.insert(moderationActions).values({ ...decided.hide, associationId: tenant });
      }
      for (const event of decided.events) await this.db.outbox.add(tx, { ...event, associationId: tenant });
      return { report: row!, created: true };
    });
  }

  /**
   * Applies a decision on one target: its new state, the case it resolves, the logged actions and the events, all
   * or nothing. `plan` sees the target and its open case locked, and may throw to refuse. Null if the target is gone.
   */
  decide(
    tenant: string,
    type: ModerationTargetType,
    id: string,
    plan: (situation: DecisionSituation) => DecisionPlan,
  ): Promise<{ actions: ActionRow[]; resolved: CaseRow | null } | null> {
    return this.db.tenant(tenant, async (tx) => {
      const [target] = await this.selectTargets(tx, tenant, type, [id], true);
      if (!target) return null;
      const decided = plan({ target, openCase: (await this.openCaseOf(tx, tenant, target)) ?? null });
      if (decided.state !== target.state) await this.setState(tx, tenant, target, decided.state);
      let resolved: CaseRow | null = null;
      if (decided.resolve) {
        const { caseId, decision, byMemberId } = decided.resolve;
        [resolved = null] = await tx
          .update(moderationCases)
          .set({ status: 'RESOLVED', decision, resolvedByMemberId: byMemberId, resolvedAt: new Date() })
          .where(and(eq(moderationCases.associationId, tenant), eq(moderationCases.id, caseId)))
          .returning();
      }
      const actions =
        decided.actions.length > 0
          ? await tx
              .insert(moderationActions)
              .values(decided.actions.map((action) => ({ ...action, associationId: tenant })))
              .returning()
          : [];
      for (const event of decided.events) await this.db.outbox.add(tx, { ...event, associationId: tenant });
      return { actions, resolved };
    });
  }

  findCases(tenant: string, ids: readonly string[]): Promise<CaseRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(moderationCases)
        .where(and(eq(moderationCases.associationId, tenant), inArray(moderationCases.id, [...ids]))),
    );
  }

  /**
   * One page of the queue, fetching `limit + 1` to learn whether another follows: open cases oldest first by
   * opening, resolved ones newest first by decision, each with the row comparison that lets its index start at
   * the cursor.
   */
  listCases(tenant: string, status: CaseStatus, limit: number, after: Position | null): Promise<CaseRow[]> {
    const open = status === 'OPEN';
    const at = open ? moderationCases.openedAt : moderationCases.resolvedAt;
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(moderationCases)
        .where(
          and(
            eq(moderationCases.associationId, tenant),
            eq(moderationCases.status, status),
            after && open ? sql`(${at}, ${moderationCases.id}) > (${after.at.toISOString()}::timestamptz, ${after.id}::uuid)` : undefined,
            after && !open ? sql`(${at}, ${moderationCases.id}) < (${after.at.toISOString()}::timestamptz, ${after.id}::uuid)` : undefined,
          ),
        )
        .orderBy(...(open ? [asc(at), asc(moderationCases.id)] : [desc(at), desc(moderationCases.id)]))
        .limit(limit),
    );
  }

  /** How many cases of the status the association has; counted from the same partial indexes the queue pages by. */
  async countCases(tenant: string, status: CaseStatus): Promise<number> {
    const [row] = await this.db.tenant(tenant, (tx) =>
      tx
        .select({ total: count() })
        .from(moderationCases)
        .where(and(eq(moderationCases.associationId, tenant), eq(moderationCases.status, status))),
    );
    return row?.total ?? 0;
  }

  findReports(tenant: string, caseIds: readonly string[]): Promise<ReportRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(moderationReports)
        .where(and(eq(moderationReports.associationId, tenant), inArray(moderationReports.caseId, [...caseIds])))
        .orderBy(asc(moderationReports.reportedAt), asc(moderationReports.id)),
    );
  }

  findCaseActions(tenant: string, caseIds: readonly string[]): Promise<ActionRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(moderationActions)
        .where(and(eq(moderationActions.associationId, tenant), inArray(moderationActions.caseId, [...caseIds])))
        .orderBy(asc(moderationActions.createdAt), asc(moderationActions.id)),
    );
  }

  /** The latest action that changed each of a batch of targets' state: the reason its author is shown. */
  findLatestDecisions(tenant: string, type: ModerationTargetType, targetIds: readonly string[]): Promise<ActionRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .selectDistinctOn([moderationActions.targetId])
        .from(moderationActions)
        .where(
          and(
            eq(moderationActions.associationId, tenant),
            eq(moderationActions.targetType, type),
            inArray(moderationActions.targetId, [...targetIds]),
            ne(moderationActions.action, 'SUSPEND_AUTHOR'),
          ),
        )
        .orderBy(moderationActions.targetId, desc(moderationActions.createdAt), desc(moderationActions.id)),
    );
  }

  /** One page of the log, newest first; `limit + 1` as for the queue. */
  listActions(tenant: string, limit: number, after: Position | null): Promise<ActionRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(moderationActions)
        .where(
          and(
            eq(moderationActions.associationId, tenant),
            after ? sql`(${moderationActions.createdAt}, ${moderationActions.id}) < (${after.at.toISOString()}::timestamptz, ${after.id}::uuid)` : undefined,
          ),
        )
        .orderBy(desc(moderationActions.createdAt), desc(moderationActions.id))
        .limit(limit),
    );
  }

  /** The association's report threshold; null while it keeps the default. */
  threshold(tenant: string): Promise<number | null> {
    return this.db.tenant(tenant, (tx) => this.thresholdIn(tx, tenant));
  }

  async setThreshold(tenant: string, reportThreshold: number, byMemberId: string): Promise<void> {
    const change = { reportThreshold, updatedByMemberId: byMemberId, updatedAt: new Date() };
    await this.db.tenant(tenant, (tx) =>
      tx
        .insert(moderationSettings)
        .values({ associationId: tenant, ...change })
        .onConflictDoUpdate({ target: moderationSettings.associationId, set: change }),
    );
  }

  private async thresholdIn(tx: Tx, tenant: string): Promise<number | null> {
    const [row] = await tx
      .select({ reportThreshold: moderationSettings.reportThreshold })
      .from(moderationSettings)
      .where(eq(moderationSettings.associationId, tenant));
    return row?.reportThreshold ?? null;
  }

  private async openCaseOf(tx: Tx, tenant: string, target: TargetRow): Promise<CaseRow | undefined> {
    const [row] = await tx
      .select()
      .from(moderationCases)
      .where(
        and(
          eq(moderationCases.associationId, tenant),
          eq(moderationCases.targetType, target.type),
          eq(moderationCases.targetId, target.id),
          eq(moderationCases.status, 'OPEN'),
        ),
      )
      .for('update');
    return row;
  }

  private async openCase(tx: Tx, tenant: string, target: TargetRow, id: string): Promise<CaseRow> {
    const [row] = await tx
      .insert(moderationCases)
      .values({ associationId: tenant, id, targetType: target.type, targetId: target.id, authorMemberId: target.authorMemberId, postId: target.postId })
      .returning();
    return row!;
  }

  private async setState(tx: Tx, tenant: string, target: TargetRow, state: ModerationState): Promise<void> {
    const table = target.type === 'POST' ? posts : comments;
    await tx
      .update(table)
      .set({ moderationState: state, moderatedAt: new Date() })
      .where(and(eq(table.associationId, tenant), eq(table.id, target.id)));
  }

  private async selectTargets(tx: Tx, tenant: string, type: ModerationTargetType, ids: string[], lock: boolean): Promise<TargetRow[]> {
    if (type === 'POST') {
      const query = tx
        .select({
          id: posts.id,
          postId: posts.id,
          authorMemberId: posts.authorMemberId,
          title: posts.title,
          body: posts.body,
          state: posts.moderationState,
          deleted: sql<boolean>`${posts.deletedAt} is not null`,
        })
        .from(posts)
        .where(and(eq(posts.associationId, tenant), inArray(posts.id, ids)));
      const rows = lock ? await query.for('update') : await query;
      return rows.map((row) => ({ ...row, type }));
    }
    const query = tx
      .select({
        id: comments.id,
        postId: comments.postId,
        authorMemberId: comments.authorMemberId,
        // A deleted comment's text is kept only until the retention job purges it; moderation never shows it.
        body: sql<string | null>`case when ${comments.deletedAt} is null then ${comments.body} end`,
        state: comments.moderationState,
        deleted: sql<boolean>`${comments.deletedAt} is not null`,
      })
      .from(comments)
      .where(and(eq(comments.associationId, tenant), inArray(comments.id, ids)));
    const rows = lock ? await query.for('update') : await query;
    return rows.map((row) => ({ ...row, title: null, type }));
  }
}
