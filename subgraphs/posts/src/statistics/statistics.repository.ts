import type { SubgraphDatabase } from '@tunet/kit';
import { sql } from 'drizzle-orm';

/** Counts for the privacy subgraph's anonymous statistics (decision 0040); ids leave only towards privacy. */
export class StatisticsRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  /** Who wrote a comment from `first` to before `next` (calendar days in `timeZone`), deleted since or not. */
  async commenters(associationId: string, first: string, next: string, timeZone: string): Promise<string[]> {
    const result = (await this.db.tenant(associationId, (tx) =>
      tx.execute(sql`
        select distinct author_member_id as id from posts.comments
          where association_id = ${associationId}::uuid
            and created_at >= (${first}::date::timestamp at time zone ${timeZone})
            and created_at < (${next}::date::timestamp at time zone ${timeZone})`),
    )) as { rows: { id: string }[] };
    return result.rows.map((r) => r.id);
  }
}
