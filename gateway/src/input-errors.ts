import type { ApolloServerPlugin } from '@apollo/server';
import { DateTimeResolver, errorReasons, LocalDateResolver, type ErrorReason, type ReasonParams } from '@tunet/kit';
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
import { argumentsOfVariables } from './nul-characters';

/**
 * Clients should learn which field of their input was wrong, whether they sent it as a variable or inline, as a path
 * relative to the input (`email`, `slots.0.startsAt`): never the client's variable name, never the `input` argument
 * itself. Inline literal errors are validation errors, which this plugin tags with the path so `formatInputError`
 * reports them as BAD_USER_INPUT; variable errors (coerced before execution) get the path of the argument the
 * variable stands for.
 */
export const inputErrorPlugin: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async validationDidStart({ document }) {
        return async (errors) => {
          for (const error of (errors ?? []) as GraphQLError[]) {
            const field = fieldOfLiteral(document, error) ?? fieldFromMessage(error.message, document);
            if (field) (error.extensions as Record<string, unknown>).field = field;
          }
        };
      },
      async didEncounterErrors({ errors, document }) {
        for (const error of errors) {
          if (error.extensions.code !== 'BAD_USER_INPUT' || error.extensions.field || error.path) continue;
          const field = fieldFromMessage(error.message, document);
          if (field) (error.extensions as Record<string, unknown>).field = field;
        }
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
  const field = formatted.extensions?.field;
  if ((code === 'GRAPHQL_VALIDATION_FAILED' && typeof field === 'string') || (code === 'BAD_USER_INPUT' && !formatted.path && !formatted.extensions?.reason)) {
    // Found by the gateway before execution: reported as a subgraph's parseInput would (reason, invalidFields).
    const named = typeof field === 'string' ? relativeToInput(field.replace(/\[(\d+)\]/g, '.$1')) : 'input';
    const [reason, params] = reasonOfInputError(formatted.message);
    const message = errorReasons[reason].en(params);
    const invalid = { field: named, reason, ...params, message };
    return {
      ...formatted,
      message,
      extensions: { ...formatted.extensions, code: 'BAD_USER_INPUT', reason, ...params, field: named, invalidFields: [invalid] },
    };
  }
  return formatted;
}

/** The reason of graphql-js's coercion and validation messages for an input value. */
function reasonOfInputError(message: string): [ErrorReason, ReasonParams] {
  if (/NUL character/.test(message)) return ['INVALID_CHARACTER', { character: 'U+0000' }];
  if (/of required type .* was not provided|Expected non-nullable type .* not to be null|is required, but it was not provided/.test(message))
    return ['REQUIRED', {}];
  if (/is not defined by type/.test(message)) return ['UNKNOWN_FIELD', {}];
  if (/Value ".*" does not exist in ".*" enum|Enum ".*" cannot represent/.test(message)) return ['INVALID_CHOICE', {}];
  if (/DateTime|date-time/i.test(message)) return ['INVALID_FORMAT', { format: 'date-time' }];
  if (/YYYY-MM-DD|Date cannot|Date must/.test(message)) return ['INVALID_FORMAT', { format: 'date' }];
  return ['INVALID_TYPE', {}];
}

/**
 * `Variable "$input" got invalid value 5 at "input.email"` → email: the variable's name is the client's, so the path
 * starts at the argument it stands for, and an `input` argument's own name is left out. Required-but-missing too.
 */
function fieldFromMessage(message: string, document: DocumentNode | undefined): string | null {
  const variable = /^Variable "\$(\w+)" (?:got invalid value .*? at "\w+((?:\.\w+|\[\d+\])*)"|got invalid value|of required type|of non-null type)/.exec(
    message,
  );
  if (variable?.[1]) {
    // A variable nested in an inline input object (`input: { capacity: $cap }`) stands for input.capacity.
    const argument = document ? argumentsOfVariables(document).get(variable[1]) : undefined;
    const rest = (variable[2] ?? '').replace(/\[(\d+)\]/g, '.$1');
    return relativeToInput(`${argument ?? variable[1]}${rest}`);
  }
  const patterns = [/^Field "\w+" argument "(\w+)" of type .* is required/, /^Field "\w+\.(\w+)" of required type .* was not provided/];
  for (const pattern of patterns) {
    const match = pattern.exec(message);
    if (match?.[1]) return match[1];
  }
  return null;
}

/** `input.title` → title; `first` stays first; a whole missing `input` stays input. */
function relativeToInput(path: string): string {
  return path.startsWith('input.') ? path.slice('input.'.length) : path;
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
      field = names.length > 0 ? relativeToInput(names.join('.')) : null;
      return BREAK;
    },
  });
  return field;
}

function isValueNode(node: ASTNode): boolean {
  return [Kind.INT, Kind.FLOAT, Kind.STRING, Kind.BOOLEAN, Kind.NULL, Kind.ENUM, Kind.LIST, Kind.OBJECT].includes(node.kind);
}
