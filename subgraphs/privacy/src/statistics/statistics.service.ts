import { badUserInput, forbidden, monthSchema, notFound, todayIn, unauthenticated, type Viewer } from '@tunet/kit';
import { isBoardOf, isOperator } from '../settings/settings.access';
import type { CurrentAssociations } from '../subprocessors/current-associations';
import { associationFigure, platformFigure, type Count, type Figure } from './statistics.rules';
import type { UsageSource } from './usage-source';

/** Why a figure is not shown: a group under five people, or (platform-wide) under five associations to add up. */
export type SuppressionReason = 'SMALL_GROUP' | 'FEW_ASSOCIATIONS';
export type UsageFigure = Figure & { suppressionReason: SuppressionReason | null };
export type PlatformUsageFigure = UsageFigure & { associations: number };
export interface UsageStatistics {
  month: string;
  booked: UsageFigure;
  commented: UsageFigure;
}
export interface PlatformUsageStatistics {
  month: string;
  booked: PlatformUsageFigure;
  commented: PlatformUsageFigure;
}

interface AssociationCounts {
  month: string;
  timeZone: string;
  booked: Count;
  commented: Count;
}

/** The platform's months are Oslo's; each association counts that month in its own zone. */
const PLATFORM_ZONE = 'Europe/Oslo';
/** Associations counted at once for the platform figure (three internal calls each). */
const PARALLEL_ASSOCIATIONS = 4;

/**
 * Anonymous usage statistics (issue 14, docs/decisions/0040): the share of an association's residents who booked
 * and who commented in one whole month. Member ids come in from members, reservations and posts and are only
 * intersected here; what leaves is a count that passed the k ≥ 5 rule (statistics.rules.ts) or nothing.
 */
export class StatisticsService {
  constructor(
    private readonly source: UsageSource,
    private readonly associations: CurrentAssociations,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The board's (and operators') figures for one association; `month` defaults to this month in its time zone. */
  async forAssociation(viewer: Viewer | null, associationId: string, month: string | null | undefined): Promise<UsageStatistics> {
    if (!viewer) throw unauthenticated();
    if (!isOperator(viewer) && !isBoardOf(viewer, associationId)) throw forbidden('Usage statistics are for the board.');
    const counts = await this.countsOf(associationId, validMonth(month));
    if (!counts) throw notFound('The association');
    notBegun(counts.month, todayIn(counts.timeZone, this.now()));
    return { month: counts.month, booked: shown(associationFigure(counts.booked)), commented: shown(associationFigure(counts.commented)) };
  }

  /** Operators' platform-wide figures, over the associations not terminated whose own figure is showable. */
  async forPlatform(viewer: Viewer | null, month: string | null | undefined): Promise<PlatformUsageStatistics> {
    if (!viewer) throw unauthenticated();
    if (!isOperator(viewer)) throw forbidden('Platform statistics are for platform operators.');
    const today = todayIn(PLATFORM_ZONE, this.now());
    const resolved = validMonth(month) ?? today.slice(0, 7);
    notBegun(resolved, today);
    const ids = (await this.associations.list()).map((a) => a.associationId);
    const counts: AssociationCounts[] = [];
    for (let i = 0; i < ids.length; i += PARALLEL_ASSOCIATIONS) {
      const batch = await Promise.all(ids.slice(i, i + PARALLEL_ASSOCIATIONS).map((id) => this.countsOf(id, resolved)));
      counts.push(...batch.filter((c): c is AssociationCounts => c !== null));
    }
    return {
      month: resolved,
      booked: platformShown(platformFigure(counts.map((c) => c.booked))),
      commented: platformShown(platformFigure(counts.map((c) => c.commented))),
    };
  }

  private async countsOf(associationId: string, month: string | null): Promise<AssociationCounts | null> {
    const residents = await this.source.residents(associationId, month, this.now());
    if (!residents) return null;
    const people = new Set(residents.memberIds);
    const [bookers, commenters] = await Promise.all(
      (['bookers', 'commenters'] as const).map((activity) => this.source.active(activity, associationId, residents.month, residents.timeZone)),
    );
    const among = (ids: string[]): Count => ({ count: new Set(ids.filter((id) => people.has(id))).size, population: people.size });
    return { month: residents.month, timeZone: residents.timeZone, booked: among(bookers!), commented: among(commenters!) };
  }
}

function validMonth(month: string | null | undefined): string | null {
  if (month == null) return null;
  if (!monthSchema.safeParse(month).success) throw badUserInput('month', 'Give a whole month as YYYY-MM.');
  return month;
}

function notBegun(month: string, today: string): void {
  if (month > today.slice(0, 7)) throw badUserInput('month', 'That month has not begun.');
}

const shown = (figure: Figure): UsageFigure => ({ ...figure, suppressionReason: figure.suppressed ? 'SMALL_GROUP' : null });

const platformShown = (figure: Figure & { associations: number }): PlatformUsageFigure => ({
  ...figure,
  suppressionReason: figure.suppressed ? 'FEW_ASSOCIATIONS' : null,
});
