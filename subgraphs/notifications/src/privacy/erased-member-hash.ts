import { createHash } from 'node:crypto';

/**
 * What notifications keeps of an erased member (table erased_recipients): a SHA-256 of the association and member
 * ids, enough to refuse the person's stateless unsubscribe links and nothing to find them by (docs/decisions/0036).
 */
export function erasedMemberHash(associationId: string, memberId: string): string {
  return createHash('sha256').update(`${associationId.toLowerCase()}:${memberId.toLowerCase()}`).digest('hex');
}
