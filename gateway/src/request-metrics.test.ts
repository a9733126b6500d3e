import { EventEmitter } from 'node:events';
import type { Request, Response } from 'express';
import { GraphQLError } from 'graphql';
import type { Logger } from '@tunet/kit';
import {
  ANONYMOUS_OPERATION,
  BoundedLabels,
  FIRST_PARTY_OPERATIONS,
  logContextFailures,
  OperationLabels,
  OTHER_LABEL,
  outcomeOf,
  RequestMetrics,
} from './request-metrics';

function fakeLogger() {
  const logger = { info: jest.fn(), warn: jest.fn(), error: jest.fn() };
  return { logger, asLogger: logger as unknown as Logger };
}

/** Just what the middleware and requestIdOf touch of an Express response. */
function fakeResponse() {
  const headers = new Map<string, unknown>();
  const locals: Record<string, unknown> = {};
  return Object.assign(new EventEmitter(), {
    locals,
    statusCode: 200,
    setHeader: (name: string, value: unknown) => headers.set(name, value),
    headers,
  });
}

describe('request observations', () => {
  const start = (metrics: RequestMetrics) => {
    const res = fakeResponse();
    metrics.middleware({} as Request, res as unknown as Response, () => undefined);
    const requestId = res.locals.requestId as string;
    return { res, requestId };
  };

  it('leave no entry behind when the client went away while the context was built', async () => {
    const metrics = new RequestMetrics(fakeLogger().asLogger);
    const { res, requestId } = start(metrics);
    // The client disconnects: the response closes before Apollo's requestDidStart.
    res.emit('close');
    await metrics.plugin.requestDidStart!({ contextValue: { requestId } } as never);
    expect(metrics.inFlight).toBe(0);
  });

  it('give the request one id, sent as x-request-id, and label and log it once answered', async () => {
    const { logger, asLogger } = fakeLogger();
    const metrics = new RequestMetrics(asLogger);
    const { res, requestId } = start(metrics);
    expect(res.headers.get('x-request-id')).toBe(requestId);
    expect(metrics.inFlight).toBe(1);
    const hooks = (await metrics.plugin.requestDidStart!({ contextValue: { requestId } } as never)) as {
      didResolveOperation(request: unknown): Promise<void>;
    };
    await hooks.didResolveOperation({ operation: {}, operationName: 'Viewer' });
    res.emit('close');
    expect(metrics.inFlight).toBe(0);
    expect(logger.info).toHaveBeenCalledWith(expect.objectContaining({ requestId, operationName: 'Viewer', outcome: 'ok' }), 'request');
  });
});

describe('operation-name labels', () => {
  it('are the first-party operation names only, so junk names sent first cannot take the labels', () => {
    expect(FIRST_PARTY_OPERATIONS.has('Viewer')).toBe(true);
    const labels = new OperationLabels();
    for (let i = 1; i <= 600; i += 1) expect(labels.label(`J${i}`)).toBe(OTHER_LABEL);
    expect(labels.label('Viewer')).toBe('Viewer');
    expect(labels.label('HomeFeed')).toBe('HomeFeed');
    expect(labels.label(null)).toBe(ANONYMOUS_OPERATION);
    expect(labels.label('{__typename}')).toBe(OTHER_LABEL);
  });
});

describe('a context that fails to build', () => {
  it('logs the cause of an unexpected error with the request id, and rethrows it', async () => {
    const { logger, asLogger } = fakeLogger();
    const res = { locals: { requestId: 'r-1' } };
    const failure = new Error('store exploded');
    const build = logContextFailures(asLogger, async (_args: { res: typeof res }) => {
      throw failure;
    });
    await expect(build({ res })).rejects.toBe(failure);
    expect(logger.error).toHaveBeenCalledWith({ err: failure, requestId: 'r-1' }, 'building the request context failed');
  });

  it('does not log refusals, which reach the client as they are', async () => {
    const { logger, asLogger } = fakeLogger();
    const refusal = new GraphQLError('slow down', { extensions: { code: 'RATE_LIMITED' } });
    const build = logContextFailures(asLogger, async (_args: { res: { locals: Record<string, unknown> } }) => {
      throw refusal;
    });
    await expect(build({ res: { locals: {} } })).rejects.toBe(refusal);
    expect(logger.error).not.toHaveBeenCalled();
  });
});

describe('error-code labels', () => {
  it('keep the first codes and collapse every later one, so subgraphs cannot grow the label set without end', () => {
    const labels = new BoundedLabels(2);
    expect(labels.label('NOT_FOUND')).toBe('NOT_FOUND');
    expect(labels.label('CONFLICT')).toBe('CONFLICT');
    expect(labels.label('JUNK')).toBe(OTHER_LABEL);
    expect(labels.label('NOT_FOUND')).toBe('NOT_FOUND');
  });

  it('give missing values one label and anything that is no GraphQL name the other one', () => {
    const labels = new BoundedLabels(10);
    expect(labels.label(null)).toBe(ANONYMOUS_OPERATION);
    expect(labels.label('')).toBe(ANONYMOUS_OPERATION);
    expect(labels.label('a"b')).toBe(OTHER_LABEL);
    expect(labels.label('x'.repeat(65))).toBe(OTHER_LABEL);
    expect(labels.label('{__typename}')).toBe(OTHER_LABEL);
  });
});

describe('request outcome', () => {
  it('is a server error for 5xx and for internal or unavailable errors, a client error for other errors', () => {
    expect(outcomeOf(200, [])).toBe('ok');
    expect(outcomeOf(200, ['NOT_FOUND'])).toBe('client_error');
    expect(outcomeOf(400, [])).toBe('client_error');
    expect(outcomeOf(200, ['BAD_USER_INPUT', 'SERVICE_UNAVAILABLE'])).toBe('server_error');
    expect(outcomeOf(200, ['INTERNAL_SERVER_ERROR'])).toBe('server_error');
    expect(outcomeOf(503, [])).toBe('server_error');
  });
});
