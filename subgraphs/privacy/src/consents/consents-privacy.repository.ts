import { sql } from 'drizzle-orm';
import type { PersonalDataCatalogue } from '@tunet/kit';
import { countOf, rowsOf } from '../privacy/privacy.repository';
import type { PrivacyPart } from '../privacy/privacy.routes';

/** The catalogue entries of purposes, consents, restrictions and notices (merged into PERSONAL_DATA). */
export const CONSENT_PERSONAL_DATA: PersonalDataCatalogue = {
  purposes: { columns: ['updated_by'], subject: ['updated_by'], erasure: 'anonymise', lawfulBasis: 'legal_obligation' },
  consents: { columns: ['member_id', 'purpose_key', 'action', 'text_version', 'at'], subject: ['member_id'], erasure: 'delete', lawfulBasis: 'consent' },
  restrictions: {
    columns: ['member_id', 'reason', 'actor_member_id', 'at'],
    subject: ['member_id', 'actor_member_id'],
    erasure: 'delete',
    lawfulBasis: 'legal_obligation',
  },
  notices: { columns: ['published_by'], subject: ['published_by'], erasure: 'anonymise', lawfulBasis: 'legal_obligation' },
};

/**
 * A person's consents and restrictions are theirs: exported, and deleted on erasure (consent to processing that no
 * longer happens proves nothing anyone needs). The purposes and notices they wrote as a board member are the
 * association's: their name is cut, the text stays. A restriction a board member set on someone else stays, without
 * the board member.
 */
export const consentPrivacyPart: PrivacyPart = {
  tables: Object.keys(CONSENT_PERSONAL_DATA),
  export: async (tx, { associationId, memberId }) => ({
    purposes: await rowsOf(tx, sql`select * from privacy.purposes where association_id = ${associationId} and updated_by = ${memberId}`),
    consents: await rowsOf(tx, sql`select * from privacy.consents where association_id = ${associationId} and member_id = ${memberId} order by at`),
    restrictions: await rowsOf(
      tx,
      sql`select * from privacy.restrictions where association_id = ${associationId} and (member_id = ${memberId} or actor_member_id = ${memberId}) order by at`,
    ),
    notices: await rowsOf(tx, sql`select * from privacy.notices where association_id = ${associationId} and published_by = ${memberId} order by version`),
  }),
  erase: async (tx, { associationId, memberId }) => {
    const purposes = await countOf(
      tx,
      sql`update privacy.purposes set updated_by = null where association_id = ${associationId} and updated_by = ${memberId} returning 1`,
    );
    const consents = await countOf(tx, sql`delete from privacy.consents where association_id = ${associationId} and member_id = ${memberId} returning 1`);
    const own = await countOf(tx, sql`delete from privacy.restrictions where association_id = ${associationId} and member_id = ${memberId} returning 1`);
    const others = await countOf(
      tx,
      sql`update privacy.restrictions set actor_member_id = null where association_id = ${associationId} and actor_member_id = ${memberId} returning 1`,
    );
    const notices = await countOf(
      tx,
      sql`update privacy.notices set published_by = null where association_id = ${associationId} and published_by = ${memberId} returning 1`,
    );
    return [
      { table: 'purposes', action: 'anonymised', rows: purposes },
      { table: 'consents', action: 'erased', rows: consents },
      { table: 'restrictions', action: 'erased', rows: own + others, note: others > 0 ? 'Restrictions they set on others stay, without their name.' : null },
      { table: 'notices', action: 'anonymised', rows: notices },
    ];
  },
};
