import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildSchema, Kind, parse, type OperationDefinitionNode } from 'graphql';
import { featureGatesOf, featuresSelected } from './feature-gates';

const SUPERGRAPH = readFileSync(path.resolve(__dirname, '../../schema/supergraph.graphql'), 'utf8');

/** A supergraph in miniature: the feature link (imported under another name), gated fields, types and an interface. */
const SDL = `
  schema @link(url: "https://specs.apollo.dev/link/v1.0") @link(url: "https://specs.tunet.no/feature/v1.0", import: [{ name: "@requiresFeature", as: "@paid" }]) {
    query: Query
    mutation: Mutation
  }
  directive @link(url: String, import: [link__Import]) repeatable on SCHEMA
  scalar link__Import
  directive @paid(feature: String!) on FIELD_DEFINITION | OBJECT | INTERFACE
  type Query {
    free: String
    smsUsage: Int @paid(feature: "sms")
    center: Center
    things: [Thing!]!
    node: Node
  }
  type Mutation {
    sendSms: Boolean @paid(feature: "sms")
    ping: Boolean
  }
  type Center @paid(feature: "operationsCenter") {
    name: String
  }
  interface Thing {
    id: ID!
    quota: Int @paid(feature: "extraStorage")
  }
  type Box implements Thing {
    id: ID!
    quota: Int
  }
  interface Node @paid(feature: "operationsCenter") {
    id: ID!
  }
  type Room implements Node {
    id: ID!
  }
`;
const schema = buildSchema(SDL);
const gates = featureGatesOf(SDL);

function selected(query: string, operationName?: string): string[] {
  const document = parse(query);
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operations.find((o) => o.name?.value === operationName) ?? operations[0]!;
  return featuresSelected(schema, document, operation, gates);
}

describe('feature gates', () => {
  it('reads the gated fields off the committed supergraph', () => {
    expect(featureGatesOf(SUPERGRAPH).fields.get('Query.smsUsage')).toBe('sms');
  });

  it('reads gated fields and types under the name the link imports the directive as', () => {
    expect(Object.fromEntries(gates.fields)).toEqual({ 'Query.smsUsage': 'sms', 'Mutation.sendSms': 'sms', 'Thing.quota': 'extraStorage' });
    expect(Object.fromEntries(gates.types)).toEqual({ Center: 'operationsCenter', Node: 'operationsCenter' });
  });

  it('finds nothing gated without the feature link, even where a directive of that name is used', () => {
    expect(featureGatesOf('type Query { a: Int @requiresFeature(feature: "sms") }').fields.size).toBe(0);
  });

  it('finds no feature in an operation without gated fields', () => {
    expect(selected('{ free things { id } }')).toEqual([]);
    expect(selected('mutation { ping }')).toEqual([]);
  });

  it('finds a gated field however it is selected: aliased, in a fragment (nested), in an inline fragment', () => {
    expect(selected('{ usage: smsUsage }')).toEqual(['sms']);
    expect(selected('query { ...A } fragment A on Query { ...B } fragment B on Query { smsUsage }')).toEqual(['sms']);
    expect(selected('{ ... on Query { smsUsage } }')).toEqual(['sms']);
    expect(selected('mutation { sendSms }')).toEqual(['sms']);
  });

  it('counts a field skipped or included by a variable: the refusal does not hang on variables', () => {
    expect(selected('query ($no: Boolean!) { free smsUsage @include(if: $no) }')).toEqual(['sms']);
  });

  it('finds fields of a gated type, and a field returning one even if only __typename is asked', () => {
    expect(selected('{ center { name } }')).toEqual(['operationsCenter']);
    expect(selected('{ center { __typename } }')).toEqual(['operationsCenter']);
    expect(selected('{ node { id } }')).toEqual(['operationsCenter']);
    expect(selected('{ node { ... on Room { id } } }')).toEqual(['operationsCenter']);
  });

  it('finds a field gated on an interface when it is selected on a type that implements it', () => {
    expect(selected('{ things { quota } }')).toEqual(['extraStorage']);
    expect(selected('{ things { ... on Box { quota } } }')).toEqual(['extraStorage']);
    expect(selected('{ things { id } }')).toEqual([]);
  });

  it('counts only the operation that runs, with the fragments it uses', () => {
    const document = 'query Free { free } query Paid { ...P } fragment P on Query { smsUsage center { name } }';
    expect(selected(document, 'Free')).toEqual([]);
    expect(selected(document, 'Paid')).toEqual(['sms', 'operationsCenter']);
  });
});
