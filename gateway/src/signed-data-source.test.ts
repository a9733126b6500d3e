import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { createLogger, SIGNATURE_HEADER } from '@tunet/kit';
import { recordSpans } from '@tunet/kit/src/tracing.fixtures';
import { CircuitBreaker } from './circuit-breaker';
import { SignedDataSource, type GatewayContext } from './signed-data-source';

const URL = 'http://127.0.0.1:1/graphql';
const CONTEXT: GatewayContext = { viewer: null, requestId: 'request-1', clientIp: '127.0.0.1' };

function fetchPlannedFor(operation: 'query' | 'mutation'): GraphQLDataSourceProcessOptions<GatewayContext> {
  return {
    kind: 'incoming operation',
    incomingRequestContext: { operation: { operation } },
    request: { query: `${operation} { x }` },
    context: CONTEXT,
  } as never;
}

const answer = () => new Response(JSON.stringify({ data: { x: 1 } }), { status: 200, headers: { 'content-type': 'application/json' } });
const unavailable = () => new Response('busy', { status: 503 });
const refused = () => Promise.reject(new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }));

function dataSource(failures = 5): { source: SignedDataSource; breaker: CircuitBreaker; counted: string[] } {
  const breaker = new CircuitBreaker({ failures, cooldownMs: 60_000, windowMs: 60_000 });
  const counted: string[] = [];
  const source = new SignedDataSource(URL, 'secret', {
    name: 'posts',
    timeoutMs: 5000,
    logger: createLogger('test'),
    breaker,
    countFailure: (failure) => counted.push(failure),
  });
  return { source, breaker, counted };
}

describe('signed data source: retries and the circuit breaker', () => {
  let fetchMock: jest.SpyInstance;
  beforeEach(() => (fetchMock = jest.spyOn(global, 'fetch')));
  afterEach(() => fetchMock.mockRestore());

  it('tries a query again after a 503, signing each attempt itself', async () => {
    fetchMock.mockResolvedValueOnce(unavailable()).mockResolvedValueOnce(answer());
    const { source, counted } = dataSource();

    const response = await source.process(fetchPlannedFor('query'));

    expect(response.data).toEqual({ x: 1 });
    expect(fetchMock).toHaveBeenCalledTimes(2);
    for (const [, init] of fetchMock.mock.calls) expect((init as RequestInit).headers).toHaveProperty(SIGNATURE_HEADER);
    expect(counted).toEqual(['server-error']);
  });

  it('sends a mutation once, and answers SERVICE_UNAVAILABLE when the subgraph cannot be reached', async () => {
    fetchMock.mockImplementation(refused);
    const { source, counted } = dataSource();

    const response = await source.process(fetchPlannedFor('mutation'));

    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(response.errors).toEqual([expect.objectContaining({ message: 'The posts service cannot be reached. Try again shortly.' })]);
    expect(counted).toEqual(['unreachable']);
  });

  it('answers OUTCOME_UNKNOWN, not "try again", for a mutation that may have reached the subgraph', async () => {
    const reset = () => Promise.reject(new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } }));
    for (const failure of [reset, async () => new Response('bad gateway', { status: 502 })]) {
      fetchMock.mockReset().mockImplementation(failure);
      const { source } = dataSource();

      const response = await source.process(fetchPlannedFor('mutation'));

      expect(fetchMock).toHaveBeenCalledTimes(1);
      expect(response.errors).toEqual([
        {
          message: 'The posts service did not answer, so it is not known whether the change was saved. Check before trying again.',
          extensions: { code: 'SERVICE_UNAVAILABLE', reason: 'OUTCOME_UNKNOWN', serviceName: 'posts' },
        },
      ]);
    }
  });

  it('takes an answer cut off halfway through its body as no answer: SERVICE_UNAVAILABLE, not an internal error', async () => {
    const cut = async () =>
      new Response(new ReadableStream({ start: (controller) => controller.error(new TypeError('terminated')) }), {
        headers: { 'content-type': 'application/json' },
      });
    fetchMock.mockImplementation(cut);
    const { source, counted } = dataSource();

    const response = await source.process(fetchPlannedFor('query'));

    expect(response.errors?.[0]?.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', reason: 'SERVICE_UNREACHABLE', serviceName: 'posts' });
    expect(counted).toEqual(['unreachable', 'unreachable', 'unreachable']);
  });

  it('takes a plain 500 as an answer: not retried, not counted against the breaker', async () => {
    fetchMock.mockImplementation(async () => new Response('boom', { status: 500 }));
    const { source, breaker, counted } = dataSource(1);

    await expect(source.process(fetchPlannedFor('query'))).rejects.toThrow();

    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(counted).toEqual([]);
    expect(breaker.state).toBe('closed');
  });

  it('puts an error at each entity of an `_entities` fetch it cannot make, so each null reference has one', async () => {
    fetchMock.mockImplementation(refused);
    const { source } = dataSource();
    const options = fetchPlannedFor('query');
    options.request.variables = {
      representations: [
        { __typename: 'Member', id: 'a' },
        { __typename: 'Member', id: 'b' },
      ],
    };

    const response = await source.process(options);

    expect(response.errors?.map((error) => error.path)).toEqual([
      ['_entities', 0],
      ['_entities', 1],
    ]);
  });

  it('gives up on a query after two retries', async () => {
    fetchMock.mockImplementation(refused);
    const { source } = dataSource();

    const response = await source.process(fetchPlannedFor('query'));

    expect(fetchMock).toHaveBeenCalledTimes(3);
    expect(response.errors?.[0]?.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', reason: 'SERVICE_UNREACHABLE', serviceName: 'posts' });
  });

  it('stops calling the subgraph once its breaker is open', async () => {
    fetchMock.mockImplementation(refused);
    const { source, breaker } = dataSource(3);
    await source.process(fetchPlannedFor('query'));
    expect(breaker.state).toBe('open');
    fetchMock.mockClear();

    const response = await source.process(fetchPlannedFor('query'));

    expect(fetchMock).not.toHaveBeenCalled();
    expect(response.errors?.[0]?.message).toBe('The posts service cannot be reached. Try again shortly.');
  });

  it('takes a GraphQL error in a 200 answer as an answer: no retry, the breaker stays closed', async () => {
    const refusal = { errors: [{ message: 'no', extensions: { code: 'FORBIDDEN' } }] };
    fetchMock.mockImplementation(async () => new Response(JSON.stringify(refusal), { headers: { 'content-type': 'application/json' } }));
    const { source, breaker } = dataSource(1);

    const response = await source.process(fetchPlannedFor('query'));

    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(response.errors).toEqual(refusal.errors);
    expect(breaker.state).toBe('closed');
  });

  it('marks the fetch span of a 5xx answer as an error, and leaves one for a fetch the open breaker skipped', async () => {
    const recorded = await recordSpans();
    try {
      fetchMock.mockImplementation(async () => new Response('boom', { status: 500 }));
      await expect(dataSource().source.process(fetchPlannedFor('query'))).rejects.toThrow();
      const { source, breaker } = dataSource(1);
      breaker.recordFailure();
      await source.process(fetchPlannedFor('query'));

      const [answered, skipped] = recorded.spans();
      expect(answered).toMatchObject({ name: 'POST posts', status: { code: 2 }, attributes: { 'http.response.status_code': 500 } });
      expect(skipped).toMatchObject({ name: 'POST posts', status: { code: 2 }, attributes: { 'tunet.subgraph': 'posts', 'tunet.breaker.state': 'open' } });
      expect(skipped!.duration).toEqual([0, 0]);
    } finally {
      await recorded.stop();
    }
  });
});
