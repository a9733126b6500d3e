import { parse } from 'graphql';
import { lowerCaseEnumValues } from './enum-values';

const typeDefs = parse(`
  enum DeliveryHold { QUIET_HOURS DIGEST }
  enum Reaction { LIKE HEART }
  type Query { hold: DeliveryHold }
`);

describe('lowerCaseEnumValues', () => {
  it('maps each value of the named enums to its lower-case database value, and leaves the others alone', () => {
    expect(lowerCaseEnumValues(typeDefs, ['DeliveryHold'])).toEqual({ DeliveryHold: { QUIET_HOURS: 'quiet_hours', DIGEST: 'digest' } });
  });

  it('refuses an enum the schema does not have, so a renamed enum cannot silently lose its mapping', () => {
    expect(() => lowerCaseEnumValues(typeDefs, ['DeliveryHold', 'DeliveryState'])).toThrow('The schema has no enum DeliveryState');
  });
});
