import {
  postInternalRoute,
  refuse,
  STATISTICS_BOOKERS_ROUTE,
  STATISTICS_COMMENTERS_ROUTE,
  STATISTICS_RESIDENTS_ROUTE,
  statisticsActivityAnswerSchema,
  statisticsResidentsAnswerSchema,
  type StatisticsResidentsAnswer,
} from '@tunet/kit';

export type Activity = 'bookers' | 'commenters';

/** Where the counts come from: members' residents and the people active in reservations and posts (decision 0040). */
export interface UsageSource {
  /** The association's residents in `month` (null: the month it is at `at` there), or null for no such association. */
  residents(associationId: string, month: string | null, at: Date): Promise<StatisticsResidentsAnswer | null>;
  /** Distinct members who made a booking (bookers) or wrote a comment (commenters) in the month. */
  active(activity: Activity, associationId: string, month: string, timeZone: string): Promise<string[]>;
}

const ACTIVITY = {
  bookers: { subgraph: 'reservations', route: STATISTICS_BOOKERS_ROUTE, kind: 'statistics.bookers' },
  commenters: { subgraph: 'posts', route: STATISTICS_COMMENTERS_ROUTE, kind: 'statistics.commenters' },
} as const;

/** Asks the subgraphs over signed internal routes; one that does not answer gives SERVICE_UNAVAILABLE. */
export class SignedUsageSource implements UsageSource {
  constructor(
    private readonly subgraphUrls: () => Readonly<Record<string, string>>,
    private readonly internalSecret: string,
  ) {}

  async residents(associationId: string, month: string | null, at: Date): Promise<StatisticsResidentsAnswer | null> {
    const response = await this.post('members', STATISTICS_RESIDENTS_ROUTE, { kind: 'statistics.residents', associationId, month, at: at.toISOString() });
    if (response.status === 404) return null;
    if (!response.ok) throw new Error(`${STATISTICS_RESIDENTS_ROUTE} answered HTTP ${response.status}`);
    return statisticsResidentsAnswerSchema.parse(await response.json());
  }

  async active(activity: Activity, associationId: string, month: string, timeZone: string): Promise<string[]> {
    const { subgraph, route, kind } = ACTIVITY[activity];
    const response = await this.post(subgraph, route, { kind, associationId, month, timeZone });
    if (!response.ok) throw new Error(`${route} answered HTTP ${response.status}`);
    return statisticsActivityAnswerSchema.parse(await response.json()).memberIds;
  }

  private async post(subgraph: string, route: string, payload: unknown): Promise<Response> {
    const graphqlUrl = this.subgraphUrls()[subgraph];
    if (!graphqlUrl) throw new Error(`The ${subgraph} subgraph’s URL is not known.`);
    try {
      return await postInternalRoute({ graphqlUrl, route, internalSecret: this.internalSecret, payload, timeoutMs: 10_000 });
    } catch (error) {
      throw refuse((error as Error).name === 'TimeoutError' ? 'SERVICE_TIMED_OUT' : 'SERVICE_UNREACHABLE', { serviceName: subgraph });
    }
  }
}
