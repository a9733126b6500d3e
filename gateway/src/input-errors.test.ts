import { GraphQLError, parse } from 'graphql';
import { inputErrorPlugin } from './input-errors';

/** The field the plugin names on a variable's coercion error, as Apollo Server hands it over before execution. */
async function fieldOf(query: string, message: string): Promise<unknown> {
  const error = new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
  const hooks = await inputErrorPlugin.requestDidStart!({} as never);
  await hooks!.didEncounterErrors!({ errors: [error], document: parse(query) } as never);
  return error.extensions.field;
}

describe('inputErrorPlugin', () => {
  it('names the input field a variable nested in an inline input object stands for, not the variable', async () => {
    const query = 'mutation ($cap: Int) { createEvent(input: { title: "x", capacity: $cap }) { id } }';
    await expect(fieldOf(query, 'Variable "$cap" got invalid value "many"; Int cannot represent non-integer value: "many"')).resolves.toBe('capacity');
  });

  it('names the path inside a variable passed as the whole input', async () => {
    const query = 'mutation ($in: CreateEventInput!) { createEvent(input: $in) { id } }';
    await expect(fieldOf(query, 'Variable "$in" got invalid value 5 at "in.capacity"; Int cannot represent non-integer value: 5')).resolves.toBe('capacity');
  });
});
