import { randomUUID } from 'node:crypto';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import type { Entitlements, Viewer } from '@tunet/kit';
import type { PgInsertValue } from 'drizzle-orm/pg-core';
import { graphql, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { deliveries, notifications, type DeliveryRow, type NotificationRow } from '../tables';
import type { NotificationsTestBed } from '../notifications.fixtures';

/** Arranges notifications and deliveries directly, the way the ingest and the dispatcher leave them. */

/** Where rows are arranged: a test bed, or anything else holding the subgraph (the e2e stack). */
type WithSubgraph = Pick<NotificationsTestBed, 'subgraph'>;

type NotificationValues = Partial<PgInsertValue<typeof notifications>>;
type DeliveryValues = Partial<PgInsertValue<typeof deliveries>>;

/**
 * Inserts notifications for a member (or, with `memberId: null`, for an e-mail address), one per entry of `rows`,
 * each with its own event. Later entries are newer unless a row says when it was created.
 */
export async function insertNotifications(
  bed: WithSubgraph,
  associationId: string,
  memberId: string | null,
  rows: NotificationValues[],
): Promise<NotificationRow[]> {
  if (rows.length === 0) return [];
  const start = Date.now() - rows.length * 1000;
  const values = rows.map((row, i) => ({
    associationId,
    id: randomUUID(),
    eventId: randomUUID(),
    recipient: memberId ? `member:${memberId}` : `email:${randomUUID()}@ny.test`,
    memberId,
    topic: 'post.published',
    category: 'news' as const,
    important: false,
    locale: 'nb' as const,
    title: `Varsel ${i + 1}`,
    body: 'Styret har lagt ut et nytt innlegg.',
    link: '/posts/1',
    createdAt: new Date(start + i * 1000),
    ...row,
  }));
  return bed.subgraph.db.tenant(associationId, (tx) => tx.insert(notifications).values(values).returning());
}

/** One notification, as `insertNotifications` makes them. */
export async function insertNotification(
  bed: WithSubgraph,
  associationId: string,
  memberId: string | null,
  row: NotificationValues = {},
): Promise<NotificationRow> {
  const [inserted] = await insertNotifications(bed, associationId, memberId, [row]);
  return inserted!;
}

/** A delivery of the notification on one channel, queued unless `row` says otherwise. */
export async function insertDelivery(bed: WithSubgraph, notification: NotificationRow, row: DeliveryValues = {}): Promise<DeliveryRow> {
  const [inserted] = await bed.subgraph.db.tenant(notification.associationId, (tx) =>
    tx
      .insert(deliveries)
      .values({
        associationId: notification.associationId,
        id: randomUUID(),
        notificationId: notification.id,
        channel: 'email',
        address: 'beboer@example.test',
        ...row,
      })
      .returning(),
  );
  return inserted!;
}

/** Executes GraphQL against the subgraph's own schema, so resolvers and loaders run as they do behind the gateway. */
export function graphqlOf(bed: NotificationsTestBed) {
  let schema: GraphQLSchema | undefined;
  return async <T = Record<string, unknown>>(
    viewer: Viewer | null,
    source: string,
    variableValues?: Record<string, unknown>,
    entitlements: Entitlements | null = null,
  ) => {
    schema ??= buildSubgraphSchema({ typeDefs: bed.subgraph.definition.typeDefs, resolvers: mergedResolvers(bed) });
    return (await graphql({ schema, source, variableValues, contextValue: bed.contextFor(viewer, entitlements) })) as ExecutionResult<T>;
  };
}

/** The code and field of the first error of a result, for asserting refusals. */
export function errorOf(result: ExecutionResult): { code: unknown; field?: unknown } | undefined {
  const error = result.errors?.[0];
  if (!error) return undefined;
  const { code, field } = error.extensions as { code: unknown; field?: unknown };
  return field === undefined ? { code } : { code, field };
}

function mergedResolvers(bed: NotificationsTestBed): GraphQLResolverMap<unknown> {
  const all: Record<string, object> = {};
  for (const map of bed.subgraph.definition.resolvers) {
    for (const [type, fields] of Object.entries(map)) all[type] = { ...all[type], ...(fields as object) };
  }
  return all as GraphQLResolverMap<unknown>;
}
