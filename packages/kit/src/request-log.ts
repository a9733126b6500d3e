import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { RequestHandler, Response } from 'express';
import type { Logger } from './logger';
import type { RequestContext } from './viewer';

/**
 * One `request` log line per GraphQL request a subgraph answers, with the request id the gateway signed into the
 * context (the gateway's own line for the client's request has the same id): operation name, duration, HTTP status
 * and error codes; never variables, tokens or the viewer. `middleware` goes after the signature check,
 * `plugin` among the Apollo plugins, and `track` around the context the subgraph builds.
 */
export class SubgraphRequestLog<TContext extends BaseContext> {
  private readonly responses = new WeakMap<TContext, Response>();

  constructor(private readonly logger: Logger) {}

  readonly middleware: RequestHandler = (req, res, next) => {
    const started = performance.now();
    res.once('close', () => {
      const context = res.locals.tunet as RequestContext | undefined;
      const body = req.body as { operationName?: unknown } | undefined;
      this.logger.info(
        {
          requestId: context?.requestId,
          operationName: typeof body?.operationName === 'string' ? body.operationName.slice(0, 100) : null,
          durationMs: Math.round((performance.now() - started) * 10) / 10,
          status: res.statusCode,
          errorCodes: (res.locals.errorCodes as string[] | undefined) ?? [],
        },
        'request',
      );
    });
    next();
  };

  /** Links the context Apollo hands the plugin to the response the middleware logs. */
  track(res: Response, context: TContext): TContext {
    this.responses.set(context, res);
    return context;
  }

  readonly plugin: ApolloServerPlugin<TContext> = {
    requestDidStart: async () => ({
      willSendResponse: async ({ response, contextValue }) => {
        const res = this.responses.get(contextValue);
        if (!res || response.body.kind !== 'single') return;
        const codes = (response.body.singleResult.errors ?? []).map((error) =>
          typeof error.extensions?.code === 'string' ? error.extensions.code : 'INTERNAL_SERVER_ERROR',
        );
        res.locals.errorCodes = [...new Set(codes)];
      },
    }),
  };
}
