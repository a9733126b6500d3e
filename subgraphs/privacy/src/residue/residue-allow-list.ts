import type { LawfulBasis } from '@tunet/kit';

/**
 * What may stay after a person is erased, and why (docs/decisions/0039): the one list the residue scan checks
 * against. Each entry names a column (`schema.table.column`), `stream` or `files`, the legal basis for keeping it and
 * until when. Anything the scan finds elsewhere is residue.
 */
export interface AllowedResidue {
  location: string;
  lawfulBasis: LawfulBasis;
  /** Until when it is kept, as a person would be told. */
  until: string;
  why: string;
  /**
   * Kept only in rows where this column (a member id of the same table) names the association's tombstone: the
   * content the association keeps, re-attributed. The same text in any other row of the column is residue.
   */
  tombstoneColumn?: string;
}

export const RESIDUE_ALLOW_LIST: readonly AllowedResidue[] = [
  {
    location: 'privacy.requests.subject_member_id',
    lawfulBasis: 'legal_obligation',
    until: '3 years after the request was completed',
    why: "the association's proof that it answered the erasure request (GDPR art. 5(2); decision 0036)",
  },
  {
    location: 'posts.posts.body',
    lawfulBasis: 'legitimate_interest',
    until: 'as long as the association keeps the post',
    why: 'a post the association keeps under its erasure policy, shown as written by "Former resident" (decision 0036)',
    tombstoneColumn: 'author_member_id',
  },
  {
    location: 'notifications.notifications.body',
    lawfulBasis: 'legitimate_interest',
    until: "as long as the association keeps the content and each recipient's inbox keeps the notice",
    why: "other residents' notices of content the association keeps under its erasure policy (keepContent), naming the tombstone; notices of content it does not keep are erased with the author (decision 0036)",
    tombstoneColumn: 'content_author_id',
  },
  ...['title', 'description'].map((column): AllowedResidue => ({
    location: `operations.service_requests.${column}`,
    lawfulBasis: 'legitimate_interest',
    until: 'as long as the association keeps the request',
    why: 'a reported fault the association keeps with what people write, shown as reported by "Former resident" (decision 0041)',
    tombstoneColumn: 'reporter_member_id',
  })),
  {
    location: 'stream',
    lawfulBasis: 'legitimate_interest',
    until: '24 hours after it was appended (the stream is trimmed by age)',
    why: 'the event stream between the subgraphs',
  },
];

export function allowedResidue(location: string, list: readonly AllowedResidue[] = RESIDUE_ALLOW_LIST): AllowedResidue | null {
  return list.find((entry) => entry.location === location) ?? null;
}
