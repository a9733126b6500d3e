import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { CONTEXT_HEADER, encodeContext, signRequest, type RequestContext, type Suspension } from '@tunet/kit';

/** What subgraphs are told, and whether the member was suspended since their token was issued (gateway-only). */
export type GatewayContext = RequestContext & { suspension?: Suspension | null };

/** Requests the gateway makes on its own behalf (none today with a static supergraph) carry no viewer. */
const SYSTEM_CONTEXT: RequestContext = { viewer: null, requestId: 'gateway', clientIp: '' };

/**
 * Sends each subgraph request with the verified request context and an HMAC over timestamp, context and
 * the exact body bytes, which is what subgraphs check before doing anything (see kit/internal-signature).
 */
export class SignedDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(url: string, secret: string) {
    super({
      url,
      fetcher: async (input, init) => {
        const headers = { ...(init?.headers as Record<string, string>) };
        const encoded = headers[CONTEXT_HEADER] ?? encodeContext(SYSTEM_CONTEXT);
        const body = typeof init?.body === 'string' ? init.body : '';
        const response = await fetch(input, { ...init, headers: { ...headers, ...signRequest(secret, encoded, body) } });
        return clientErrorsAsResults(response) as never;
      },
    });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const { viewer, requestId, clientIp, publicOrigin } = context as Partial<GatewayContext>;
    if (requestId === undefined) return;
    request.http?.headers.set(
      CONTEXT_HEADER,
      encodeContext({ viewer: viewer ?? null, requestId, clientIp: clientIp ?? '', publicOrigin: publicOrigin ?? null }),
    );
  }
}

/**
 * A subgraph answers a bad variable (a Date that is no date) with HTTP 400 and a GraphQL error saying which
 * variable, coded BAD_USER_INPUT. The gateway treats every non-2xx answer as a fault of the subgraph and would
 * hide it behind an internal error, so such answers are handed on as ordinary GraphQL results.
 */
function clientErrorsAsResults(response: Response): Response {
  const isGraphQL = response.headers.get('content-type')?.includes('application/json') === true;
  if (response.status !== 400 || !isGraphQL) return response;
  return new Response(response.body, { status: 200, headers: response.headers });
}
