import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { SubgraphDatabase, Tx } from '@tunet/kit';
import { rowsOf } from '../privacy/privacy.repository';

export interface Notice {
  id: string;
  version: number;
  text: { nb: string; en: string };
  material: boolean;
  publishedAt: Date;
  lastChangedOn: string;
}

interface NoticeRow {
  id: string;
  version: number;
  text_nb: string;
  text_en: string;
  material: boolean;
  published_at: Date | string;
  last_changed_on: string | Date;
}

const toNotice = (row: NoticeRow): Notice => ({
  id: row.id,
  version: row.version,
  text: { nb: row.text_nb, en: row.text_en },
  material: row.material,
  publishedAt: new Date(row.published_at),
  lastChangedOn: typeof row.last_changed_on === 'string' ? row.last_changed_on : row.last_changed_on.toISOString().slice(0, 10),
});

/** The only SQL of privacy notices. */
export class NoticesRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  /** The given version, or the newest when `version` is null; null when there is none. */
  find(associationId: string, version: number | null): Promise<Notice | null> {
    return this.db.tenant(associationId, (tx) => this.findIn(tx, associationId, version));
  }

  async findIn(tx: Tx, associationId: string, version: number | null): Promise<Notice | null> {
    const rows = await rowsOf(
      tx,
      sql`
      select id, version, text_nb, text_en, material, published_at, last_changed_on::text as last_changed_on from privacy.notices
      where association_id = ${associationId} ${version === null ? sql`` : sql`and version = ${version}`}
      order by version desc limit 1`,
    );
    const [row] = rows as unknown as NoticeRow[];
    return row ? toNotice(row) : null;
  }

  /** How many versions were published since `since`. */
  async countSince(tx: Tx, associationId: string, since: Date): Promise<number> {
    const rows = await rowsOf(
      tx,
      sql`select count(*)::int as n from privacy.notices where association_id = ${associationId} and published_at > ${since.toISOString()}`,
    );
    return (rows[0] as { n: number }).n;
  }

  /** Serialises publishing: two boards publishing at once get consecutive versions. */
  async lock(tx: Tx, associationId: string): Promise<void> {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`privacy.notices.${associationId}`}))`);
  }

  async insert(tx: Tx, associationId: string, notice: Omit<Notice, 'id' | 'publishedAt'> & { publishedAt: Date }, by: string | null): Promise<Notice> {
    const id = randomUUID();
    await tx.execute(sql`
      insert into privacy.notices (association_id, id, version, text_nb, text_en, material, published_at, last_changed_on, published_by)
      values (${associationId}, ${id}, ${notice.version}, ${notice.text.nb}, ${notice.text.en}, ${notice.material},
              ${notice.publishedAt.toISOString()}, ${notice.lastChangedOn}, ${by})`);
    return { ...notice, id };
  }
}
