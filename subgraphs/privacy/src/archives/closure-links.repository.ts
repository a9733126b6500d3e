import type { SubgraphDatabase, Tx } from '@tunet/kit';
import { sql } from 'drizzle-orm';

/** A protected link to a terminated association's export, as the operator sees it (never its token or code). */
export interface ClosureLinkRow {
  associationId: string;
  id: string;
  issuedBy: string;
  issuedAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  failedAttempts: number;
  downloads: number;
  lastDownloadAt: Date | null;
}

export interface NewClosureLink {
  associationId: string;
  id: string;
  tokenHash: Buffer;
  codeHash: Buffer;
  issuedBy: string;
  issuedAt: Date;
  expiresAt: Date;
}

/** The outcome of a code typed on the download page: right, wrong (counted), or no open link. */
export type CodeAttempt = { outcome: 'right' | 'wrong'; failedAttempts: number } | { outcome: 'closed' };

type Row = Record<string, unknown>;

async function rowsOf(tx: Tx, query: ReturnType<typeof sql>): Promise<Row[]> {
  const result: unknown = await tx.execute(query);
  return (result as { rows: Row[] }).rows;
}

const instant = (value: unknown): Date | null => (value == null ? null : new Date(value as string | Date));

function linkOf(row: Row): ClosureLinkRow {
  return {
    associationId: row.association_id as string,
    id: row.id as string,
    issuedBy: row.issued_by as string,
    issuedAt: instant(row.issued_at)!,
    expiresAt: instant(row.expires_at)!,
    revokedAt: instant(row.revoked_at),
    failedAttempts: Number(row.failed_attempts),
    downloads: Number(row.downloads),
    lastDownloadAt: instant(row.last_download_at),
  };
}

const LINK = sql.raw('association_id, id, issued_by, issued_at, expires_at, revoked_at, failed_attempts, downloads, last_download_at');

/** The only SQL of closure export links; every call is in the association's tenant scope. */
export class ClosureLinksRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  /**
   * Records a new link and revokes the association's earlier ones in one transaction, so one link works at a time;
   * null when the export is not ready. The closure row is locked first: two operators issuing at once queue, and the
   * closures job cannot start deleting the export (and these rows) between the check and the insert.
   */
  async issue(link: NewClosureLink): Promise<ClosureLinkRow | null> {
    return this.db.tenant(link.associationId, async (tx) => {
      const ready = await rowsOf(
        tx,
        sql`select 1 from privacy.association_closures where association_id = ${link.associationId} and status = 'ready' for update`,
      );
      if (ready.length === 0) return null;
      await tx.execute(sql`update privacy.closure_export_links set revoked_at = ${link.issuedAt}
          where association_id = ${link.associationId} and revoked_at is null`);
      const [row] = await rowsOf(
        tx,
        sql`insert into privacy.closure_export_links (association_id, id, token_hash, code_hash, issued_by, issued_at, expires_at)
            values (${link.associationId}, ${link.id}, ${link.tokenHash}, ${link.codeHash}, ${link.issuedBy}, ${link.issuedAt}, ${link.expiresAt})
            returning ${LINK}`,
      );
      return linkOf(row!);
    });
  }

  async byToken(associationId: string, tokenHash: Buffer): Promise<ClosureLinkRow | null> {
    return this.db.tenant(associationId, async (tx) => {
      const [row] = await rowsOf(
        tx,
        sql`select ${LINK} from privacy.closure_export_links where association_id = ${associationId} and token_hash = ${tokenHash}`,
      );
      return row ? linkOf(row) : null;
    });
  }

  /**
   * Checks a typed code against an open link and counts a wrong one, in one statement: concurrent tries queue on the
   * row, so no more than five wrong codes are ever checked, however many arrive at once.
   */
  async attempt(associationId: string, tokenHash: Buffer, codeHash: Buffer, now: Date, maxFailed: number): Promise<CodeAttempt> {
    return this.db.tenant(associationId, async (tx) => {
      const [row] = await rowsOf(
        tx,
        sql`update privacy.closure_export_links
            set failed_attempts = failed_attempts + case when code_hash = ${codeHash} then 0 else 1 end
            where association_id = ${associationId} and token_hash = ${tokenHash} and revoked_at is null
              and failed_attempts < ${maxFailed} and expires_at > ${now}
            returning code_hash = ${codeHash} as right, failed_attempts`,
      );
      if (!row) return { outcome: 'closed' };
      return { outcome: row.right === true ? 'right' : 'wrong', failedAttempts: Number(row.failed_attempts) };
    });
  }

  /** A download handed over in full: counted only once the archive's bytes were read. */
  async recordDownload(associationId: string, id: string, now: Date): Promise<void> {
    await this.db.tenant(associationId, (tx) =>
      tx.execute(sql`update privacy.closure_export_links set downloads = downloads + 1, last_download_at = ${now}
          where association_id = ${associationId} and id = ${id}`),
    );
  }

  /** The association's links, newest first (a link replaced in the same instant after its successor): the operator's record of who issued what and how it was used. */
  async list(associationId: string): Promise<ClosureLinkRow[]> {
    return this.db.tenant(associationId, async (tx) =>
      (
        await rowsOf(
          tx,
          sql`select ${LINK} from privacy.closure_export_links where association_id = ${associationId} order by issued_at desc, coalesce(revoked_at, 'infinity') desc, id`,
        )
      ).map(linkOf),
    );
  }
}
