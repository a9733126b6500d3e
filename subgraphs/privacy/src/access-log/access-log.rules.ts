import { createHash, randomBytes } from 'node:crypto';

/**
 * The access log's hash chain (docs/decisions/0039), pure: each association's entries form one chain in sequence
 * order, every entry carrying the previous entry's hash and its own over the facts below. People appear only as
 * pseudonyms (random ids per association and person, mapped elsewhere) and a free-text reason only as a salted hash,
 * so erasing a person deletes the mapping and the reason text while every hash stays verifiable.
 */

/** The previous hash of an association's first entry. */
export const GENESIS_HASH = '0'.repeat(64);

export type AccessKind = 'read' | 'change';
export type ActorKind = 'member' | 'api_key' | 'operator' | 'system';

/** What an entry's hash covers, in this order. */
export interface ChainedFacts {
  previousHash: string;
  sequence: number;
  subjectPseudonym: string;
  actorPseudonym: string | null;
  actorKind: ActorKind;
  kind: AccessKind;
  fields: readonly string[];
  operation: string;
  at: Date;
  reasonHash: string | null;
}

export interface ChainedEntry extends ChainedFacts {
  id: string;
  hash: string;
}

/** The hash of one entry: SHA-256 over a JSON array of its facts (an array, so no key order can differ). */
export function entryHash(facts: ChainedFacts): string {
  const canonical = JSON.stringify([
    facts.previousHash,
    facts.sequence,
    facts.subjectPseudonym,
    facts.actorPseudonym,
    facts.actorKind,
    facts.kind,
    [...facts.fields],
    facts.operation,
    facts.at.toISOString(),
    facts.reasonHash,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * A reason is kept beside the chain with a random salt; the chain holds only this hash, so a short reason cannot be
 * guessed from it once the text and salt are erased.
 */
export function reasonHash(reason: string, salt: string): string {
  return createHash('sha256').update(salt).update('\0').update(reason).digest('hex');
}

export function newSalt(): string {
  return randomBytes(16).toString('hex');
}

/** The next entry after `head` (null: the association has none yet), with its sequence and hashes. */
export function chainNext(
  head: { sequence: number; hash: string } | null,
  facts: Omit<ChainedFacts, 'previousHash' | 'sequence'>,
): ChainedFacts & { hash: string } {
  const chained = { ...facts, previousHash: head?.hash ?? GENESIS_HASH, sequence: (head?.sequence ?? 0) + 1 };
  return { ...chained, hash: entryHash(chained) };
}

export type ChainBreak = { entryId: string | null; problem: 'hash' | 'link' | 'gap' | 'truncated' };

/**
 * Walks one association's entries in sequence order and names the first that does not hold: its own hash does not
 * match its facts (edited), its previous hash is not the entry before's (edited or reordered), or a sequence number
 * is missing before it (deleted). `head` is the association's recorded last entry: entries deleted from the end
 * leave the chain short of it (`truncated`, naming the last entry left, or null when none is). Null when it holds.
 */
export function firstBreak(entries: readonly ChainedEntry[], head: { sequence: number; hash: string } | null): ChainBreak | null {
  let previous: ChainedEntry | null = null;
  for (const entry of entries) {
    if (entry.sequence !== (previous?.sequence ?? 0) + 1) return { entryId: entry.id, problem: 'gap' };
    if (entry.previousHash !== (previous?.hash ?? GENESIS_HASH)) return { entryId: entry.id, problem: 'link' };
    if (entryHash(entry) !== entry.hash) return { entryId: entry.id, problem: 'hash' };
    previous = entry;
  }
  const last: ChainedEntry | null = previous;
  if (head && (last?.sequence !== head.sequence || last.hash !== head.hash)) return { entryId: last?.id ?? null, problem: 'truncated' };
  return null;
}
