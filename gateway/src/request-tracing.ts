import type { ApolloServerPlugin } from '@apollo/server';
import { SpanStatusCode, type Span } from '@opentelemetry/api';
import { traceIncoming } from '@tunet/kit';
import { OperationLabels, outcomeOf, requestIdOf } from './request-metrics';

/** At most this many distinct error codes on a span: an answer with a thousand errors stays one short list. */
const MAX_ERROR_CODES = 20;

/**
 * A server span per `/graphql` request (decision 0060): a new trace for every client request (a client's own
 * `traceparent` is ignored: it could pick trace ids and sampling), the parent of Apollo gateway's planning and fetch
 * spans and of a client span per subgraph fetch (SignedDataSource). Named `<type> <operation>` with the operation's
 * label from the metrics (a first-party name, `(other)` or `(anonymous)`), never a name the client made up; its
 * attributes are the request id, the operation type and label, the HTTP status and the error codes. `middleware`
 * goes right after the metrics middleware (which gives the request its id); `plugin` among the Apollo plugins.
 */
export class RequestTracing {
  private readonly spans = new Map<string, Span>();

  constructor(private readonly operations = new OperationLabels()) {}

  readonly middleware = traceIncoming({
    route: '/graphql',
    continueTrace: false,
    started: (span, _req, res) => {
      const requestId = requestIdOf(res);
      span.setAttribute('tunet.request_id', requestId);
      this.spans.set(requestId, span);
      res.once('close', () => this.spans.delete(requestId));
    },
  });

  readonly plugin: ApolloServerPlugin<{ requestId: string }> = {
    requestDidStart: async ({ contextValue }) => {
      const span = this.spans.get(contextValue.requestId);
      if (!span) return {};
      const operations = this.operations;
      return {
        async didResolveOperation({ operation, operationName }) {
          if (!operation) return;
          const label = operations.label(operationName);
          span.updateName(`${operation.operation} ${label}`);
          span.setAttributes({ 'graphql.operation.type': operation.operation, 'graphql.operation.name': label });
        },
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const codes = (response.body.singleResult.errors ?? []).map((error) => {
            const code = error.extensions?.code;
            return typeof code === 'string' ? code.slice(0, 64) : 'INTERNAL_SERVER_ERROR';
          });
          if (codes.length === 0) return;
          span.setAttribute('tunet.graphql.error_codes', [...new Set(codes)].slice(0, MAX_ERROR_CODES));
          if (outcomeOf(response.http.status ?? 200, codes) === 'server_error') span.setStatus({ code: SpanStatusCode.ERROR });
        },
      };
    },
  };
}
