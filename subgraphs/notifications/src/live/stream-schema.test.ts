import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { buildSchema, GraphQLEnumType, GraphQLObjectType, parse, type GraphQLSchema } from 'graphql';

const root = path.resolve(__dirname, '../..');
const inbox = buildSubgraphSchema(parse(readFileSync(path.join(root, 'schema.graphql'), 'utf8')));
const stream = buildSchema(readFileSync(path.join(root, 'stream.graphql'), 'utf8'));

/** Fields of the stream schema that /graphql's type has and the stream leaves out on purpose, with why. */
const ONLY_ON_GRAPHQL: Record<string, string> = { deliveries: 'still queued when a notification arrives; read on /graphql' };

function fieldsOf(schema: GraphQLSchema, name: string): Record<string, string> {
  const type = schema.getType(name);
  if (!(type instanceof GraphQLObjectType)) throw new Error(`${name} is no object type`);
  return Object.fromEntries(Object.values(type.getFields()).map((field) => [field.name, String(field.type)]));
}

function valuesOf(schema: GraphQLSchema, name: string): string[] {
  const type = schema.getType(name);
  if (!(type instanceof GraphQLEnumType)) throw new Error(`${name} is no enum`);
  return type.getValues().map((value) => value.name);
}

describe('the live stream schema', () => {
  it("sends the inbox's Notification type: the same name, fields and types as on /graphql", () => {
    expect(String(stream.getSubscriptionType()!.getFields().inboxUpdated!.type)).toBe('InboxUpdate!');
    expect(String((stream.getType('InboxUpdate') as GraphQLObjectType).getFields().notification!.type)).toBe('Notification');
    const onGraphql = Object.fromEntries(Object.entries(fieldsOf(inbox, 'Notification')).filter(([field]) => !(field in ONLY_ON_GRAPHQL)));
    expect(fieldsOf(stream, 'Notification')).toEqual(onGraphql);
  });

  it('names every notification category /graphql has, so no notification fails to serialize on the stream', () => {
    expect(valuesOf(stream, 'NotificationCategory')).toEqual(valuesOf(inbox, 'NotificationCategory'));
  });
});
