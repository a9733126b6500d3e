import type { z } from 'zod';

/** The subgraphs that produce or consume events. */
export type Subgraph = 'members' | 'posts' | 'reservations' | 'notifications' | 'billing' | 'privacy' | 'operations';

/**
 * One topic's contract: the payload every producer must write and every consumer parses. A change a consumer of
 * the current version could not read (a field removed, renamed or narrowed) takes a new version, and consumers
 * must read both until the old one's events are gone; adding an optional field does not.
 */
export interface TopicContract<S extends z.ZodType = z.ZodType> {
  version: number;
  producer: Subgraph;
  consumers: readonly Subgraph[];
  /** What happened, for the catalogue. */
  description: string;
  /** Payload fields that grant access by themselves (one-time tokens): never log them, and keep them out of dead letters' listings. */
  secrets: readonly string[];
  schema: S;
}

/** Every topic a subgraph may write to its outbox, by name (`<domain>.<what_happened>`). */
export type EventContracts = Record<string, TopicContract>;

export function topic<S extends z.ZodType>(contract: Omit<TopicContract<S>, 'secrets'> & { secrets?: readonly string[] }): TopicContract<S> {
  return { ...contract, secrets: contract.secrets ?? [] };
}

/** What a producer passes for the topic. */
export type PayloadInput<C extends EventContracts, T extends keyof C> = z.input<C[T]['schema']>;
/** What a consumer receives for the topic, once parsed. */
export type Payload<C extends EventContracts, T extends keyof C> = z.output<C[T]['schema']>;
