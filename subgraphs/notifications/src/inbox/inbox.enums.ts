/**
 * GraphQL enums are the upper-case forms of the lower-case database values (model.ts); these convert between
 * them with the types kept, so `upper('service_requests')` is the `'SERVICE_REQUESTS'` the generated types expect.
 */

/** The GraphQL enum value of a database value. */
export function upper<T extends string>(value: T): Uppercase<T> {
  return value.toUpperCase() as Uppercase<T>;
}

/** The database value of a GraphQL enum value. */
export function lower<T extends string>(value: T): Lowercase<T> {
  return value.toLowerCase() as Lowercase<T>;
}
