import type { ApolloServerPlugin } from '@apollo/server';
import { DateTimeResolver, LocalDateResolver } from '@tunet/kit';
import {
  BREAK,
  getNamedType,
  getNullableType,
  GraphQLError,
  isListType,
  Kind,
  visit,
  type ASTNode,
  type DocumentNode,
  type GraphQLFormattedError,
  type GraphQLScalarType,
  type ValidationRule,
  type ValueNode,
} from 'graphql';

/**
 * Clients should learn which field of their input was wrong, whether they sent it as a variable or inline.
 * Variable errors already carry the path in their message; inline literal errors are validation errors, which
 * this plugin tags with the argument path so `formatInputError` can report them as BAD_USER_INPUT.
 */
export const inputErrorPlugin: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async validationDidStart({ document }) {
        return async (errors) => {
          for (const error of (errors ?? []) as GraphQLError[]) {
            const field = fieldOfLiteral(document, error) ?? fieldFromMessage(error.message);
            if (field) (error.extensions as Record<string, unknown>).field = field;
          }
        };
      },
    };
  },
};

/**
 * An `operationName` that names none of the document's operations, or none given for several, is the client's
 * mistake: 400 as Apollo Server answers it without a gateway, where the gateway's executor made it a 500.
 */
export const operationNamePlugin: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation, request }) {
        if (operation) return;
        const message = request.operationName
          ? `Unknown operation named "${request.operationName}".`
          : 'Must provide operation name if query contains multiple operations.';
        throw new GraphQLError(message, { extensions: { code: 'OPERATION_RESOLUTION_FAILURE', http: { status: 400 } } });
      },
    };
  },
};

/** The subgraphs' own scalars, whose literals the gateway's schema (from the supergraph) would take as anything. */
const CHECKED_SCALARS = new Map<string, GraphQLScalarType>([
  ['Date', LocalDateResolver],
  ['DateTime', DateTimeResolver],
]);

/**
 * An inline `Date` or `DateTime` literal is checked here, as the subgraph would, so that its error is a
 * validation error on the literal, which `inputErrorPlugin` names the field of. Left to the subgraph, it came back
 * as GRAPHQL_VALIDATION_FAILED without the field.
 */
export const scalarLiteralsRule: ValidationRule = (context) => ({
  enter(node) {
    if (!isValueNode(node) || node.kind === Kind.NULL) return;
    const type = context.getInputType();
    const scalar = type && !isListType(getNullableType(type)) ? CHECKED_SCALARS.get(getNamedType(type).name) : undefined;
    if (!scalar) return;
    try {
      scalar.parseLiteral(node as ValueNode, undefined);
    } catch (error) {
      context.reportError(new GraphQLError((error as Error).message, { nodes: node }));
    }
  },
});

export function formatInputError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (code === 'GRAPHQL_VALIDATION_FAILED' && formatted.extensions?.field) {
    return { ...formatted, extensions: { ...formatted.extensions, code: 'BAD_USER_INPUT' } };
  }
  if (code === 'BAD_USER_INPUT' && !formatted.extensions?.field) {
    const field = fieldFromMessage(formatted.message);
    if (field) return { ...formatted, extensions: { ...formatted.extensions, field } };
  }
  return formatted;
}

/** `Variable "$input" got invalid value 5 at "input.email"` → input.email; required-but-missing messages too. */
function fieldFromMessage(message: string): string | null {
  const patterns = [
    /^Variable "\$\w+" got invalid value .* at "([\w.[\]]+)"/,
    /^Variable "\$(\w+)" got invalid value/,
    /^Variable "\$(\w+)" of required type/,
    /^Field "\w+" argument "(\w+)" of type .* is required/,
    /^Field "\w+\.(\w+)" of required type .* was not provided/,
  ];
  for (const pattern of patterns) {
    const match = pattern.exec(message);
    if (match?.[1]) return match[1];
  }
  return null;
}

/** The argument path (`input.email`) of an inline value that failed validation, found by walking the document. */
function fieldOfLiteral(document: DocumentNode, error: GraphQLError): string | null {
  const target = error.nodes?.[0];
  if (!target || !isValueNode(target)) return null;
  let field: string | null = null;
  visit(document, {
    enter(node, _key, parent, _path, ancestors) {
      if (node !== target) return undefined;
      // `ancestors` stops short of the direct parent, which is the Argument or ObjectField holding the value.
      const names = [...ancestors, parent]
        .filter((n): n is ASTNode => !Array.isArray(n) && typeof n === 'object' && n !== null && 'kind' in n)
        .filter((n) => n.kind === Kind.ARGUMENT || n.kind === Kind.OBJECT_FIELD)
        .map((n) => (n as { name: { value: string } }).name.value);
      field = names.join('.') || null;
      return BREAK;
    },
  });
  return field;
}

function isValueNode(node: ASTNode): boolean {
  return [Kind.INT, Kind.FLOAT, Kind.STRING, Kind.BOOLEAN, Kind.NULL, Kind.ENUM, Kind.LIST, Kind.OBJECT].includes(node.kind);
}
