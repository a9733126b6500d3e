import { readFileSync } from 'node:fs';
import {
  buildSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isSpecifiedScalarType,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import { SUPERGRAPH_PATH } from '../scripts/compose';

/** Federation's own elements in the supergraph (join__…, link__…): not part of the API a client reads. */
const isFederation = (name: string) => name.startsWith('join__') || name.startsWith('link__');

const undescribed = (description: string | null | undefined) => !description?.trim();

/** Every type, field, argument, input field and enum value of the API without a description, as `Type.field(arg)`. */
function undescribedElements(schema: GraphQLSchema): string[] {
  const missing: string[] = [];
  const types = Object.values(schema.getTypeMap()).filter(
    (type: GraphQLNamedType) => !type.name.startsWith('__') && !isFederation(type.name) && !isSpecifiedScalarType(type),
  );
  for (const type of types) {
    if (undescribed(type.description)) missing.push(type.name);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (undescribed(field.description)) missing.push(`${type.name}.${field.name}`);
        for (const arg of field.args) if (undescribed(arg.description)) missing.push(`${type.name}.${field.name}(${arg.name})`);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) if (undescribed(field.description)) missing.push(`${type.name}.${field.name}`);
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) if (undescribed(value.description)) missing.push(`${type.name}.${value.name}`);
    }
  }
  return missing.sort();
}

/** Issue 16 / decision 0051: a client developer reads the schema; nothing in it may arrive without a description. */
describe('the supergraph describes everything', () => {
  it('has a description on every type, field, argument, input field and enum value', () => {
    const schema = buildSchema(readFileSync(SUPERGRAPH_PATH, 'utf8'));
    expect(undescribedElements(schema)).toEqual([]);
  });

  it('finds an undescribed element of each kind', () => {
    const schema = buildSchema(`
      "Described." type Query { "Described." a(x: Int): T b: Int }
      type T { "Described." c: Int }
      "Described." input I { d: Int }
      "Described." enum E { "Described." ON OFF }
    `);
    expect(undescribedElements(schema)).toEqual(['E.OFF', 'I.d', 'Query.a(x)', 'Query.b', 'T']);
  });
});
