import { randomUUID } from 'node:crypto';
import { urlSigningKey, type SubgraphDatabase, type Tx } from '@tunet/kit';
import { sql } from 'drizzle-orm';
import { purposesIn } from '../purposes/purposes.repository';
import { settingsIn } from '../settings/settings.repository';
import { inForce, providerToday } from '../subprocessors/subprocessors.rules';
import { SubprocessorsRepository } from '../subprocessors/subprocessors.repository';
import type { ArchivePurpose, ArchiveSubProcessor } from './archive-summary.rules';

const SIGNING_KEY = 'archive-downloads';

/** An export archive's row: where its bytes are and until when it may be downloaded. */
export interface ArchiveRow {
  associationId: string;
  requestId: string;
  memberId: string;
  requestedBy: string | null;
  storageKey: string;
  sizeBytes: number;
  readyAt: Date;
  expiresAt: Date;
}

type Row = Record<string, unknown>;

async function rowsOf(tx: Tx, query: ReturnType<typeof sql>): Promise<Row[]> {
  const result: unknown = await tx.execute(query);
  return (result as { rows: Row[] }).rows;
}

function archiveOf(row: Row): ArchiveRow {
  return {
    associationId: row.association_id as string,
    requestId: row.request_id as string,
    memberId: row.member_id as string,
    requestedBy: (row.requested_by as string | null) ?? null,
    storageKey: row.storage_key as string,
    sizeBytes: Number(row.size_bytes),
    readyAt: new Date(row.ready_at as string | Date),
    expiresAt: new Date(row.expires_at as string | Date),
  };
}

/** The only SQL of export archives. Every call names its tenant, or says why it needs system scope. */
export class ArchivesRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  /** The deployment's link signing key, made by whichever process asks first (system scope: it is no tenant's). */
  signingKey(): Promise<Buffer> {
    return urlSigningKey(this.db, SIGNING_KEY);
  }

  /**
   * Records a built archive and announces `privacy.export_ready` in one transaction of its association, with the
   * caller's `also` (the request's completion), so the event is sent exactly when the archive is there. Recording
   * a request's archive again replaces it.
   */
  async record(archive: ArchiveRow, also: (tx: Tx) => Promise<void>): Promise<void> {
    await this.db.tenant(archive.associationId, async (tx) => {
      await tx.execute(sql`
        insert into privacy.export_archives (association_id, request_id, member_id, requested_by, storage_key, size_bytes, ready_at, expires_at)
        values (${archive.associationId}, ${archive.requestId}, ${archive.memberId}, ${archive.requestedBy}, ${archive.storageKey},
                ${archive.sizeBytes}, ${archive.readyAt}, ${archive.expiresAt})
        on conflict (association_id, request_id) do update set storage_key = excluded.storage_key, size_bytes = excluded.size_bytes,
          ready_at = excluded.ready_at, expires_at = excluded.expires_at`);
      await this.db.outbox.add(tx, {
        associationId: archive.associationId,
        topic: 'privacy.export_ready',
        payload: {
          requestId: archive.requestId,
          memberId: archive.memberId,
          requestedBy: archive.requestedBy,
          expiresAt: archive.expiresAt.toISOString(),
        },
      });
      await also(tx);
    });
  }

  /** The association's privacy contact from its settings (decision 0036), as the summary names it; null when none. */
  async privacyContactOf(tenant: string): Promise<string | null> {
    const { contact } = await this.db.tenant(tenant, (tx) => settingsIn(tx, tenant));
    return contact ? `${contact.name} <${contact.email}>` : null;
  }

  /** The association's purposes register (decision 0038), as the summary lists it. */
  async purposesOf(tenant: string): Promise<ArchivePurpose[]> {
    const register = await this.db.tenant(tenant, (tx) => purposesIn(tx, tenant));
    return register.map((purpose) => ({ name: purpose.name, lawfulBasis: purpose.lawfulBasis, description: purpose.description }));
  }

  /** The sub-processors in force on `now`'s day (decision 0040): the recipients the summary names. */
  async subProcessorsOn(now: Date): Promise<ArchiveSubProcessor[]> {
    const register = inForce(await new SubprocessorsRepository(this.db).history(), providerToday(now));
    return register.map((row) => ({
      name: row.name,
      purpose: { nb: row.purposeNb, en: row.purposeEn },
      country: row.country,
      transferMechanism: row.transferMechanism,
    }));
  }

  /** The archive of a request, in the viewer's association. */
  async find(tenant: string, requestId: string): Promise<ArchiveRow | null> {
    return this.db.tenant(tenant, async (tx) => {
      const [row] = await rowsOf(tx, sql`select * from privacy.export_archives where association_id = ${tenant} and request_id = ${requestId}`);
      return row ? archiveOf(row) : null;
    });
  }

  /**
   * Deletes the archives whose time is up, a batch at a time, and logs the run (also when it found nothing) in
   * system scope: the job serves every association. Returns the deleted rows so their bytes can go too; rows go
   * first, so a crash leaves unreachable bytes, never a row without them.
   */
  async expire(now: Date, batch: number): Promise<ArchiveRow[]> {
    return this.db.system(async (tx) => {
      const rows = await rowsOf(
        tx,
        sql`delete from privacy.export_archives where (association_id, request_id) in (
              select association_id, request_id from privacy.export_archives where expires_at <= ${now}
              order by expires_at limit ${batch} for update skip locked)
            returning *`,
      );
      await tx.execute(sql`
        insert into privacy.archive_job_runs (id, job, started_at, finished_at, changed)
        values (${randomUUID()}, 'archive_expiry', ${now}, clock_timestamp(), ${rows.length})`);
      return rows.map(archiveOf);
    });
  }

  /** The person's archives (about them or asked for by them), for the privacy routes' export. */
  async ofMember(tx: Tx, associationId: string, memberId: string): Promise<Row[]> {
    return rowsOf(
      tx,
      sql`select * from privacy.export_archives where association_id = ${associationId}
            and (member_id = ${memberId} or requested_by = ${memberId}) order by ready_at`,
    );
  }

  /** Erasure: the archives about the person go (their keys returned to delete the bytes); as requester they lose the name. */
  async eraseMember(tx: Tx, associationId: string, memberId: string): Promise<{ deleted: ArchiveRow[]; anonymised: number }> {
    const deleted = await rowsOf(tx, sql`delete from privacy.export_archives where association_id = ${associationId} and member_id = ${memberId} returning *`);
    const anonymised = await rowsOf(
      tx,
      sql`update privacy.export_archives set requested_by = null where association_id = ${associationId} and requested_by = ${memberId} returning 1`,
    );
    return { deleted: deleted.map(archiveOf), anonymised: anonymised.length };
  }
}
