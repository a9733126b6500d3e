import { readFileSync } from 'node:fs';
import path from 'node:path';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { createLogger, DateTimeResolver, type Logger, type RequestContext, type StreamRoute } from '@tunet/kit';
import { GraphQLError, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { ExecutionPatchResult, ExecutionResult, Response as StreamResponse } from 'graphql-sse';
import { createHandler } from 'graphql-sse/lib/use/express';
import { liveResolvers, type LiveContext } from './live.resolvers';
import type { LiveService } from './live.service';

const STREAM_SCHEMA = path.resolve(__dirname, '../../stream.graphql');

/**
 * `POST /stream/inbox`: stream.graphql over Server-Sent Events (graphql-sse), for the gateway's `/graphql/stream`.
 * Members only: anyone else is answered 401 or 403 with a GraphQL error and no stream is opened.
 */
export function inboxStreamRoute(live: LiveService, logger: Logger = createLogger('notifications-live')): StreamRoute {
  const schema = makeExecutableSchema({
    typeDefs: readFileSync(STREAM_SCHEMA, 'utf8'),
    resolvers: [{ DateTime: DateTimeResolver }, liveResolvers],
  });
  const handler = createHandler<LiveContext>({
    schema,
    validate: codedValidation,
    // Distinct connections mode only: single-connection mode keeps its streams in one process's memory, which
    // replicas behind a load balancer cannot share.
    authenticate: () => null,
    onConnect: (req) => refusal(live, signedContext(req.context.res)),
    context: (req) => ({ ...signedContext(req.context.res), live }),
    onNext: (ctx, _req, result) => maskUnexpected(result, ctx.requestId, logger),
  });
  return (req, res) => handler(req, res);
}

/**
 * graphql-sse sends a stream request's validation errors as a `next` event of an HTTP 200, uncoded: they get the code
 * /graphql gives them. Without graphql-js's "Did you mean …?": the subgraph does not know whether the gateway's
 * introspection is on, and the hints would spell out the schema that introspection being off keeps to ourselves.
 */
function codedValidation(schema: GraphQLSchema, document: DocumentNode): GraphQLError[] {
  return validate(schema, document).map(
    (error) =>
      new GraphQLError(error.message.replace(/ ?Did you mean .+\?$/, ''), {
        nodes: error.nodes,
        source: error.source,
        positions: error.positions,
        extensions: { ...error.extensions, code: 'GRAPHQL_VALIDATION_FAILED' },
      }),
  );
}

/** The request context the kit verified from the gateway's signature. */
function signedContext(res: { locals: Record<string, unknown> }): RequestContext {
  return res.locals.tunet as RequestContext;
}

/** HTTP 401 or 403 with the GraphQL error, for anyone but a member: no stream opens for them. */
function refusal(live: LiveService, context: RequestContext): StreamResponse | undefined {
  try {
    live.streamer(context.viewer);
    return undefined;
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    const unauthenticated = error.extensions.code === 'UNAUTHENTICATED';
    return [
      JSON.stringify({ errors: [error.toJSON()] }),
      {
        status: unauthenticated ? 401 : 403,
        statusText: unauthenticated ? 'Unauthorized' : 'Forbidden',
        headers: { 'content-type': 'application/json; charset=utf-8' },
      },
    ];
  }
}

/**
 * Errors the code did not mean to show (a lost database connection) reach the client without details, logged with
 * the request id, as on /graphql. Errors with a code, and GraphQL's own about the document, pass unchanged.
 */
function maskUnexpected(result: ExecutionResult | ExecutionPatchResult, requestId: string, logger: Logger): ExecutionResult | ExecutionPatchResult | undefined {
  if (!result.errors?.some(isUnexpected)) return undefined;
  const errors = result.errors.map((error) => {
    if (!isUnexpected(error)) return error;
    logger.error({ err: error.originalError, requestId }, 'unexpected error in the inbox stream');
    return new GraphQLError('Internal server error', { path: error.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });
  return { ...result, errors };
}

function isUnexpected(error: GraphQLError): boolean {
  return error.originalError !== undefined && error.originalError !== null && error.extensions?.code === undefined;
}
