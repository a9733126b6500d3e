import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLError } from 'graphql';
import { SignedCurrentAssociations } from '../subprocessors/current-associations';
import { SignedUsageSource } from './usage-source';

/** A port just closed: nothing listens there, so a connection to it is refused. */
async function closedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/graphql`;
}

const extensionsOf = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: GraphQLError) => error.extensions,
  );

describe("privacy's calls to other subgraphs while they are down", () => {
  it('gives a reason the gateway renders in nb and en, with the service named', async () => {
    const down = await closedUrl();
    const usage = new SignedUsageSource(() => ({ posts: down }), 'secret');
    expect(await extensionsOf(usage.active('commenters', crypto.randomUUID(), '2026-11', 'Europe/Oslo'))).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      reason: 'SERVICE_UNREACHABLE',
      serviceName: 'posts',
    });
    expect(await extensionsOf(new SignedCurrentAssociations(() => down, 'secret').list())).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      reason: 'ASSOCIATIONS_UNCHECKED',
      serviceName: 'members',
    });
  });
});
