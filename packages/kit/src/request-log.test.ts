import { GraphQLError } from 'graphql';
import type { GraphQLRequestContextDidEncounterErrors, GraphQLRequestListener } from '@apollo/server';
import { logUnexpectedErrors } from './http-server';
import type { Logger } from './logger';

type Context = { requestId: string };

async function logged(error: GraphQLError): Promise<unknown[]> {
  const calls: unknown[] = [];
  const logger = { error: (...args: unknown[]) => void calls.push(args) } as unknown as Logger;
  const plugin = logUnexpectedErrors<Context>(logger);
  const listener = (await plugin.requestDidStart!({} as never)) as GraphQLRequestListener<Context>;
  await listener.didEncounterErrors!({ errors: [error], contextValue: { requestId: 'req-1' } } as unknown as GraphQLRequestContextDidEncounterErrors<Context>);
  return calls;
}

describe('logged causes', () => {
  it('names the subgraph and the path of an internal error a subgraph masked, whose cause the subgraph logged under the request id', async () => {
    const masked = new GraphQLError('Internal server error', {
      path: ['me', 'posts'],
      extensions: { code: 'INTERNAL_SERVER_ERROR', serviceName: 'posts' },
    });
    expect(await logged(masked)).toEqual([
      [
        { requestId: 'req-1', subgraph: 'posts', path: ['me', 'posts'], message: 'Internal server error' },
        'subgraph failed; its log has the cause under this requestId',
      ],
    ]);
  });

  it('logs the cause of an error thrown here, with the request id and path', async () => {
    const cause = new Error('relation "posts" does not exist');
    const calls = await logged(new GraphQLError('Unexpected', { path: ['post'], originalError: cause }));
    expect(calls).toEqual([[{ err: cause, requestId: 'req-1', path: ['post'] }, 'unexpected error']]);
  });

  it('leaves errors the client caused alone', async () => {
    expect(await logged(new GraphQLError('Not found', { extensions: { code: 'NOT_FOUND' } }))).toEqual([]);
  });
});
