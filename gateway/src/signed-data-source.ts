import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import {
  CONTEXT_HEADER,
  encodeContext,
  signRequest,
  timeSubgraphFetch,
  type Logger,
  type MessageLocale,
  type RequestContext,
  type Suspension,
} from '@tunet/kit';
import { serviceUnavailable } from './request-errors';
import { isTimeout, logTimeout } from './subgraph-timeouts';

/**
 * What subgraphs are told, and (gateway-only) whether the member was suspended since their token was issued and
 * whether billing could not say what the association may use.
 */
export type GatewayContext = RequestContext & {
  suspension?: Suspension | null;
  entitlementsUnavailable?: boolean;
  locale?: MessageLocale;
  /** The association's language from the access token: specific reasons' messages when the caller asked for none. */
  associationLocale?: MessageLocale;
};

/** Requests the gateway makes on its own behalf (none today with a static supergraph) carry no viewer. */
const SYSTEM_CONTEXT: RequestContext = { viewer: null, requestId: 'gateway', clientIp: '' };

type SubgraphResponse = Awaited<ReturnType<RemoteGraphQLDataSource['process']>>;

/** Which subgraph a data source calls, and how long it waits for the answer (see subgraph-timeouts). */
export interface SubgraphLimits {
  name: string;
  timeoutMs: number;
  logger: Logger;
}

/**
 * Sends each subgraph request with the verified request context and an HMAC over timestamp, method, path,
 * context and the exact body bytes, which is what subgraphs check before doing anything (see kit/internal-signature).
 */
export class SignedDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    url: string,
    secret: string,
    private readonly limits: SubgraphLimits,
  ) {
    super({
      url,
      fetcher: async (input, init) => {
        const headers = { ...(init?.headers as Record<string, string>) };
        const encoded = headers[CONTEXT_HEADER] ?? encodeContext(SYSTEM_CONTEXT);
        const body = typeof init?.body === 'string' ? init.body : '';
        const signature = signRequest(secret, { method: init?.method ?? 'GET', url: input, context: encoded, body });
        const signal = AbortSignal.timeout(limits.timeoutMs);
        const response = await timeSubgraphFetch(limits.name, fetch(input, { ...init, headers: { ...headers, ...signature }, signal }));
        return clientErrorsAsResults(response);
      },
    });
  }

  /**
   * A subgraph that does not answer in time (hung, overloaded, unreachable behind a black hole) costs the client
   * only the fields planned to it: they get a SERVICE_UNAVAILABLE error and the rest of the answer stands.
   */
  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<SubgraphResponse> {
    try {
      return await super.process(options);
    } catch (error) {
      if (!isTimeout(error)) throw error;
      const { name, timeoutMs, logger } = this.limits;
      // Only an incoming operation carries the gateway's context; a health check's has no request id.
      const context: Partial<GatewayContext> = options.context;
      logTimeout(logger, name, timeoutMs, context.requestId);
      return { errors: [{ message: serviceUnavailable(name).message, extensions: { code: 'SERVICE_UNAVAILABLE' } }] };
    }
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const { viewer, requestId, clientIp, publicOrigin, entitlements } = context as Partial<GatewayContext>;
    if (requestId === undefined) return;
    request.http?.headers.set(
      CONTEXT_HEADER,
      encodeContext({ viewer: viewer ?? null, requestId, clientIp: clientIp ?? '', publicOrigin: publicOrigin ?? null, entitlements: entitlements ?? null }),
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
