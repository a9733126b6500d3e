import { trace, type Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';

/** Apollo gateway's tracer (its `gateway.request`, `.plan`, `.execute`, `.fetch` spans). */
const APOLLO_GATEWAY_SCOPE = 'apollo/gateway-js';

/** Where Apollo gateway writes the operation name the client sent, as its spans start. */
const OPERATION_NAME_ATTRIBUTES = ['graphql.operation.name', 'operationName'] as const;

/** What an operation is called when no label is known: the metrics' label for a name not first-party. */
const UNLABELLED = '(other)';

/**
 * Apollo gateway sets the client's operation name on its spans when it starts them (`telemetry` offers no option to
 * leave it out), and a name a client made up must not leave the process (decision 0060). This processor runs when a
 * span starts, after those attributes are set and before anything else sees the span, and replaces them with the
 * label of the gateway's own request span (its parent, or its parent's parent): `query (other)`'s `(other)`.
 */
export const operationNameRedaction: SpanProcessor = {
  onStart(span: Span, parentContext: Context) {
    if (span.instrumentationScope.name !== APOLLO_GATEWAY_SCOPE) return;
    const present = OPERATION_NAME_ATTRIBUTES.filter((name) => span.attributes[name] !== undefined);
    if (present.length === 0) return;
    const parent = trace.getSpan(parentContext) as Partial<ReadableSpan> | undefined;
    const label = parent?.attributes?.['graphql.operation.name'];
    for (const name of present) span.setAttribute(name, typeof label === 'string' ? label : UNLABELLED);
  },
  onEnd: () => undefined,
  forceFlush: async () => undefined,
  shutdown: async () => undefined,
};
