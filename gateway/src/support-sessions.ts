import type { ApolloServerPlugin } from '@apollo/server';
import { postInternalRoute, type Logger, type Viewer } from '@tunet/kit';
import { GraphQLError, Kind, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { isTimeout, logTimeout } from './subgraph-timeouts';
import { serviceUnavailable } from './request-errors';
import type { GatewayContext } from './signed-data-source';

/** Members' route that logs an operation of a support session, or refuses it (decision 0030). */
export const SUPPORT_RECORD_ROUTE = 'support-sessions/record';
const MAX_FIELDS = 50;

export interface SupportRecorder {
  membersUrl: () => string;
  internalSecret: string;
  timeoutMs: number;
  logger: Logger;
}

/**
 * No unlogged access: before any subgraph is called, an operation run with a support session's token is reported to
 * members, which logs it where the association's board reads it — or refuses it when the session is closed, expired,
 * someone else's or another association's. Without members' answer nothing runs.
 */
export function supportSessionsPlugin(recorder: SupportRecorder): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, contextValue }) {
          const viewer = contextValue.viewer;
          if (!viewer?.support || !operation) return;
          await record(recorder, viewer, operation, topLevelFields(operation.selectionSet, fragmentsOf(document.definitions)), contextValue);
        },
      };
    },
  };
}

async function record(recorder: SupportRecorder, viewer: Viewer, operation: OperationDefinitionNode, fields: string[], caller: GatewayContext): Promise<void> {
  let response: Response;
  try {
    response = await postInternalRoute({
      graphqlUrl: recorder.membersUrl(),
      route: SUPPORT_RECORD_ROUTE,
      internalSecret: recorder.internalSecret,
      payload: {
        associationId: viewer.associationId,
        supportSessionId: viewer.sessionId,
        accountId: viewer.accountId,
        operationType: operation.operation,
        operationName: operation.name?.value.slice(0, 200) ?? null,
        fields,
      },
      timeoutMs: recorder.timeoutMs,
      caller,
    });
  } catch (error) {
    if (!isTimeout(error)) {
      recorder.logger.error({ err: error, requestId: caller.requestId }, 'support session access could not be logged');
      throw serviceUnavailable('members', 'unreachable');
    }
    logTimeout(recorder.logger, 'members', recorder.timeoutMs, caller.requestId);
    throw serviceUnavailable('members');
  }
  if (response.status === 403) throw supportSessionClosed();
  if (!response.ok) {
    recorder.logger.error({ status: response.status, requestId: caller.requestId }, 'support session access could not be logged');
    throw serviceUnavailable('members', 'unreachable');
  }
}

export function supportSessionClosed(): GraphQLError {
  return new GraphQLError('The support session is closed or has expired. Open a new one to go on.', {
    extensions: { code: 'FORBIDDEN', reason: 'SUPPORT_SESSION_CLOSED', http: { status: 403 } },
  });
}

/** The live stream is a person's own inbox; an operator in a support session has none there (decision 0030). */
export function supportStreamRefused(): GraphQLError {
  return new GraphQLError('A support session has no live stream; read the inbox through /graphql, where it is logged.', {
    extensions: { code: 'FORBIDDEN', reason: 'SUPPORT_SESSION_NO_STREAM', http: { status: 403 } },
  });
}

function fragmentsOf(definitions: readonly { kind: Kind }[]): Map<string, FragmentDefinitionNode> {
  const fragments = definitions.filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION);
  return new Map(fragments.map((fragment) => [fragment.name.value, fragment]));
}

/** The operation's top-level field names, through fragments, deduplicated, at most 50. */
export function topLevelFields(selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, seen = new Set<string>()): string[] {
  const names = new Set<string>();
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) names.add(selection.name.value);
    else if (selection.kind === Kind.INLINE_FRAGMENT) for (const name of topLevelFields(selection.selectionSet, fragments, seen)) names.add(name);
    else {
      const fragment = fragments.get(selection.name.value);
      if (!fragment || seen.has(fragment.name.value)) continue;
      seen.add(fragment.name.value);
      for (const name of topLevelFields(fragment.selectionSet, fragments, seen)) names.add(name);
    }
  }
  return [...names].slice(0, MAX_FIELDS);
}
