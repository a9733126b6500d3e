import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '@tunet/kit';
import { parse, type OperationDefinitionNode } from 'graphql';
import { supportSessionsPlugin } from './support-sessions';

/** A port just closed: nothing listens there, so a connection to it is refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('support sessions at the gateway', () => {
  it('tells the operator members cannot be reached, not that it timed out, when members refuses the connection', async () => {
    const port = await closedPort();
    const plugin = supportSessionsPlugin({
      membersUrl: () => `http://127.0.0.1:${port}/graphql`,
      internalSecret: 'secret',
      timeoutMs: 2_000,
      logger: createLogger('test'),
    });
    const listener = await plugin.requestDidStart!({} as never);
    const document = parse('{ me { id } }');
    const viewer = { support: true, associationId: crypto.randomUUID(), sessionId: crypto.randomUUID(), accountId: crypto.randomUUID() };

    const failure = await listener!.didResolveOperation!({
      operation: document.definitions[0] as OperationDefinitionNode,
      document,
      contextValue: { viewer, requestId: 'r1', clientIp: '10.0.0.1' },
    } as never).then(
      () => null,
      (error: { extensions: unknown }) => error.extensions,
    );

    expect(failure).toMatchObject({ code: 'SERVICE_UNAVAILABLE', reason: 'SERVICE_UNREACHABLE', serviceName: 'members' });
  });
});
