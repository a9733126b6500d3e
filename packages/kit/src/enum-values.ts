import { Kind, type DocumentNode } from 'graphql';
import { z } from 'zod';

/** For each enum: its GraphQL values and the value resolvers see and return. */
export type EnumValues = Record<string, Record<string, string>>;

/**
 * The database keeps an enum's values in lower case (`service_requests`) where GraphQL writes them in upper case
 * (`SERVICE_REQUESTS`). This maps the named enums of a schema from one to the other. codegen.ts hands it to
 * codegen's `enumValues`, so the generated resolver types carry the database values, and a subgraph adds it to its
 * resolvers, so GraphQL gives resolvers the database value and takes it back: no resolver converts by hand.
 */
export function lowerCaseEnumValues(typeDefs: DocumentNode, names: readonly string[]): EnumValues {
  const values: EnumValues = {};
  for (const definition of typeDefs.definitions) {
    if (definition.kind !== Kind.ENUM_TYPE_DEFINITION || !names.includes(definition.name.value)) continue;
    values[definition.name.value] = Object.fromEntries((definition.values ?? []).map(({ name }) => [name.value, name.value.toLowerCase()]));
  }
  const missing = names.filter((name) => !(name in values));
  if (missing.length > 0) throw new Error(`The schema has no enum ${missing.join(', ')}`);
  return values;
}

/**
 * Input of one of these enums, as the database value it stands for. GraphQL hands resolvers the lower-case value;
 * the upper-case GraphQL name is taken too, so services keep accepting what callers in code (tests, demo data) send.
 */
export function lowerCaseEnum<const V extends readonly [string, ...string[]]>(values: V) {
  return z
    .string()
    .transform((value) => value.toLowerCase())
    .pipe(z.enum(values));
}
