import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import {
  CONTEXT_HEADER,
  encodeContext,
  errorReasons,
  signRequest,
  timeSubgraphFetch,
  traceAnswer,
  traceOutgoing,
  traceSkipped,
  type Logger,
  type MessageLocale,
  type RequestContext,
  type Suspension,
} from '@tunet/kit';
import type { CircuitBreaker } from './circuit-breaker';
import { serviceUnavailable } from './request-errors';
import { failureOf, isIdempotentRead, nothingSent, retryDelayMs, shouldRetry, SubgraphUnreachable, type SubgraphFailure } from './subgraph-retries';
import { logTimeout } from './subgraph-timeouts';

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

/**
 * Which subgraph a data source calls, how long it waits for the answer (see subgraph-timeouts; retries included), and
 * its circuit breaker, whose failures are counted with `countFailure` (see subgraph-health).
 */
export interface SubgraphLimits {
  name: string;
  timeoutMs: number;
  logger: Logger;
  breaker: CircuitBreaker;
  countFailure(failure: SubgraphFailure): void;
}

/** When the current fetch attempt must end: the fetch's time budget, shared by its attempts. */
const attemptDeadline = new AsyncLocalStorage<number>();

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
        const signal = AbortSignal.timeout(Math.max(1, (attemptDeadline.getStore() ?? Date.now() + limits.timeoutMs) - Date.now()));
        // One client span per attempt, its context sent as `traceparent` beside the signed headers (decision 0060).
        const attributes = { 'tunet.subgraph': limits.name, 'tunet.breaker.state': limits.breaker.state };
        const response = await traceOutgoing(`POST ${limits.name}`, attributes, async (traceHeaders, span) => {
          // The body is read here too, so a connection cut halfway through the answer is a subgraph unreachable, not
          // an internal error of the gateway.
          const received = fetch(input, { ...init, headers: { ...headers, ...traceHeaders, ...signature }, signal }).then(
            async (answer) => new Response(await answer.arrayBuffer(), { status: answer.status, statusText: answer.statusText, headers: answer.headers }),
          );
          const answer = await timeSubgraphFetch(limits.name, received).catch((error: unknown) => {
            if ((error as Error).name === 'TimeoutError') throw error;
            throw new SubgraphUnreachable(`subgraph ${limits.name} unreachable`, { cause: error });
          });
          traceAnswer(span, answer.status);
          return answer;
        });
        return clientErrorsAsResults(response);
      },
    });
  }

  /**
   * A subgraph that does not answer (hung, overloaded, down, unreachable behind a black hole) costs the client only
   * the fields planned to it: they get a SERVICE_UNAVAILABLE error and the rest of the answer stands. A fetch for a
   * query is tried again within its time budget (each attempt signed anew, so with a fresh nonce); while the
   * subgraph's breaker is open, the fields fail at once without calling it (decision 0055). A mutation is never
   * retried, and "try again" is said only when it certainly never reached the subgraph: else OUTCOME_UNKNOWN.
   */
  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<SubgraphResponse> {
    const { name, timeoutMs, breaker } = this.limits;
    const deadline = Date.now() + timeoutMs;
    const read = isIdempotentRead(options);
    for (let retriesDone = 0; ; retriesDone += 1) {
      if (!breaker.tryAcquire()) {
        traceSkipped(`POST ${name}`, { 'tunet.subgraph': name, 'tunet.breaker.state': breaker.state });
        return unavailable(name, 'unreachable', options);
      }
      try {
        const response = await attemptDeadline.run(deadline, () => super.process(options));
        breaker.recordAnswer();
        return response;
      } catch (error) {
        const failure = failureOf(error);
        if (!failure) {
          breaker.recordAnswer();
          throw error;
        }
        breaker.recordFailure();
        this.limits.countFailure(failure);
        const delayMs = retryDelayMs(retriesDone + 1);
        if (shouldRetry({ read, retriesDone, remainingMs: deadline - Date.now(), delayMs })) {
          await sleep(delayMs);
          continue;
        }
        return this.gaveUp(options, failure, error, read);
      }
    }
  }

  /**
   * What the client gets for a subgraph that gave no answer: SERVICE_UNAVAILABLE, "try again" for a read or a change
   * that never left; OUTCOME_UNKNOWN for a change that may have been made.
   */
  private gaveUp(options: GraphQLDataSourceProcessOptions<GatewayContext>, failure: SubgraphFailure, error: unknown, read: boolean): SubgraphResponse {
    const { name, timeoutMs, logger } = this.limits;
    // Only an incoming operation carries the gateway's context; a health check's has no request id.
    const { requestId } = options.context as Partial<GatewayContext>;
    if (failure === 'timeout') logTimeout(logger, name, timeoutMs, requestId);
    else {
      const status = (error as { extensions?: { response?: { status?: number } } }).extensions?.response?.status;
      logger.warn({ subgraph: name, failure, status, requestId, err: (error as Error).cause ?? error }, 'subgraph gave no answer');
    }
    if (!read && !nothingSent(error)) return outcomeUnknown(name);
    return unavailable(name, failure === 'timeout' ? 'timeout' : 'unreachable', options);
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
 * SERVICE_UNAVAILABLE for the fields planned to the subgraph. For an `_entities` fetch, one error per entity at its
 * index, which the gateway turns into the entity's place in the answer (`posts.nodes.3.author`): each null reference
 * has its error beside it.
 */
function unavailable(subgraph: string, why: 'timeout' | 'unreachable', options: GraphQLDataSourceProcessOptions<GatewayContext>): SubgraphResponse {
  const { message, extensions } = serviceUnavailable(subgraph, why);
  const error = { message, extensions: { code: 'SERVICE_UNAVAILABLE', reason: extensions.reason, serviceName: subgraph } };
  const representations: unknown = options.request.variables?.representations;
  if (!Array.isArray(representations)) return { errors: [error] };
  return { errors: representations.map((_, index) => ({ ...error, path: ['_entities', index] })) };
}

/** SERVICE_UNAVAILABLE with reason OUTCOME_UNKNOWN (rendered in the caller's language by error-language). */
function outcomeUnknown(subgraph: string): SubgraphResponse {
  const params = { serviceName: subgraph };
  return { errors: [{ message: errorReasons.OUTCOME_UNKNOWN.en(params), extensions: { code: 'SERVICE_UNAVAILABLE', reason: 'OUTCOME_UNKNOWN', ...params } }] };
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
