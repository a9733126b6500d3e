import type { Lease, Logger, Revocation, RevocationReader, TokenHolder } from '@tunet/kit';
import { BREAK, GraphQLError, parse, visit } from 'graphql';
import { sessionEnded, suspendedMember } from './authenticate';
import { closedAssociation, unauthenticated } from './request-errors';

/** Open live streams per person, across every gateway replica: a few devices and tabs, not an unbounded number. */
export const STREAMS_PER_PERSON = 5;
/** A stream's slot lasts this long unless renewed, so a replica that dies frees its slots soon after. */
export const STREAM_LEASE_SECONDS = 60;
/** How often an open stream renews its slot and re-checks its session, in case an announcement was missed. */
const CHECK_EVERY_MS = 20_000;

export interface GuardedToken {
  holder: TokenHolder;
  expiresAt: Date;
}

/**
 * Watches one open stream and calls `end` once with why it must stop: its access token expired (the client reconnects
 * with a fresh one), its session ended, its member was suspended or its association closed. Returns how to stop watching.
 */
export function guardStream(
  token: GuardedToken,
  lease: Lease | null,
  revocations: RevocationReader,
  end: (reason: GraphQLError) => void,
  logger: Logger,
): () => void {
  let ended = false;
  const endOnce = (reason: GraphQLError) => {
    if (ended) return;
    ended = true;
    stop();
    end(reason);
  };
  const expiry = setTimeout(() => endOnce(unauthenticated('TOKEN_EXPIRED')), Math.max(0, token.expiresAt.getTime() - Date.now()));
  const unwatch = revocations.watch((revocation) => {
    const reason = reasonToEnd(revocation, token.holder);
    if (reason) endOnce(reason);
  });
  const check = setInterval(() => {
    recheck(token.holder, lease, revocations)
      .then((reason) => reason && endOnce(reason))
      .catch((error: unknown) => logger.warn({ err: error }, 'checking an open inbox stream failed'));
  }, CHECK_EVERY_MS);
  const stop = () => {
    clearTimeout(expiry);
    clearInterval(check);
    unwatch();
  };
  return stop;
}

function reasonToEnd(revocation: Revocation, holder: TokenHolder): GraphQLError | null {
  if (revocation.kind === 'sessions-ended') return holder.sessionId && revocation.sessionIds.includes(holder.sessionId) ? sessionEnded() : null;
  if (revocation.kind === 'association-closed') {
    return revocation.associationId === holder.associationId && !holder.support ? closedAssociation(revocation.closure) : null;
  }
  if (revocation.kind !== 'suspended') return null;
  return revocation.associationId === holder.associationId && revocation.memberId === holder.memberId ? suspendedMember(revocation.suspension) : null;
}

async function recheck(holder: TokenHolder, lease: Lease | null, revocations: RevocationReader): Promise<GraphQLError | null> {
  await lease?.renew();
  const standing = await revocations.standing(holder);
  if (standing.sessionEnded) return sessionEnded();
  if (standing.associationClosed) return closedAssociation(standing.associationClosed);
  return standing.suspension ? suspendedMember(standing.suspension) : null;
}

/**
 * Whether a stream request's document asks for `__schema` or `__type`, which only introspection can: field names
 * starting with two underscores are reserved, so no schema of ours has such a field. A body that does not parse is
 * left for the subgraph to answer.
 */
export function asksForIntrospection(body: Buffer): boolean {
  let document;
  try {
    const query = (JSON.parse(body.toString('utf8')) as { query?: unknown }).query;
    if (typeof query !== 'string') return false;
    document = parse(query);
  } catch {
    return false;
  }
  let found = false;
  visit(document, {
    Field(node) {
      if (node.name.value !== '__schema' && node.name.value !== '__type') return undefined;
      found = true;
      return BREAK;
    },
  });
  return found;
}

/** What /graphql answers when introspection is off, as Apollo words it. */
export function introspectionRefused(): GraphQLError {
  return new GraphQLError('GraphQL introspection is not allowed, but the query contained __schema or __type.', {
    extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } },
  });
}

/** RATE_LIMITED (429) for a person with as many streams open as allowed. */
export function tooManyStreams(): GraphQLError {
  return new GraphQLError(`You have ${STREAMS_PER_PERSON} live streams open already (other tabs or devices). Close one and connect again.`, {
    extensions: {
      code: 'RATE_LIMITED',
      reason: 'TOO_MANY_STREAMS',
      retryAfterSeconds: STREAM_LEASE_SECONDS,
      http: { status: 429, headers: new Map([['retry-after', String(STREAM_LEASE_SECONDS)]]) },
    },
  });
}
