import { readFileSync } from 'node:fs';
import { buildSchema, Kind, parse, validate, type OperationDefinitionNode } from 'graphql';
import { SUPERGRAPH_PATH } from '../scripts/compose';
import { firstPartyOperationNames, loadOperation } from './e2e/first-party';

// The supergraph SDL defines its join/link directives, so graphql-js can build it; no field is @inaccessible, so
// its types are the API schema's.
const schema = buildSchema(readFileSync(SUPERGRAPH_PATH, 'utf8'));

/** A first-party operation that no longer validates is a client broken by a schema change: caught here, not in an app. */
describe('first-party operations (clients/operations)', () => {
  const names = firstPartyOperationNames();

  it.each(names)('%s is one named operation, named like its file, valid against the supergraph', (name) => {
    const document = parse(loadOperation(name));
    const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    const pascal = name.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
    expect({ count: operations.length, name: operations[0]?.name?.value }).toEqual({ count: 1, name: pascal });
    expect(validate(schema, document).map((e) => e.message)).toEqual([]);
  });
});
